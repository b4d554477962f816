import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError, type FieldIssue } from '../core/errors';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { agencyOf, coversFor, mayUpdateAction } from '../access/policy';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import { type Action, ActionPlan, isOpen, nextDueDate, type StatusUpdate } from '../plan';
import type { DomainEvents } from '../events/domain-events';
import type { Organisation } from '../organisation/model';
import type { Store, Stored } from '../store/ports';
import { checkStatusUpdate, statusSubmissionSchema, type StatusSubmission, type ValidStatusUpdate } from './rules';
import { moveOldHistory } from '../plan';

declare module '../events/domain-events' {
  interface DomainEventPayloads {
    /** A status update was stored: the action as it now is, the update, and the organisation's time zone as the use case knew it. */
    ActionUpdated: { action: Action; update: StatusUpdate; timeZone: string };
  }
}

export type StatusUpdateOutcome =
  | { kind: 'saved'; action: Action; update: StatusUpdate }
  /** The same submission was stored already (a double click or a replayed invoke). */
  | { kind: 'replayed'; action: Action; update: StatusUpdate }
  | { kind: 'invalid'; action: Action; issues: FieldIssue[]; values: StatusSubmission }
  /** The card showed an older version than is stored: show the newer state and ask again. */
  | { kind: 'stale'; action: Action; values: StatusSubmission };

/** `organisation`, when the caller holds it (the bot caches it), saves the event handlers reading it again. */
export type UpdateDeps = { store: Store; clock: Clock; events: DomainEvents; organisation?: Organisation };

/** Leads, whoever covers for a lead on leave, and plan administrators may update an action. */
export async function canUpdate(deps: PartnershipSource, actor: Person, action: Pick<Action, 'leadIds' | 'orgId'>, today: string): Promise<boolean> {
  const partnership = await partnershipFor(deps, action.orgId);
  if (mayUpdateAction(actor, action, partnership)) return true;
  // Only when the actor is neither a lead nor a partnership administrator: who covers today, and
  // which agencies lead it, need the leads' records.
  const directory = new Directory(deps.store);
  const coverIds: string[] = [];
  const leadAgencies: (string | undefined)[] = [];
  for (const leadId of action.leadIds) {
    const lead = (await directory.get(action.orgId, leadId)) ?? {};
    if (coversFor(actor, lead, today, partnership)) coverIds.push(actor.id);
    leadAgencies.push(agencyOf(lead, partnership));
  }
  return mayUpdateAction(actor, action, partnership, { coverIds, leadAgencies });
}

export async function loadActionFor(store: Store, actor: Person, actionId: string): Promise<Action> {
  const action = await new ActionPlan(store).getAction(actor.orgId, actionId);
  if (!action) throw new AppError('NOT_FOUND', 'That action no longer exists in the plan.');
  return action;
}

function sameContent(entry: StatusUpdate, value: ValidStatusUpdate): boolean {
  return (
    entry.status === value.status &&
    entry.progress === value.progress &&
    (entry.evidence ?? '') === (value.evidence ?? '') &&
    (entry.reason ?? '') === (value.reason ?? '') &&
    (entry.remedialAction ?? '') === (value.remedialAction ?? '') &&
    (entry.revisedDueDate ?? '') === (value.revisedDueDate ?? '')
  );
}

/** The update stored from this very submission, if it already was. */
function findReplay(action: Action, actor: Person, version: number, value: ValidStatusUpdate): StatusUpdate | undefined {
  return action.history.find((h) => h.fromVersion === version && h.by.personId === actor.id && sameContent(h, value));
}

/**
 * An owner's RAG update from a card: checked against the rules, authorised against the stored
 * action (never the card), written with the etag so concurrent answers cannot overwrite each other.
 */
export async function submitStatusUpdate(
  deps: UpdateDeps,
  input: {
    actor: Person;
    data: unknown;
    timeZone: string;
  },
): Promise<StatusUpdateOutcome> {
  const parsed = statusSubmissionSchema.safeParse(input.data);
  if (!parsed.success) throw new AppError('VALIDATION', 'This card sent data that cannot be a status update.');
  const submission = parsed.data;
  const { actor } = input;

  const current = await loadActionFor(deps.store, actor, submission.actionId);
  const day = today(deps.clock, input.timeZone);
  if (!(await canUpdate(deps, actor, current, day))) {
    throw new AppError('FORBIDDEN', 'Only the action’s lead, their cover, or a plan administrator can update it.');
  }

  const checked = checkStatusUpdate(submission, day);
  if (!checked.ok) return { kind: 'invalid', action: current, issues: checked.issues, values: submission };
  const value = checked.value;

  const earlier = findReplay(current, actor, submission.version, value);
  if (earlier) {
    // The same card again, perhaps after the store failed mid-way last time: what follows a save is
    // idempotent, so it runs again and completes anything left undone.
    await published(deps, input, current, earlier);
    return { kind: 'replayed', action: current, update: earlier };
  }
  if (current.version !== submission.version) return { kind: 'stale', action: current, values: submission };

  const now = deps.clock.now().toISOString();
  let outcome: StatusUpdateOutcome | undefined;
  const stored = await new ActionPlan(deps.store).updateAction(
    actor.orgId,
    current.id,
    (latest) => {
      // Re-checked on every attempt: a concurrent writer may have got in first.
      const replay = findReplay(latest, actor, submission.version, value);
      if (replay) {
        outcome = { kind: 'replayed', action: latest, update: replay };
        return undefined;
      }
      if (latest.version !== submission.version) {
        outcome = { kind: 'stale', action: latest, values: submission };
        return undefined;
      }
      const update: StatusUpdate = {
        id: randomUUID(),
        at: now,
        by: { personId: actor.id, name: actor.name },
        source: 'teams',
        fromVersion: latest.version,
        previousStatus: latest.status,
        ...value,
      };
      const next: Action = {
        ...latest,
        status: value.status,
        progress: value.progress,
        open: isOpen(value.status),
        revisedDueDate: value.revisedDueDate ?? latest.revisedDueDate,
        history: [...latest.history, update],
        version: latest.version + 1,
        updatedAt: now,
      };
      next.nextDueDate = nextDueDate(next, today(deps.clock, input.timeZone));
      outcome = { kind: 'saved', action: next, update };
      return next;
    },
    current as Stored<Action>,
  );
  if (outcome?.kind !== 'saved') return outcome!;
  await moveOldHistory(deps.store, stored);
  await published(deps, input, stored, outcome.update);
  return { ...outcome, action: stored };
}

/** Rounds and escalations react to the update (see services/events/handlers.ts). */
function published(deps: UpdateDeps, input: { timeZone: string }, action: Action, update: StatusUpdate): Promise<void> {
  return deps.events.publish({ type: 'ActionUpdated', action, update, timeZone: input.timeZone }, deps);
}
