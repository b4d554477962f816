import type { RunCoordinator } from 'node-cron';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Store } from '../store/ports';

export type JobSlot = { id: string; orgId: string; kind: 'job-slot'; key: string; instance: string; claimedAt: string; expiresAt: string };

/** Cosmos ids may not contain / \ ? #; slot keys are `<job>:<ISO instant>`. */
export function slotId(key: string): string {
  return `slot-${key.replace(/[/\\?#]/g, '_')}`;
}

/**
 * node-cron's distributed coordinator backed by the store: the first instance to create the
 * slot's document runs the job; every other instance's create fails and it skips. Creation is
 * atomic on one document, which is all Cosmos guarantees and all this needs.
 */
export class StoreRunCoordinator implements RunCoordinator {
  constructor(
    private readonly store: Store,
    private readonly orgId: string,
    private readonly clock: Clock,
    private readonly instance: string,
  ) {}

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.store.collection<JobSlot>('jobs').create({
        id: slotId(key),
        orgId: this.orgId,
        kind: 'job-slot',
        key,
        instance: this.instance,
        claimedAt: now.toISOString(),
        // Kept for the housekeeping job: the embedded server does not expire items by TTL.
        expiresAt: new Date(now.getTime() + Math.max(ttlMs, 7 * 24 * 3600_000)).toISOString(),
      });
      return true;
    } catch (e) {
      if (isAppError(e, 'ALREADY_EXISTS')) return false;
      throw e; // node-cron fails closed: no instance runs a slot it could not claim
    }
  }
}
