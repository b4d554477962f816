import type { Clock } from '../core/clock';
import { mapConcurrently } from '../core/concurrency';
import { isAppError, type AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Store } from '../store/ports';
import type { OutboundMessage } from './messages';
import type { DeliveryStatus, NewOutboxItem, OutboxItem } from './model';
import { OutboxRepository } from './repository';

/**
 * Adds a message to the outbox once. The id says what the message is for, so a job that runs
 * again for the same slot finds it already there and adds nothing.
 */
export async function enqueue(store: Store, clock: Clock, item: NewOutboxItem): Promise<{ item: OutboxItem; created: boolean }> {
  const outbox = new OutboxRepository(store);
  const { notBefore, ...rest } = item;
  const { doc, created } = await outbox.createOrRead({
    ...rest,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: notBefore ?? '',
    createdAt: clock.now().toISOString(),
  });
  return { item: doc, created };
}

/** Writes a job keeps in flight at once when it enqueues many messages. */
const ENQUEUE_CONCURRENCY = 8;

/**
 * Failures that belong to one message, not to the store: it is too large, an id it names is
 * refused, or it is gone. Trying it again would fail again, so it is recorded and the rest go on.
 */
export const isItemProblem = (e: unknown): e is AppError => isAppError(e, 'ITEM_TOO_LARGE') || isAppError(e, 'VALIDATION') || isAppError(e, 'NOT_FOUND');
const refusedItem = (e: unknown): e is AppError => isAppError(e, 'ITEM_TOO_LARGE') || isAppError(e, 'VALIDATION');

/** What a message the store could not hold keeps in place of its content: why it was not sent. */
export function unstorableMessage(reason: AppError): OutboundMessage {
  return { kind: 'notice', title: 'Message not stored', text: `This message could not be stored: ${reason.message}` };
}

/**
 * Records a message the store refused as failed, with the reason and without its content (which
 * is what could not be stored), so delivery status shows it and a rerun does not try it again.
 */
async function recordRefused(store: Store, clock: Clock, item: NewOutboxItem, reason: AppError): Promise<void> {
  const { notBefore: _notBefore, message: _refused, replaces: _replaces, ...rest } = item;
  await new OutboxRepository(store).create({
    ...rest,
    message: unstorableMessage(reason),
    status: 'failed',
    attempts: 0,
    nextAttemptAt: '',
    createdAt: clock.now().toISOString(),
    lastError: { status: reason.status, message: reason.message.slice(0, 300) },
  });
}

/**
 * Enqueues many messages, a few writes at a time rather than one after another: a job's time then
 * follows its messages divided by the store's round trips in flight. Returns how many were new.
 *
 * One message never stops the others: a message the store refuses (too large, a bad id) is
 * recorded as failed with the reason; if the store itself fails, the rest are still tried and the
 * first such error is thrown at the end, so the job's slot is retried (enqueueing is idempotent).
 */
export async function enqueueAll(store: Store, clock: Clock, items: NewOutboxItem[], logger?: Logger): Promise<number> {
  let storeFailure: unknown;
  const results = await mapConcurrently(items, ENQUEUE_CONCURRENCY, async (item) => {
    try {
      return (await enqueue(store, clock, item)).created;
    } catch (e) {
      if (!refusedItem(e)) {
        storeFailure ??= e;
        return false;
      }
      logger?.warn({ outboxId: item.id, code: (e as AppError).code }, 'message refused by the store; recorded as failed');
      // An id the store refuses cannot hold the record either: the log line is then all there is.
      await recordRefused(store, clock, item, e as AppError).catch((again) => {
        if (!isAppError(again, 'ALREADY_EXISTS') && !refusedItem(again)) storeFailure ??= again;
      });
      return false;
    }
  });
  if (storeFailure !== undefined) throw storeFailure;
  return results.filter(Boolean).length;
}

const STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'unreachable'];

/**
 * What `delivery status` shows: how many items stand at each status (counted by the store, side by
 * side) and the items that reached no one, with why. Never the whole outbox: a county's holds
 * hundreds of thousands of items.
 */
export async function deliverySummary(
  store: Store,
  orgId: string,
): Promise<{ counts: Record<DeliveryStatus, number>; undelivered: Pick<OutboxItem, 'id' | 'status' | 'lastError'>[] }> {
  const outbox = new OutboxRepository(store);
  // One query per status, each served by the status index (an OR of two would scan the outbox).
  const [numbers, failed, unreachable] = await Promise.all([
    Promise.all(STATUSES.map((s) => outbox.countWithStatus(orgId, s))),
    outbox.withStatusAndReason(orgId, 'failed'),
    outbox.withStatusAndReason(orgId, 'unreachable'),
  ]);
  const counts = Object.fromEntries(STATUSES.map((s, i) => [s, numbers[i]!])) as Record<DeliveryStatus, number>;
  return { counts, undelivered: [...failed, ...unreachable] };
}

/** Every item, or those of one purpose or id prefix, with counts: for a look at a few (one job's, one round's). */
export async function deliveryStatus(
  store: Store,
  orgId: string,
  filter: { purpose?: OutboxItem['purpose']; idPrefix?: string } = {},
): Promise<{ counts: Record<DeliveryStatus, number>; items: OutboxItem[] }> {
  const items = await new OutboxRepository(store).matching(orgId, filter);
  const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, unreachable: 0 };
  for (const i of items) counts[i.status]++;
  return { counts, items };
}
