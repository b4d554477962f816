import type { Clock } from '../core/clock';
import { personalConversationKey } from '../conversations/model';
import type { Store } from '../store/ports';
import type { OutboxItem } from './model';
import { OutboxRepository } from './repository';

/**
 * Records that a person opened and acted on a card the bot sent them: the outbox items sent to
 * their own personal chat as that activity are marked seen (the first time only). The chat comes
 * from the acting user, so nobody can mark another person's message seen.
 */
export async function recordSeen(store: Store, clock: Clock, input: { orgId: string; aadObjectId: string; activityId: string }): Promise<OutboxItem[]> {
  const outbox = new OutboxRepository(store);
  const items = await outbox.sentAsActivity(input.orgId, personalConversationKey(input.aadObjectId), input.activityId);
  const at = clock.now().toISOString();
  const marked: OutboxItem[] = [];
  for (const item of items) {
    if (item.seenAt) continue;
    marked.push(await outbox.update(item.orgId, item.id, (current) => (current.seenAt ? undefined : { ...current, seenAt: at }), item));
  }
  return marked;
}

/** Whether `personId` has seen any message to them whose id starts with `idPrefix` (e.g. all of one round's requests and chasers). */
export async function hasSeen(store: Store, orgId: string, personId: string, idPrefix: string): Promise<boolean> {
  return new OutboxRepository(store).anySeenBy(orgId, personId, idPrefix);
}

/**
 * Of the messages whose ids start with `idPrefix` (e.g. one escalation stage's alerts): how many
 * were delivered and seen, how many are still on their way, and how many could not be delivered
 * (failed, or the person or channel cannot be reached).
 */
export async function seenCounts(
  store: Store,
  orgId: string,
  idPrefix: string,
): Promise<{ delivered: number; seen: number; waiting: number; undelivered: number }> {
  const items = await new OutboxRepository(store).statusWithPrefix(orgId, idPrefix);
  const sent = items.filter((i) => i.status === 'sent');
  return {
    delivered: sent.length,
    seen: sent.filter((i) => i.seenAt).length,
    waiting: items.filter((i) => i.status === 'pending' || i.status === 'sending').length,
    undelivered: items.filter((i) => i.status === 'failed' || i.status === 'unreachable').length,
  };
}
