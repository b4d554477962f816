import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import { mapConcurrently } from '../core/concurrency';
import { formatDate, localDate, today } from '../core/dates';
import { AppError } from '../core/errors';
import { Conversations } from '../conversations/repository';
import { enqueue, enqueueAll } from '../delivery/outbox';
import type { MessageOf } from '../delivery/messages';
import type { NewOutboxItem, OutboxItem } from '../delivery/model';
import { OutboxRepository } from '../delivery/repository';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { inScope, mayFollowRound, mayStartRound, scopeFor } from '../access/policy';
import { partnershipFor, partnershipOf, type PartnershipSource } from '../organisation/organisations';
import { type Action, ActionPlan, type DigestLine, type RoundAction } from '../plan';
import type { JobContext } from '../scheduling/job-context';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store, Stored } from '../store/ports';
import { policyOf } from '../organisation/reminder-policy';
import type { RoundLead, UpdateRound } from './model';
import { UpdateRounds } from './repository';
import { listedText } from '../core/text';

export type { UpdateRound };

/** `seen`: the outstanding leads who have opened and acted on the round's request or a chaser. */
export type RoundProgress = { responded: string[]; outstanding: string[]; unreachable: string[]; seen: string[] };

type Deps = { store: Store; clock: Clock };

const rounds = (store: Store) => new UpdateRounds(store);

export async function openRounds(store: Store, orgId: string): Promise<UpdateRound[]> {
  return rounds(store).open(orgId);
}

/**
 * The open round an administrator follows, as at its last summary (at most a minute behind the
 * answers: see roundUpkeep), over the leads in their own scope: an agency's administrator
 * following the partnership's round sees only their agency's leads. Reads the round alone,
 * whatever the number of leads.
 */
export async function roundStatusFor(deps: PartnershipSource, actor: Person): Promise<{ round: UpdateRound; progress: RoundProgress } | undefined> {
  if (!mayFollowRound(actor)) throw new AppError('FORBIDDEN', 'Who has answered an update round is for plan administrators.');
  const partnership = await partnershipFor(deps, actor.orgId);
  const scope = scopeFor(actor, partnership);
  const round = (await openRounds(deps.store, actor.orgId)).find((r) => r.agency === undefined || inScope({ agency: r.agency }, scope, partnership));
  if (!round) return undefined;
  return { round, progress: progressOf(round.leads.filter((lead) => inScope({ agency: lead.agency }, scope, partnership))) };
}

/** The figures of a summary, from each lead's state; a lead not yet summarised counts as outstanding. */
function progressOf(leads: RoundLead[]): RoundProgress {
  const progress: RoundProgress = { responded: [], outstanding: [], unreachable: [], seen: [] };
  for (const lead of leads) {
    const state = lead.state ?? 'outstanding';
    progress[state].push(lead.name);
    if (state === 'outstanding' && lead.seen) progress.seen.push(lead.name);
  }
  return progress;
}

/**
 * Opens a round and answers at once: who is asked, the stamps on their actions and the requests
 * are the round upkeep's work (setUpRound), within a minute, so the command does the same few
 * store calls for 20 leads or 2,000.
 */
export async function startRound(
  deps: Deps,
  input: { actor: Person; dueBy: string; timeZone: string; calendar: WorkingCalendar },
): Promise<Stored<UpdateRound>> {
  const { actor } = input;
  if (!mayStartRound(actor)) throw new AppError('FORBIDDEN', 'Only a plan administrator can start an update round.');
  const day = today(deps.clock, input.timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueBy) || Number.isNaN(Date.parse(input.dueBy))) {
    throw new AppError('VALIDATION', `"${input.dueBy}" is not a date; give it as YYYY-MM-DD.`, { fields: [{ field: 'dueBy', message: 'Give a date.' }] });
  }
  if (input.dueBy <= day)
    throw new AppError('VALIDATION', 'The round’s deadline must be in the future.', { fields: [{ field: 'dueBy', message: 'Must be in the future.' }] });
  // An agency's administrator asks only their agency's leads; the partnership's, everyone's.
  const partnership = await partnershipFor(deps, actor.orgId);
  const scope = scopeFor(actor, partnership);
  const open = (await openRounds(deps.store, actor.orgId)).find((r) => r.agency === undefined || scope.agency === undefined || r.agency === scope.agency);
  if (open) throw new AppError('VALIDATION', `A round is already open (leads to update by ${formatDate(open.dueBy)}). Wait for it to close first.`);
  const round: UpdateRound = {
    id: `round-${day}-${randomUUID().slice(0, 8)}`,
    orgId: actor.orgId,
    kind: 'update-round',
    dueBy: input.dueBy,
    startedAt: deps.clock.now().toISOString(),
    startedBy: { personId: actor.id, name: actor.name },
    status: 'open',
    ...(scope.agency ? { agency: scope.agency } : {}),
    timeZone: input.timeZone,
    leads: [],
    summaryVersion: 0,
  };
  return rounds(deps.store).create(round);
}

/**
 * The work `start round` leaves to the upkeep, each step safe to run again after a crash or on
 * two instances at once: fix who is asked (every active lead in scope with open actions), stamp
 * their actions with the round (so an answer knows its round without a query), queue the
 * requests, and send the administrator's first summary.
 */
export async function setUpRound(deps: Deps, round: Stored<UpdateRound>): Promise<Stored<UpdateRound>> {
  if (round.setUpAt) return round;
  const { store } = deps;
  let current = round;
  const people = new Map((await new Directory(store).all({ orgId: round.orgId })).map((p) => [p.id, p]));
  const withAgency = (lead: RoundLead): RoundLead => {
    const { agency: was, ...rest } = lead;
    const agency = people.get(lead.personId)?.agency ?? was;
    return agency ? { ...rest, agency } : rest;
  };
  if (current.leads.length > 0) {
    // A round started before leads' agencies were kept: "round status" filters by them.
    current = await rounds(store).update(round.orgId, round.id, (r) => ({ ...r, leads: r.leads.map(withAgency) }), current);
  } else {
    const partnership = await partnershipOf(store, round.orgId);
    const scope = round.agency ? { orgId: round.orgId, agency: round.agency } : { orgId: round.orgId };
    const asked = (id: string) => !!people.get(id)?.active && inScope(people.get(id)!, scope, partnership);
    const byLead = new Map<string, string[]>();
    for (const a of await new ActionPlan(store).openActionLeads(round.orgId))
      for (const id of a.leadIds) if (asked(id)) byLead.set(id, [...(byLead.get(id) ?? []), a.id]);
    const leads: RoundLead[] = [...byLead].map(([personId, actionIds]) => {
      const agency = people.get(personId)!.agency;
      return { personId, name: people.get(personId)!.name, ...(agency ? { agency } : {}), actionIds };
    });
    // Another instance may have fixed the leads meanwhile: theirs stand.
    current = await rounds(store).update(round.orgId, round.id, (r) => (r.leads.length > 0 ? undefined : { ...r, leads }), current);
  }
  await stampActions(
    store,
    round.orgId,
    current.leads.flatMap((l) => l.actionIds),
    (a) => (a.roundIds?.includes(round.id) ? undefined : { ...a, roundIds: [...(a.roundIds ?? []), round.id] }),
  );
  const actions = new Map(
    (
      await new ActionPlan(store).roundActions(
        round.orgId,
        current.leads.flatMap((l) => l.actionIds),
        round.startedAt,
      )
    ).map((a) => [a.id, a]),
  );
  await enqueueAll(
    store,
    deps.clock,
    current.leads.map((lead) =>
      roundMessage(
        current,
        lead,
        lead.actionIds.flatMap((id) => actions.get(id) ?? []),
        'request',
        [],
      ),
    ),
  );
  current = await rounds(store).update(round.orgId, round.id, (r) => (r.setUpAt ? undefined : { ...r, setUpAt: deps.clock.now().toISOString() }), current);
  return refreshRoundSummary(deps, current);
}

/**
 * Rewrites many actions with the bulk API (services/store: bulk replace), each only if unchanged
 * since read; the few a lead changed meanwhile are read again and changed one by one.
 */
async function stampActions(store: Store, orgId: string, ids: string[], change: (a: Stored<Action>) => Action | undefined): Promise<void> {
  const plan = new ActionPlan(store);
  const changed = (await new ActionPlan(store).actionsByIds(orgId, ids)).flatMap((a) => {
    const next = change(a);
    return next ? [{ ...next, _etag: a._etag }] : [];
  });
  const outcomes = await plan.replaceActions(changed);
  const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [{ id: changed[i]!.id, error: o.error }]));
  // An action deleted meanwhile needs no stamp; any other failure than a changed action is real.
  const other = failed.find((f) => f.error.code !== 'CONFLICT' && f.error.code !== 'NOT_FOUND');
  if (other) throw other.error;
  const conflicts = failed.filter((f) => f.error.code === 'CONFLICT').map((f) => f.id);
  await mapConcurrently(conflicts, 4, (id) => plan.updateAction(orgId, id, change));
}

function roundMessage(
  round: UpdateRound,
  lead: RoundLead,
  actions: RoundAction[],
  kind: 'request' | 'chaser',
  snoozeChoices: number[],
  day?: string,
): NewOutboxItem {
  return {
    id: kind === 'request' ? `${round.id}-request-${lead.personId}` : `${round.id}-chase-${day}-${lead.personId}`,
    orgId: round.orgId,
    purpose: kind === 'request' ? 'round-request' : 'round-chaser',
    recipient: { personId: lead.personId },
    message: roundDigest(round, actions, lead, kind, snoozeChoices),
  };
}

function roundDigest(
  round: UpdateRound,
  actions: RoundAction[],
  lead: Pick<RoundLead, 'name'>,
  kind: 'request' | 'chaser',
  snoozeChoices: number[],
): MessageOf<'reminder-digest'> {
  const lines: DigestLine[] = actions.map((a) => ({
    actionId: a.id,
    ref: a.ref,
    description: listedText(a.description),
    why: `update by ${formatDate(round.dueBy)}`,
    status: a.status,
  }));
  return {
    kind: 'reminder-digest',
    heading:
      kind === 'request'
        ? `Update round: please update your actions by ${formatDate(round.dueBy)}`
        : `Reminder: your update is due by ${formatDate(round.dueBy)}`,
    intro: `${round.startedBy.name} has asked every lead for a RAG update on their actions${kind === 'chaser' ? ', and we have not had yours yet' : ''}, ${lead.name.split(' ')[0]}. Use Update on each one.`,
    lines,
    snoozeChoices,
  };
}

/**
 * Where each lead stands, with a few set queries rather than calls per lead: a lead has responded
 * once every action they held at the start is updated in Teams since, or closed; otherwise they
 * are outstanding if the bot can reach them in Teams (and `seen` if they opened a request or
 * chaser), else unreachable.
 */
export async function roundProgress(store: Store, round: UpdateRound): Promise<RoundLead[]> {
  const actions = new Map(
    (
      await new ActionPlan(store).roundActions(
        round.orgId,
        round.leads.flatMap((l) => l.actionIds),
        round.startedAt,
      )
    ).map((a) => [a.id, a]),
  );
  const pending = new Set(round.leads.filter((lead) => lead.actionIds.some((id) => isPending(actions.get(id)))).map((l) => l.personId));
  const reachable = await new Conversations(store).reachableAmong(round.orgId, [...pending]);
  const seen = pending.size > 0 ? await new OutboxRepository(store).seenByAnyOf(round.orgId, `${round.id}-`) : new Set<string>();
  return round.leads.map((lead) => {
    const asked: RoundLead = { personId: lead.personId, name: lead.name, ...(lead.agency ? { agency: lead.agency } : {}), actionIds: lead.actionIds };
    if (!pending.has(lead.personId)) return { ...asked, state: 'responded' };
    if (!reachable.has(lead.personId)) return { ...asked, state: 'unreachable' };
    return { ...asked, state: 'outstanding', ...(seen.has(lead.personId) ? { seen: true } : {}) };
  });
}

/** Still to be answered: open, and not updated in Teams since the round started. A deleted action asks nothing. */
const isPending = (a: RoundAction | undefined) => !!a && a.open && !a.answered;

/** Works out where each lead stands, and sends the administrator's summary card, or refreshes it in place when the figures changed. */
export async function refreshRoundSummary(deps: Deps, round: Stored<UpdateRound>): Promise<Stored<UpdateRound>> {
  const leads = await roundProgress(deps.store, round);
  const progress = progressOf(leads);
  const hash = createHash('sha256')
    .update(JSON.stringify([progress, round.status]))
    .digest('hex')
    .slice(0, 16);
  const at = deps.clock.now().toISOString();
  const changed = hash !== round.summaryHash;
  const stored = await rounds(deps.store).update(
    round.orgId,
    round.id,
    (r) => ({ ...r, leads, summaryAt: at, ...(changed ? { summaryVersion: r.summaryVersion + 1, summaryHash: hash } : {}) }),
    round,
  );
  if (!changed) return stored;
  const first = stored.summaryVersion === 1;
  await enqueue(deps.store, deps.clock, {
    id: first ? `${round.id}-summary` : `${round.id}-summary-v${stored.summaryVersion}`,
    orgId: round.orgId,
    purpose: 'round-summary',
    recipient: { personId: round.startedBy.personId },
    message: {
      kind: 'round-summary',
      roundId: round.id,
      heading: `${round.status === 'closed' ? 'Closed' : 'Open'} update round (started by ${round.startedBy.name})`,
      dueBy: round.dueBy,
      responded: progress.responded,
      outstanding: progress.outstanding,
      seen: progress.seen,
      unreachable: progress.unreachable,
      asAt: at,
      // When the card says its figures were taken, in the organisation's time zone (rounds from before it was kept: London).
      ...(round.timeZone ? { timeZone: round.timeZone } : {}),
    },
    ...(first ? {} : { replaces: { outboxId: `${round.id}-summary` } }),
  });
  return stored;
}

/**
 * After a status update: an answer may complete a lead's part of an open round. Notes the change
 * (one small write per round that asked about the action, usually none); the upkeep brings the
 * summary up to date within a minute.
 */
export async function noteRoundAnswer(deps: Deps, action: Pick<Action, 'orgId' | 'roundIds'>): Promise<void> {
  for (const id of action.roundIds ?? []) await rounds(deps.store).noteChange(action.orgId, id, deps.clock.now().toISOString());
}

/** A round's request or chaser opened for the first time changes who has "seen" it: noted like an answer. */
export async function noteRoundMessagesSeen(deps: Deps, items: Pick<OutboxItem, 'orgId' | 'id' | 'purpose'>[]): Promise<void> {
  const roundIds = new Set(
    items
      .filter((i) => i.purpose === 'round-request' || i.purpose === 'round-chaser')
      .map((i) => ROUND_OF_MESSAGE.exec(i.id)?.[1])
      .filter((id): id is string => !!id),
  );
  for (const id of roundIds) await rounds(deps.store).noteChange(items[0]!.orgId, id, deps.clock.now().toISOString());
}

/** A round message's id starts with its round's id (`round-<day>-<8 hex>`). */
const ROUND_OF_MESSAGE = /^(round-\d{4}-\d{2}-\d{2}-[0-9a-f]{8})-/;

/** The least time between two summaries of one round: answers in a burst make one refresh a minute. */
export const SUMMARY_INTERVAL_MS = 60_000;

/**
 * What runs every minute outside any request (startRoundUpkeep): sets up rounds just started,
 * and refreshes the summary of each round with a change noted, at most once a minute per round.
 * One query when there is nothing to do.
 */
export async function roundUpkeep(deps: Deps, orgId: string): Promise<{ setUp: number; refreshed: number }> {
  const repo = rounds(deps.store);
  const { open, changed } = await repo.openAndChanged(orgId);
  const now = deps.clock.now().getTime();
  let setUp = 0;
  let refreshed = 0;
  for (const round of open) {
    if (!round.setUpAt) {
      await repo.clearChange(orgId, round.id);
      await setUpRound(deps, round);
      setUp++;
      continue;
    }
    if (!changed.has(round.id)) continue;
    if (round.summaryAt && now - Date.parse(round.summaryAt) < SUMMARY_INTERVAL_MS) continue;
    // Cleared first: an answer noted while the refresh reads is left for the next one.
    await repo.clearChange(orgId, round.id);
    await refreshRoundSummary(deps, round);
    refreshed++;
  }
  // Changes to rounds that have closed since: their final summary has been sent.
  for (const id of changed) if (!open.some((r) => r.id === id)) await repo.clearChange(orgId, id);
  return { setUp, refreshed };
}

/**
 * The daily round job: chasers to outstanding leads every second working day and on the
 * deadline; after the deadline the round closes with a final summary and its stamps come off
 * the actions.
 */
export async function chaseRounds(ctx: JobContext): Promise<Record<string, unknown>> {
  const day = today(ctx.clock, ctx.organisation.timeZone);
  const deps = { store: ctx.store, clock: ctx.clock };
  let chasers = 0;
  let closed = 0;
  for (const open of await openRounds(ctx.store, ctx.orgId)) {
    // A round whose set-up the upkeep has not finished (it runs every minute) is finished here.
    const round = await setUpRound(deps, open as Stored<UpdateRound>);
    if (day > round.dueBy) {
      const final = await rounds(ctx.store).update(ctx.orgId, round.id, (r) => ({ ...r, status: 'closed' }), round);
      await stampActions(
        ctx.store,
        ctx.orgId,
        round.leads.flatMap((l) => l.actionIds),
        (a) => (a.roundIds?.includes(round.id) ? { ...a, roundIds: a.roundIds.filter((id) => id !== round.id) } : undefined),
      );
      await refreshRoundSummary(deps, final);
      closed++;
      continue;
    }
    const startDay = localDate(round.startedAt, ctx.organisation.timeZone);
    const sinceStart = ctx.calendar.workingDaysBetween(startDay, day);
    const chaseToday = day === round.dueBy || (sinceStart > 0 && sinceStart % 2 === 0);
    if (chaseToday) {
      const actions = new Map(
        (
          await new ActionPlan(ctx.store).roundActions(
            ctx.orgId,
            round.leads.flatMap((l) => l.actionIds),
            round.startedAt,
          )
        ).map((a) => [a.id, a]),
      );
      const inDirectory = await new Directory(ctx.store).existing(
        ctx.orgId,
        round.leads.map((l) => l.personId),
      );
      const snoozeChoices = policyOf(ctx.organisation).snoozeChoices;
      const messages = round.leads.flatMap((lead) => {
        const pending = lead.actionIds.map((id) => actions.get(id)).filter((a): a is RoundAction => isPending(a));
        return pending.length > 0 && inDirectory.has(lead.personId) ? [roundMessage(round, lead, pending, 'chaser', snoozeChoices, day)] : [];
      });
      chasers += await enqueueAll(ctx.store, ctx.clock, messages);
    }
    await refreshRoundSummary(deps, round);
  }
  return { day, chasers, closed };
}
