import type { OutboxItem } from '../delivery/model';
import { OutboxRepository } from '../delivery/repository';
import type { JobContext } from './job-context';
import { JobSlots } from './repository';
import { rebuildTrainingSummaries } from '../training/summaries';

const KEEP_DELIVERED_DAYS = 90;

/** Explicit expiry, because the embedded server never expires items by TTL. */
export async function housekeeping(ctx: JobContext): Promise<Record<string, unknown>> {
  const now = ctx.clock.now();
  const slots = new JobSlots(ctx.store);
  const expired = await slots.expired(ctx.orgId, now.toISOString());
  for (const s of expired) await slots.delete(ctx.orgId, s.id);
  const cutoff = new Date(now.getTime() - KEEP_DELIVERED_DAYS * 24 * 3600_000).toISOString();
  const outbox = ctx.store.collection<OutboxItem>('outbox');
  const old = await new OutboxRepository(ctx.store).sentBefore(ctx.orgId, cutoff);
  for (const o of old) await outbox.delete(ctx.orgId, o.id);
  // The weekly catch-up for training summaries: every write keeps them in step; this mends any that a failure left behind.
  const summaries = await rebuildTrainingSummaries(ctx.store, ctx.orgId);
  return { expiredSlots: expired.length, oldMessages: old.length, trainingSummariesMended: summaries.written + summaries.removed };
}
