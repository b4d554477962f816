import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import { formatDate, localDate, today } from '../core/dates';
import { AppError } from '../core/errors';
import { personalConversationKey, type ConversationRecord } from '../conversations/model';
import { enqueue } from '../delivery/outbox';
import { hasSeen } from '../delivery/seen';
import type { DigestLine, OutboundMessage } from '../delivery/messages';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { inScope, mayFollowRound, mayStartRound, scopeFor } from '../access/policy';
import { partnershipFor, partnershipOf } from '../organisation/organisations';
import { type Action, ActionPlan } from '../plan';
import type { JobContext } from '../scheduling/job-context';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store } from '../store/ports';
import { policyOf } from '../organisation/reminder-policy';
import type { UpdateRound } from './model';
import { UpdateRounds } from './repository';

export type { UpdateRound };

/** `seen`: the outstanding leads who have opened and acted on the round's request or a chaser. */
export type RoundProgress = { responded: string[]; outstanding: string[]; unreachable: string[]; seen: string[] };

type Deps = { store: Store; clock: Clock };

const rounds = (store: Store) => new UpdateRounds(store);

export async function openRounds(store: Store, orgId: string): Promise<UpdateRound[]> {
  return rounds(store).open(orgId);
}

/** Open rounds a person may follow: the partnership's, and those of agencies within their scope. */
export async function openRoundsFor(store: Store, actor: Person): Promise<UpdateRound[]> {
  const partnership = await partnershipOf(store, actor.orgId);
  const scope = scopeFor(actor, partnership);
  return (await openRounds(store, actor.orgId)).filter((r) => r.agency === undefined || inScope({ agency: r.agency }, scope, partnership));
}

/**
 * The open round an administrator follows, with its progress over the leads in their own scope:
 * an agency's administrator following the partnership's round sees only their agency's leads.
 */
export async function roundStatusFor(store: Store, actor: Person): Promise<{ round: UpdateRound; progress: RoundProgress } | undefined> {
  if (!mayFollowRound(actor)) throw new AppError('FORBIDDEN', 'Who has answered an update round is for plan administrators.');
  const [round] = await openRoundsFor(store, actor);
  if (!round) return undefined;
  const partnership = await partnershipOf(store, actor.orgId);
  const scope = scopeFor(actor, partnership);
  const directory = new Directory(store);
  const leads = [];
  for (const lead of round.leads) {
    const person = scope.agency === undefined ? undefined : await directory.get(round.orgId, lead.personId);
    if (scope.agency === undefined || (person && inScope(person, scope, partnership))) leads.push(lead);
  }
  return { round, progress: await roundProgress(store, { ...round, leads }) };
}

export async function startRound(deps: Deps, input: { actor: Person; dueBy: string; timeZone: string; calendar: WorkingCalendar }): Promise<UpdateRound> {
  const { actor } = input;
  if (!mayStartRound(actor)) throw new AppError('FORBIDDEN', 'Only a plan administrator can start an update round.');
  const day = today(deps.clock, input.timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueBy) || Number.isNaN(Date.parse(input.dueBy))) {
    throw new AppError('VALIDATION', `"${input.dueBy}" is not a date; give it as YYYY-MM-DD.`, { fields: [{ field: 'dueBy', message: 'Give a date.' }] });
  }
  if (input.dueBy <= day) throw new AppError('VALIDATION', 'The round’s deadline must be in the future.', { fields: [{ field: 'dueBy', message: 'Must be in the future.' }] });
  // An agency's administrator asks only their agency's leads; the partnership's, everyone's.
  const partnership = await partnershipFor(deps, actor.orgId);
  const scope = scopeFor(actor, partnership);
  const open = (await openRounds(deps.store, actor.orgId)).find((r) => r.agency === undefined || scope.agency === undefined || r.agency === scope.agency);
  if (open) throw new AppError('VALIDATION', `A round is already open (leads to update by ${formatDate(open.dueBy)}). Wait for it to close first.`);

  const actions = await new ActionPlan(deps.store).openActions(actor.orgId);
  const people = new Map((await new Directory(deps.store).all({ orgId: actor.orgId })).map((p) => [p.id, p]));
  const byLead = new Map<string, Action[]>();
  const asked = (id: string) => !!people.get(id)?.active && inScope(people.get(id)!, scope, partnership);
  for (const a of actions) for (const id of a.leadIds) if (asked(id)) byLead.set(id, [...(byLead.get(id) ?? []), a]);

  const round: UpdateRound = {
    id: `round-${day}-${randomUUID().slice(0, 8)}`,
    orgId: actor.orgId,
    kind: 'update-round',
    dueBy: input.dueBy,
    startedAt: deps.clock.now().toISOString(),
    startedBy: { personId: actor.id, name: actor.name },
    status: 'open',
    ...(scope.agency ? { agency: scope.agency } : {}),
    leads: [...byLead].map(([personId, list]) => ({ personId, name: people.get(personId)!.name, actionIds: list.map((a) => a.id) })),
    summaryVersion: 0,
  };
  await rounds(deps.store).create(round);
  const actionDocs = deps.store.collection<Action>('actions');
  for (const lead of round.leads) {
    for (const id of lead.actionIds) await actionDocs.update(actor.orgId, id, (a) => (a.roundIds?.includes(round.id) ? undefined : { ...a, roundIds: [...(a.roundIds ?? []), round.id] }));
  }

  const snoozeChoices: number[] = [];
  for (const [personId, list] of byLead) {
    await enqueue(deps.store, deps.clock, {
      id: `${round.id}-request-${personId}`,
      orgId: actor.orgId,
      purpose: 'round-request',
      recipient: { personId },
      message: roundDigest(round, list, people.get(personId)!, 'request', snoozeChoices),
    });
  }
  await refreshRoundSummary(deps, round, input.timeZone);
  return round;
}

function roundDigest(round: UpdateRound, actions: Action[], lead: Person, kind: 'request' | 'chaser', snoozeChoices: number[]): OutboundMessage {
  const lines: DigestLine[] = actions.map((a) => ({ actionId: a.id, ref: a.ref, description: a.description, why: `update by ${formatDate(round.dueBy)}`, status: a.status }));
  return {
    kind: 'reminder-digest',
    heading: kind === 'request' ? `Update round: please update your actions by ${formatDate(round.dueBy)}` : `Reminder: your update is due by ${formatDate(round.dueBy)}`,
    intro: `${round.startedBy.name} has asked every lead for a RAG update on their actions${kind === 'chaser' ? ', and we have not had yours yet' : ''}, ${lead.name.split(' ')[0]}. Use Update on each one.`,
    lines,
    snoozeChoices,
  };
}

/** Who has answered: a lead has responded once every action they held at the start is updated in Teams since, or closed. */
export async function roundProgress(store: Store, round: UpdateRound): Promise<RoundProgress> {
  const actions = store.collection<Action>('actions');
  const conversations = store.collection<ConversationRecord>('conversations');
  const directory = new Directory(store);
  const progress: RoundProgress = { responded: [], outstanding: [], unreachable: [], seen: [] };
  for (const lead of round.leads) {
    let done = true;
    for (const id of lead.actionIds) {
      const a = await actions.read(round.orgId, id);
      if (a && a.open && !a.history.some((h) => h.source === 'teams' && h.at >= round.startedAt)) {
        done = false;
        break;
      }
    }
    if (done) {
      progress.responded.push(lead.name);
      continue;
    }
    const person = await directory.get(round.orgId, lead.personId);
    const conversation = person?.aadObjectId ? await conversations.read(round.orgId, personalConversationKey(person.aadObjectId)) : undefined;
    if (!conversation?.reachable) {
      progress.unreachable.push(lead.name);
      continue;
    }
    progress.outstanding.push(lead.name);
    if (await hasSeen(store, round.orgId, lead.personId, `${round.id}-`)) progress.seen.push(lead.name);
  }
  return progress;
}

/** Sends the administrator's summary card, or refreshes it in place when the figures changed. */
/** `timeZone`: the organisation's, for when the card says its figures were taken. */
export async function refreshRoundSummary(deps: Deps, round: UpdateRound, timeZone: string): Promise<RoundProgress> {
  const progress = await roundProgress(deps.store, round);
  const hash = createHash('sha256').update(JSON.stringify([progress, round.status])).digest('hex').slice(0, 16);
  if (hash === round.summaryHash) return progress;
  const stored = await rounds(deps.store).update(round.orgId, round.id, (r) => ({ ...r, summaryVersion: r.summaryVersion + 1, summaryHash: hash }));
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
      asAt: deps.clock.now().toISOString(),
      timeZone,
    },
    ...(first ? {} : { replaces: { outboxId: `${round.id}-summary` } }),
  });
  return progress;
}

/** After a status update: refresh the summary of any open round that asked about the action (usually none: no store call). */
export async function refreshRoundsFor(deps: Deps, action: Pick<Action, 'orgId' | 'roundIds'>, timeZone: string): Promise<void> {
  for (const id of action.roundIds ?? []) {
    const round = await rounds(deps.store).read(action.orgId, id);
    if (round?.status === 'open') await refreshRoundSummary(deps, round, timeZone);
  }
}

/**
 * The daily round job: chasers to outstanding leads every second working day and on the
 * deadline; after the deadline the round closes with a final summary.
 */
export async function chaseRounds(ctx: JobContext): Promise<Record<string, unknown>> {
  const day = today(ctx.clock, ctx.organisation.timeZone);
  const deps = { store: ctx.store, clock: ctx.clock };
  let chasers = 0;
  let closed = 0;
  for (const round of await openRounds(ctx.store, ctx.orgId)) {
    if (day > round.dueBy) {
      const final = await rounds(ctx.store).update(ctx.orgId, round.id, (r) => ({ ...r, status: 'closed' }));
      await refreshRoundSummary(deps, final, ctx.organisation.timeZone);
      closed++;
      continue;
    }
    const startDay = localDate(round.startedAt, ctx.organisation.timeZone);
    const sinceStart = ctx.calendar.workingDaysBetween(startDay, day);
    const chaseToday = day === round.dueBy || (sinceStart > 0 && sinceStart % 2 === 0);
    if (chaseToday) {
      const people = new Map((await new Directory(ctx.store).all({ orgId: ctx.orgId })).map((p) => [p.id, p]));
      const actions = ctx.store.collection<Action>('actions');
      for (const lead of round.leads) {
        const pending: Action[] = [];
        for (const id of lead.actionIds) {
          const a = await actions.read(ctx.orgId, id);
          if (a && a.open && !a.history.some((h) => h.source === 'teams' && h.at >= round.startedAt)) pending.push(a);
        }
        const person = people.get(lead.personId);
        if (pending.length === 0 || !person) continue;
        const { created } = await enqueue(ctx.store, ctx.clock, {
          id: `${round.id}-chase-${day}-${lead.personId}`,
          orgId: ctx.orgId,
          purpose: 'round-chaser',
          recipient: { personId: lead.personId },
          message: roundDigest(round, pending, person, 'chaser', policyOf(ctx.organisation).snoozeChoices),
        });
        if (created) chasers++;
      }
    }
    await refreshRoundSummary(deps, round, ctx.organisation.timeZone);
  }
  return { day, chasers, closed };
}
