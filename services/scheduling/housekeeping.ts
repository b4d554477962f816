import type { JobContext } from './job-context';
import { JobSlots } from './repository';

/** Explicit expiry of the scheduler's slots, because the embedded server never expires items by TTL. Part of the housekeeping job (bot/jobs.ts). */
export async function removeExpiredSlots(ctx: JobContext): Promise<number> {
  const slots = new JobSlots(ctx.store);
  const expired = await slots.expired(ctx.orgId, ctx.clock.now().toISOString());
  for (const s of expired) await slots.delete(ctx.orgId, s.id);
  return expired.length;
}
