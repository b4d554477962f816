import type { Clock } from '../core/clock';
import { mapConcurrently } from '../core/concurrency';
import type { Store } from '../store/ports';
import type { DeliveryStatus, NewOutboxItem, OutboxItem } from './model';
import { OutboxRepository } from './repository';

/**
 * Adds a message to the outbox once. The id says what the message is for, so a job that runs
 * again for the same slot finds it already there and adds nothing.
 */
export async function enqueue(store: Store, clock: Clock, item: NewOutboxItem): Promise<{ item: OutboxItem; created: boolean }> {
  const outbox = store.collection<OutboxItem>('outbox');
  const { notBefore, ...rest } = item;
  const { doc, created } = await outbox.createOrRead({ ...rest, status: 'pending', attempts: 0, nextAttemptAt: notBefore ?? '', createdAt: clock.now().toISOString() });
  return { item: doc, created };
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

const STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'unreachable'];

/**
 * What `delivery status` shows: how many items stand at each status (counted by the store, side by
 * side) and the items that reached no one, with why. Never the whole outbox: a county's holds
 * hundreds of thousands of items.
 */
export async function deliverySummary(store: Store, orgId: string): Promise<{ counts: Record<DeliveryStatus, number>; undelivered: Pick<OutboxItem, 'id' | 'status' | 'lastError'>[] }> {
  const outbox = new OutboxRepository(store);
  // One query per status, each served by the status index (an OR of two would scan the outbox).
  const [numbers, failed, unreachable] = await Promise.all([Promise.all(STATUSES.map((s) => outbox.countWithStatus(orgId, s))), outbox.withStatusAndReason(orgId, 'failed'), outbox.withStatusAndReason(orgId, 'unreachable')]);
  const counts = Object.fromEntries(STATUSES.map((s, i) => [s, numbers[i]!])) as Record<DeliveryStatus, number>;
  return { counts, undelivered: [...failed, ...unreachable] };
}

/** Every item, or those of one purpose or id prefix, with counts: for a look at a few (one job's, one round's). */
export async function deliveryStatus(store: Store, orgId: string, filter: { purpose?: OutboxItem['purpose']; idPrefix?: string } = {}): Promise<{ counts: Record<DeliveryStatus, number>; items: OutboxItem[] }> {
  const items = await new OutboxRepository(store).matching(orgId, filter);
  const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, unreachable: 0 };
  for (const i of items) counts[i.status]++;
  return { counts, items };
}
