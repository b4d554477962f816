import { z } from 'zod';
import type { AdaptiveCardJson } from '../cards/render';
import { escalationListCard, factsCard, helpCard, myActionsCard, noticeCard, raiseConcernCard, summaryCard, trainingReportCard, trainingVerifyCard, updateFormCard } from '../cards/views';
import { Directory } from '../services/people/directory';
import { courses, loadTrainingData } from '../services/training/catalogue';
import { myTraining, type Breakdown, type MyCourse } from '../services/training/rates';
import { namedOverdueList, trainingRates } from '../services/training/reports';
import { pendingSelfReports, reviewSelfReport, selfReport } from '../services/training/self-report';
import { actOnEscalation, alertMessage, getEscalation, ladderOf, raiseEscalation, visibleOpenEscalations, type EscalationStepName } from '../services/escalations/escalations';
import { CAUSE_LABELS } from '../services/escalations/model';
import { escalationReport, reportRows } from '../services/escalations/report';
import { hasRole } from '../services/people/model';
import { renderMessage } from '../cards/messages';
import type { Clock } from '../services/core/clock';
import { today } from '../services/core/dates';
import { AppError, isAppError } from '../services/core/errors';
import type { Logger } from '../services/core/logger';
import { endLeave, setLeave } from '../services/people/leave';
import type { Person } from '../services/people/model';
import { ActionPlan } from '../services/plan/actions';
import type { Organisation } from '../services/plan/model';
import { snoozeAction } from '../services/reminders/snooze';
import { openRounds, roundProgress, startRound } from '../services/rounds/rounds';
import type { WorkingCalendar } from '../services/scheduling/calendar';
import type { Store } from '../services/store/ports';
import { canUpdate, loadActionFor, submitStatusUpdate } from '../services/updates/status-update';
import { formatDate } from '../services/core/dates';

export type RouteContext = { store: Store; clock: Clock; logger: Logger; calendar: WorkingCalendar; actor: Person; organisation: Organisation };

type CardRoute = (ctx: RouteContext, data: unknown) => Promise<AdaptiveCardJson>;
type TextCommand = { pattern: RegExp; run: (ctx: RouteContext, match: RegExpMatchArray) => Promise<AdaptiveCardJson> };

const actionIdData = z.object({ actionId: z.string().min(1).max(200) });
const timeZoneOf = (ctx: RouteContext) => ctx.organisation.timeZone;

/** Opening an action: the form for those who may update it, a read-only view for anyone else. */
export async function openAction(ctx: RouteContext, actionId: string): Promise<AdaptiveCardJson> {
  const action = await loadActionFor(ctx.store, ctx.actor, actionId);
  const allowed = await canUpdate(ctx.store, ctx.actor, action, today(ctx.clock, timeZoneOf(ctx)));
  return allowed ? updateFormCard(action) : summaryCard(action, { timeZone: timeZoneOf(ctx), canUpdate: false });
}

async function myActions(ctx: RouteContext): Promise<AdaptiveCardJson> {
  return myActionsCard(await new ActionPlan(ctx.store).openActionsLedBy(ctx.actor.orgId, ctx.actor.id));
}

async function roundStatus(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const [round] = await openRounds(ctx.store, ctx.actor.orgId);
  if (!round) return noticeCard('No update round is open', 'A plan administrator can start one with "start round YYYY-MM-DD".');
  const progress = await roundProgress(ctx.store, round);
  return renderMessage({ kind: 'round-summary', roundId: round.id, heading: `Open update round (started by ${round.startedBy.name})`, dueBy: round.dueBy, ...progress, asAt: ctx.clock.now().toISOString() });
}

const DATE = '(\\d{4}-\\d{2}-\\d{2})';

const objectOf = (data: unknown): Record<string, unknown> => (data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {});

/** Escalation card steps; inputs on the card have their own ids and are mapped to the step's `text`. */
function escalationStep(step: EscalationStepName, textInput: string | undefined, done: string): CardRoute {
  return async (ctx, data) => {
    const fields = objectOf(data);
    const input = { ...fields, ...(textInput ? { text: fields[textInput] } : {}) };
    try {
      const escalation = await actOnEscalation(ctx, { actor: ctx.actor, organisation: ctx.organisation, step, data: input });
      return renderMessage(alertMessage(escalation, ladderOf(ctx.organisation), 'act', `${done} by ${ctx.actor.name}.`));
    } catch (e) {
      // A missing reason or outcome keeps the card and its buttons, with the problem on top.
      if (!isAppError(e, 'VALIDATION') || typeof fields.escalationId !== 'string') throw e;
      const { escalation, canAct } = await getEscalation(ctx.store, ctx.actor, ctx.organisation, fields.escalationId);
      return renderMessage(alertMessage(escalation, ladderOf(ctx.organisation), canAct ? 'act' : 'inform', e.message));
    }
  };
}

const ESCALATION_ROUTES: Record<string, CardRoute> = {
  'esc.acknowledge': escalationStep('acknowledge', undefined, 'Acknowledged'),
  'esc.note': escalationStep('note', 'noteText', 'Note added'),
  'esc.assign': escalationStep('assign', undefined, 'Assigned'),
  'esc.move': escalationStep('move', 'moveReason', 'Moved to the next stage'),
  'esc.resolve': escalationStep('resolve', 'outcome', 'Resolved'),
  'esc.requestFeedback': escalationStep('request-feedback', undefined, 'Now waiting for feedback'),
  'esc.feedbackReceived': escalationStep('feedback-received', undefined, 'Feedback recorded as received'),
  'esc.open': async (ctx, data) => {
    const id = objectOf(data).escalationId;
    if (typeof id !== 'string') throw new AppError('VALIDATION', 'This card does not say which escalation to open.');
    const { escalation, canAct } = await getEscalation(ctx.store, ctx.actor, ctx.organisation, id);
    return renderMessage(alertMessage(escalation, ladderOf(ctx.organisation), canAct ? 'act' : 'inform'));
  },
  'esc.raise': async (ctx, data) => {
    try {
      const escalation = await raiseEscalation(ctx, { actor: ctx.actor, organisation: ctx.organisation, data });
      return noticeCard(`Raised as ${escalation.ref}`, `Stage ${escalation.stage} has been alerted and must respond by ${formatDate(escalation.stageDeadline)}. You will see it under "escalations".`, { color: 'Good' });
    } catch (e) {
      if (!isAppError(e, 'VALIDATION')) throw e;
      return raiseConcernCard({ values: objectOf(data), issues: e.fields, notice: e.message });
    }
  },
};

const MY_TRAINING_STATE: Record<MyCourse['state'], string> = {
  valid: 'done',
  expiring: 'expiring soon',
  expired: 'expired',
  booked: 'booked',
  required: 'required, not yet done',
  'awaiting verification': 'reported, awaiting HR',
};

async function myTrainingCard(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const day = today(ctx.clock, timeZoneOf(ctx));
  const data = await loadTrainingData(ctx.store, ctx.actor.orgId, await new Directory(ctx.store).all(ctx.actor.orgId));
  const mine = myTraining(data, ctx.actor, day);
  return factsCard(
    'Your safeguarding training',
    mine.map((c) => ({ title: c.course.name, value: `${MY_TRAINING_STATE[c.state]}${c.last ? `; last ${formatDate(c.last)}` : ''}${c.expiresOn ? `; valid until ${formatDate(c.expiresOn)}` : ''}` })),
    mine.length ? 'Type "report training" to tell HR about a course you completed.' : 'No safeguarding course is required for your role.',
  );
}

async function trainingVerifyList(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const pending = await pendingSelfReports(ctx.store, ctx.actor);
  const directory = new Directory(ctx.store);
  const catalogue = new Map((await courses(ctx.store, ctx.actor.orgId)).map((c) => [c.code, c.name]));
  const items = [];
  for (const r of pending) {
    const who = await directory.get(ctx.actor.orgId, r.personId);
    items.push({ id: r.id, title: `${who?.name ?? 'Unknown'}: ${catalogue.get(r.courseCode) ?? r.courseCode}`, detail: `Completed ${formatDate(r.completedOn!)}${r.certificateUrl ? `; certificate ${r.certificateUrl}` : '; no certificate link'}` });
  }
  return trainingVerifyCard(items);
}

async function trainingRatesCard(ctx: RouteContext, by: Breakdown): Promise<AdaptiveCardJson> {
  if (!hasRole(ctx.actor, 'hr', 'admin', 'safeguarding-lead')) throw new AppError('FORBIDDEN', 'Training completion rates are for HR, administrators and safeguarding leads.');
  const day = today(ctx.clock, timeZoneOf(ctx));
  const rows = await trainingRates(ctx.store, ctx.actor.orgId, day, by);
  return factsCard(`Training completion by ${by}, as at ${formatDate(day)}`, rows.map((r) => ({ title: r.group, value: `${r.pctWithinValidity}% within validity, ${r.pctWithin12Months}% in the last 12 months (of ${r.required})` })));
}

async function trainingOverdueCard(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const day = today(ctx.clock, timeZoneOf(ctx));
  const rows = await namedOverdueList(ctx.store, ctx.actor.orgId, day, ctx.actor);
  const shown = rows.slice(0, 40);
  return factsCard(
    `Overdue training (${rows.length})`,
    shown.map((r) => ({ title: r.name, value: `${r.course}: ${r.expiredOn ? `expired ${formatDate(r.expiredOn)}` : 'never done'}${r.booked ? ' (booked)' : ''}` })),
    rows.length > shown.length ? `Showing ${shown.length}; the full list: npm run cli -- training overdue --out overdue.xlsx` : '',
  );
}

const TRAINING_ROUTES: Record<string, CardRoute> = {
  'training.selfReport': async (ctx, data) => {
    try {
      const record = await selfReport(ctx, { actor: ctx.actor, timeZone: timeZoneOf(ctx), data });
      return noticeCard('Sent to HR', `Your ${record.courseCode} completion on ${formatDate(record.completedOn!)} will count once HR verifies it.`, { color: 'Good' });
    } catch (e) {
      if (!isAppError(e, 'VALIDATION')) throw e;
      return trainingReportCard(await courses(ctx.store, ctx.actor.orgId), { values: objectOf(data), issues: e.fields, notice: e.message });
    }
  },
  'training.verify': async (ctx, data) => {
    await reviewSelfReport(ctx, { actor: ctx.actor, decision: 'verified', data });
    return trainingVerifyList(ctx);
  },
  'training.reject': async (ctx, data) => {
    await reviewSelfReport(ctx, { actor: ctx.actor, decision: 'rejected', data });
    return trainingVerifyList(ctx);
  },
};

async function escalationList(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const open = await visibleOpenEscalations(ctx.store, ctx.actor, ctx.organisation);
  const ladder = ladderOf(ctx.organisation);
  return escalationListCard(
    `Open escalations (${open.length})`,
    open.map((e) => ({
      id: e.id,
      ref: e.ref,
      title: `${e.ref}: ${CAUSE_LABELS[e.cause]}${e.actionRef ? ` (${e.actionRef})` : ''}`,
      detail: `Stage ${e.stage} of ${ladder.length}, ${e.acknowledged ? 'acknowledged' : `respond by ${formatDate(e.stageDeadline)}`}${e.assignedTo ? `, assigned to ${e.assignedTo.name}` : ''}`,
    })),
  );
}

async function escalationReportCard(ctx: RouteContext, from: string, to: string): Promise<AdaptiveCardJson> {
  if (!hasRole(ctx.actor, 'safeguarding-lead', 'admin')) throw new AppError('FORBIDDEN', 'The central record review is for safeguarding leads and administrators.');
  if (from > to) throw new AppError('VALIDATION', 'The report’s start date must be before its end date.');
  const rows = reportRows(await escalationReport(ctx.store, ctx.organisation, from, to));
  return factsCard(`Central record review, ${formatDate(from)} to ${formatDate(to)}`, rows.slice(2).map(([section, measure, value]) => ({ title: `${section}: ${measure}`, value: value! })));
}

/**
 * The one place a card verb meets a use case. Card data is untrusted: each route parses what it
 * needs and the use case authorises the acting user against stored records.
 */
export const CARD_ROUTES: Record<string, CardRoute> = {
  ...ESCALATION_ROUTES,
  ...TRAINING_ROUTES,
  'help.show': async () => helpCard(),
  'myActions.show': (ctx) => myActions(ctx),
  'action.open': async (ctx, data) => {
    const parsed = actionIdData.safeParse(data);
    if (!parsed.success) throw new AppError('VALIDATION', 'This card does not say which action to open.');
    return openAction(ctx, parsed.data.actionId);
  },
  'action.update': async (ctx, data) => {
    const outcome = await submitStatusUpdate(ctx, { actor: ctx.actor, data, timeZone: timeZoneOf(ctx), escalations: { organisation: ctx.organisation, calendar: ctx.calendar } });
    switch (outcome.kind) {
      case 'saved':
      case 'replayed':
        return summaryCard(outcome.action, { timeZone: timeZoneOf(ctx), canUpdate: true });
      case 'invalid':
        return updateFormCard(outcome.action, { values: outcome.values, issues: outcome.issues, notice: 'Please check the highlighted answers.' });
      case 'stale':
        return updateFormCard(outcome.action, {
          values: outcome.values,
          notice: 'Someone updated this action after this card was shown. Here is the latest; check it and submit again if your update still stands.',
        });
    }
  },
  'action.snooze': async (ctx, data) => {
    const action = await snoozeAction(ctx, { actor: ctx.actor, organisation: ctx.organisation, data });
    return noticeCard(`Reminders for ${action.ref} snoozed`, `You will not be reminded about ${action.ref} until after ${formatDate(action.snoozedUntil!)}.`, { color: 'Good' });
  },
};

/** Typed commands in a 1:1 chat, matched in order. */
export const TEXT_COMMANDS: TextCommand[] = [
  { pattern: /^(help|\?|hi|hello)$/i, run: async () => helpCard() },
  { pattern: /^my actions?$/i, run: (ctx) => myActions(ctx) },
  {
    pattern: /^(?:action|open|update)\s+(LP\d{1,3}\.\d{1,3})$/i,
    run: async (ctx, match) => {
      const ref = match[1]!.toUpperCase();
      const action = await new ActionPlan(ctx.store).findByRef(ctx.actor.orgId, ref);
      if (!action) throw new AppError('NOT_FOUND', `There is no action ${ref} in the plan. Type "my actions" to see yours.`);
      return openAction(ctx, action.id);
    },
  },
  {
    pattern: new RegExp(`^(?:on )?leave until ${DATE} delegate (.{1,200})$`, 'i'),
    run: async (ctx, match) => {
      const { person, delegate } = await setLeave(ctx, { actor: ctx.actor, until: match[1]!, delegate: match[2]!, timeZone: timeZoneOf(ctx) });
      return noticeCard('Leave cover set', `Until ${formatDate(person.leave!.until)}, ${delegate.name} gets your reminders and may update your actions. Type "back from leave" to end it early.`, { color: 'Good' });
    },
  },
  {
    pattern: /^back from leave$/i,
    run: async (ctx) => {
      await endLeave(ctx, ctx.actor);
      return noticeCard('Welcome back', 'Your reminders come to you again.', { color: 'Good' });
    },
  },
  {
    pattern: new RegExp(`^start (?:update )?round(?: by)? ${DATE}$`, 'i'),
    run: async (ctx, match) => {
      const round = await startRound(ctx, { actor: ctx.actor, dueBy: match[1]!, timeZone: timeZoneOf(ctx), calendar: ctx.calendar });
      return noticeCard('Update round started', `${round.leads.length} leads have been asked to update their actions by ${formatDate(round.dueBy)}. Your summary card refreshes as they answer.`, { color: 'Good' });
    },
  },
  { pattern: /^round status$/i, run: (ctx) => roundStatus(ctx) },
  { pattern: /^my training$/i, run: (ctx) => myTrainingCard(ctx) },
  { pattern: /^report (?:my )?training$/i, run: async (ctx) => trainingReportCard(await courses(ctx.store, ctx.actor.orgId)) },
  { pattern: /^training to verify$/i, run: (ctx) => trainingVerifyList(ctx) },
  { pattern: /^training (?:rates|report)(?: by (department|role|course))?$/i, run: (ctx, match) => trainingRatesCard(ctx, ((match[1] ?? 'department').toLowerCase() as Breakdown)) },
  { pattern: /^training overdue$/i, run: (ctx) => trainingOverdueCard(ctx) },
  { pattern: /^raise (?:a )?(?:concern|escalation|disagreement)$/i, run: async () => raiseConcernCard() },
  { pattern: /^escalations?$/i, run: (ctx) => escalationList(ctx) },
  { pattern: new RegExp(`^escalations? report ${DATE} ${DATE}$`, 'i'), run: (ctx, match) => escalationReportCard(ctx, match[1]!, match[2]!) },
];
