import type { JobContext } from './job-context';
import { JobSlots } from './repository';

/** Explicit expiry of the scheduler's slots, because the embedded server never expires items by TTL. Part of the housekeeping job (bot/jobs.ts). */
export async function removeExpiredSlots(ctx: JobContext): Promise<number> {
  const slots = new JobSlots(ctx.store);
  const now = ctx.clock.now().toISOString();
  let removed = 0;
  let continuation: string | undefined;
  // A page at a time, each deleted through the bulk API: memory and round trips stay bounded.
  do {
    const page = await slots.expired(ctx.orgId, now, { pageSize: 500, ...(continuation ? { continuation } : {}) });
    await slots.deleteMany(
      ctx.orgId,
      page.items.map((s) => s.id),
    );
    removed += page.items.length;
    continuation = page.continuation;
  } while (continuation);
  return removed;
}
