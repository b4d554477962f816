import { toArray } from '../store/ports';
import type { OutboxItem } from '../delivery/model';
import type { JobContext } from './job-context';
import type { JobSlot } from './coordinator';
import { rebuildTrainingSummaries } from '../training/summaries';

const KEEP_DELIVERED_DAYS = 90;

/** Explicit expiry, because the embedded server never expires items by TTL. */
export async function housekeeping(ctx: JobContext): Promise<Record<string, unknown>> {
  const now = ctx.clock.now();
  const slots = ctx.store.collection<JobSlot>('jobs');
  const expired = await toArray(
    slots.query({
      query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'job-slot' AND c.expiresAt < @now",
      parameters: [{ name: '@orgId', value: ctx.orgId }, { name: '@now', value: now.toISOString() }],
    }),
  );
  for (const s of expired) await slots.delete(ctx.orgId, s.id);
  const cutoff = new Date(now.getTime() - KEEP_DELIVERED_DAYS * 24 * 3600_000).toISOString();
  const outbox = ctx.store.collection<OutboxItem>('outbox');
  const old = await toArray(
    outbox.query({
      query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.status = 'sent' AND c.sentAt < @cutoff",
      parameters: [{ name: '@orgId', value: ctx.orgId }, { name: '@cutoff', value: cutoff }],
    }),
  );
  for (const o of old) await outbox.delete(ctx.orgId, o.id);
  // The nightly catch-up for training summaries: every write keeps them in step; this mends any that a failure left behind.
  const summaries = await rebuildTrainingSummaries(ctx.store, ctx.orgId);
  return { expiredSlots: expired.length, oldMessages: old.length, trainingSummariesMended: summaries.written + summaries.removed };
}
