import type { RunCoordinator } from 'node-cron';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Store } from '../store/ports';
import { JobSlots } from './repository';

/** How long a claim on an unfinished slot holds before another instance may take the slot over. */
export const SLOT_LEASE_MS = 15 * 60_000;

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

  /**
   * Claims a slot to run or to retry: 'claimed' when this instance may run it now (a new claim, its
   * own unfinished claim, or an unfinished one whose lease ran out), 'taken' when another instance
   * holds it or it is done.
   */
  async claim(key: string): Promise<'claimed' | 'taken'> {
    const slots = new JobSlots(this.store);
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + SLOT_LEASE_MS).toISOString();
    if (await this.shouldRun(key, SLOT_LEASE_MS, leaseUntil)) return 'claimed';
    const slot = await slots.read(this.orgId, slotId(key));
    if (!slot || slot.doneAt) return 'taken';
    const mine = slot.instance === this.instance;
    if (!mine && (slot.leaseUntil ?? slot.expiresAt) > now.toISOString()) return 'taken';
    try {
      await slots.replace({ ...slot, instance: this.instance, leaseUntil });
      return 'claimed';
    } catch (e) {
      if (isAppError(e, 'CONFLICT')) return 'taken';
      throw e;
    }
  }

  /** Marks the slot done, so no retry or takeover runs it again. */
  async complete(key: string): Promise<void> {
    await new JobSlots(this.store).update(this.orgId, slotId(key), (s) => ({ ...s, doneAt: this.clock.now().toISOString() }));
  }

  async shouldRun(key: string, ttlMs: number, leaseUntil?: string): Promise<boolean> {
    const now = this.clock.now();
    const keptMs = Math.max(ttlMs, 7 * 24 * 3600_000);
    try {
      await new JobSlots(this.store).create({
        id: slotId(key),
        orgId: this.orgId,
        kind: 'job-slot',
        key,
        instance: this.instance,
        claimedAt: now.toISOString(),
        // Azure Cosmos DB removes it by its ttl; the housekeeping job does the same on the embedded store by expiresAt.
        expiresAt: new Date(now.getTime() + keptMs).toISOString(),
        ttl: Math.ceil(keptMs / 1000),
        ...(leaseUntil ? { leaseUntil } : {}),
      });
      return true;
    } catch (e) {
      if (isAppError(e, 'ALREADY_EXISTS')) return false;
      throw e; // node-cron fails closed: no instance runs a slot it could not claim
    }
  }
}
