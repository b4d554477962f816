import type { JobContext } from './job-context';
import { JobSlots } from './repository';
import { rebuildTrainingSummaries } from '../training/summaries';
import { applyRetention, pageByPage } from '../retention/housekeeping';
import { DEFAULT_RETENTION } from '../retention/schedule';

/** Explicit expiry, because the embedded server never expires items by TTL; and the retention schedule on both stores. */
export async function housekeeping(ctx: JobContext): Promise<Record<string, unknown>> {
  const now = ctx.clock.now();
  const slots = new JobSlots(ctx.store);
  const expired = await pageByPage((page) => slots.expired(ctx.orgId, now.toISOString(), page), (found) => slots.deleteMany(ctx.orgId, found.map((s) => s.id)));
  const retention = await applyRetention(ctx, ctx.orgId, ctx.retention ?? DEFAULT_RETENTION);
  // The catch-up for training summaries: every write keeps them in step; this mends any that a failure left behind.
  const summaries = await rebuildTrainingSummaries(ctx.store, ctx.orgId);
  return { expiredSlots: expired, removed: retention, trainingSummariesMended: summaries.written + summaries.removed };
}
