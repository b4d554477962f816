import type { Clock } from '../core/clock';
import { mapConcurrently } from '../core/concurrency';
import { isAppError } from '../core/errors';
import type { Store } from '../store/ports';
import type { DeliveryStatus, NewOutboxItem, OutboxItem } from './model';
import { OutboxRepository } from './repository';

/**
 * Adds a message to the outbox once. The id says what the message is for, so a job that runs
 * again for the same slot finds it already there and adds nothing.
 */
export async function enqueue(store: Store, clock: Clock, item: NewOutboxItem): Promise<{ item: OutboxItem; created: boolean }> {
  const outbox = new OutboxRepository(store);
  const { notBefore, ...rest } = item;
  try {
    const created = await outbox.create({ ...rest, status: 'pending', attempts: 0, nextAttemptAt: notBefore ?? '', createdAt: clock.now().toISOString() });
    return { item: created, created: true };
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    return { item: (await outbox.get(item.orgId, item.id))!, created: false };
  }
}

/** Writes a job keeps in flight at once when it enqueues many messages. */
const ENQUEUE_CONCURRENCY = 8;

/**
 * Enqueues many messages, a few writes at a time rather than one after another: a job's time then
 * follows its messages divided by the store's round trips in flight. Returns how many were new.
 */
export async function enqueueAll(store: Store, clock: Clock, items: NewOutboxItem[]): Promise<number> {
  // A failed write fails the job: its slot is retried, and enqueueing is idempotent.
  const results = await mapConcurrently(items, ENQUEUE_CONCURRENCY, (item) => enqueue(store, clock, item));
  return results.filter((r) => r.created).length;
}

export async function deliveryStatus(store: Store, orgId: string, filter: { purpose?: OutboxItem['purpose']; idPrefix?: string } = {}): Promise<{ counts: Record<DeliveryStatus, number>; items: OutboxItem[] }> {
  const items = await new OutboxRepository(store).matching(orgId, filter);
  const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, unreachable: 0 };
  for (const i of items) counts[i.status]++;
  return { counts, items };
}
