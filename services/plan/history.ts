import { isAppError } from '../core/errors';
import type { Store, Stored } from '../store/ports';
import type { Action, StatusUpdate } from './model';
import { ActionPlan } from './repository';

/**
 * An action's updates as they grow. Every update adds up to about 24 KB of notes, and every write
 * of an action rewrites all of it: an action updated weekly for years would pass Cosmos DB's 2 MB
 * per item and take no more updates. So the oldest move to documents of their own beside it (same
 * container and partition), and the action keeps the latest, which is all the card, the reminder
 * and escalation rules and replay detection read. Readers of the whole history use `fullHistory`.
 */

/** Updates kept on the action itself. */
export const HISTORY_KEPT = 20;
/** When an action holds this many updates, all but the last HISTORY_KEPT move to a new part. */
export const HISTORY_MOVE_AT = 60;

export const historyPartId = (actionId: string, part: number) => `${actionId}-history-${part}`;

/**
 * After a write: if `action` holds HISTORY_MOVE_AT updates or more, its oldest move to the next
 * part. The part is written first and only then are they taken off the action, so a failure in
 * between leaves them in both places, and readers count each update once (by its id).
 */
export async function moveOldHistory(store: Store, action: Stored<Action>): Promise<void> {
  if (action.history.length < HISTORY_MOVE_AT) return;
  const part = action.historyParts ?? 0;
  const moving = action.history.slice(0, action.history.length - HISTORY_KEPT);
  const id = historyPartId(action.id, part);
  const plan = new ActionPlan(store);
  try {
    await plan.createHistoryPart({ id, orgId: action.orgId, kind: 'history-part', actionId: action.id, part, entries: moving });
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
    // Another writer is moving the same updates: the part keeps every update either of them moved.
    await plan.updateHistoryPart(action.orgId, id, (p) => {
      const held = new Set(p.entries.map((h) => h.id));
      const more = moving.filter((h) => !held.has(h.id));
      return more.length ? { ...p, entries: [...p.entries, ...more] } : undefined;
    });
  }
  const moved = new Set(moving.map((h) => h.id));
  await plan.updateAction(
    action.orgId,
    action.id,
    (a) => ((a.historyParts ?? 0) !== part ? undefined : { ...a, history: a.history.filter((h) => !moved.has(h.id)), historyParts: part + 1 }),
    action,
  );
}

/** Every update of the action, oldest first, each once: its moved parts, then what it holds. */
export async function fullHistory(store: Store, action: Action): Promise<StatusUpdate[]> {
  const count = action.historyParts ?? 0;
  if (count === 0) return action.history;
  const plan = new ActionPlan(store);
  const found = await Promise.all(Array.from({ length: count }, (_, part) => plan.getHistoryPart(action.orgId, historyPartId(action.id, part))));
  const seen = new Set<string>();
  return [...found.flatMap((p) => p?.entries ?? []), ...action.history].filter((h) => !seen.has(h.id) && (seen.add(h.id), true));
}

/** Changes every moved update of the action (erasure anonymises who made them). */
export async function changeMovedHistory(store: Store, action: Action, change: (h: StatusUpdate) => StatusUpdate): Promise<void> {
  const plan = new ActionPlan(store);
  for (let part = 0; part < (action.historyParts ?? 0); part++) {
    const id = historyPartId(action.id, part);
    if (await plan.getHistoryPart(action.orgId, id)) await plan.updateHistoryPart(action.orgId, id, (p) => ({ ...p, entries: p.entries.map(change) }));
  }
}
