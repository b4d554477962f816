import type { AdaptiveCardJson } from '../../cards/render';
import { whoSawCase } from './who-saw';
import {
  actOnEscalation,
  alertMessage,
  getEscalation,
  raiseEscalation,
  stageAlertPrefix,
  visibleOpenEscalations,
  type EscalationStepName,
} from '../../services/escalations/escalations';
import { ladderOf } from '../../services/organisation/escalation-ladder';
import { isOnlyNameWarning } from '../../services/core/identifying';
import { seenCounts } from '../../services/delivery/seen';
import { CAUSE_LABELS } from '../../services/escalations/model';
import { centralRecordReport, escalationReport } from '../../services/escalations/report';
import { factsCard, noticeCard, pageOf } from '../../cards/views';
import { escalationAlertCard, escalationListCard, raiseConcernCard } from '../../cards/escalations/cards';
import { reportCard } from '../../cards/report-card';
import { AppError, isAppError } from '../core/errors';
import { formatDate, formatInstant } from '../core/dates';
import { auditInTeams, DATE, objectOf, pageIn, personal, type CardRoute, type RouteContext, type TextCommand } from '../kernel/route-context';

/** Escalation card steps; inputs on the card have their own ids and are mapped to the step's `text`. */
function escalationStep(step: EscalationStepName, textInput: string | undefined, done: string): CardRoute {
  return personal(async (ctx, data) => {
    const fields = objectOf(data);
    const input = { ...fields, ...(textInput ? { text: fields[textInput] } : {}) };
    try {
      const escalation = await actOnEscalation(ctx, { actor: ctx.actor, organisation: ctx.organisation, step, data: input });
      return escalationAlertCard(alertMessage(escalation, ladderOf(ctx.organisation), 'act', `${done} by ${ctx.actor.name}.`));
    } catch (e) {
      // A missing reason or outcome keeps the card and its buttons, with the problem on top.
      if (!isAppError(e, 'VALIDATION') || typeof fields.escalationId !== 'string') throw e;
      const { escalation, canAct } = await getEscalation(ctx.store, ctx.actor, ctx.organisation, fields.escalationId);
      return escalationAlertCard(alertMessage(escalation, ladderOf(ctx.organisation), canAct ? 'act' : 'inform', e.message));
    }
  });
}

export const ESCALATION_ROUTES = {
  'esc.acknowledge': escalationStep('acknowledge', undefined, 'Acknowledged'),
  'esc.note': escalationStep('note', 'noteText', 'Note added'),
  'esc.assign': escalationStep('assign', undefined, 'Assigned'),
  'esc.move': escalationStep('move', 'moveReason', 'Moved to the next stage'),
  'esc.resolve': escalationStep('resolve', 'outcome', 'Resolved'),
  'esc.requestFeedback': escalationStep('request-feedback', undefined, 'Now waiting for feedback'),
  'esc.feedbackReceived': escalationStep('feedback-received', undefined, 'Feedback recorded as received'),
  'esc.list': personal((ctx, data) => escalationList(ctx, pageIn(data))),
  'esc.open': personal(async (ctx, data) => {
    const id = objectOf(data).escalationId;
    if (typeof id !== 'string') throw new AppError('VALIDATION', 'This card does not say which escalation to open.');
    const { escalation, canAct } = await getEscalation(ctx.store, ctx.actor, ctx.organisation, id);
    auditInTeams(ctx, { kind: 'escalation', id: escalation.id });
    return escalationAlertCard(alertMessage(escalation, ladderOf(ctx.organisation), canAct ? 'act' : 'inform'));
  }),
  'esc.seenBy': personal(async (ctx, data) => {
    const id = objectOf(data).escalationId;
    if (typeof id !== 'string') throw new AppError('VALIDATION', 'This card does not say which escalation to look at.');
    const { ref, seen } = await whoSawCase(ctx.store, ctx.actor, ctx.organisation, id);
    auditInTeams(ctx, { kind: 'escalation-viewers', id });
    const where = { teams: 'in Teams', tab: 'in the tab', cli: 'at the command line' } as Record<string, string>;
    return factsCard(
      `Who has seen ${ref}`,
      seen.map((s) => ({ title: s.name, value: `${formatInstant(s.at, ctx.organisation.timeZone)} ${where[s.surface] ?? s.surface}` })),
      seen.length ? 'Each time someone opened the case, from the record of who saw what.' : 'Nobody has opened this case yet.',
    );
  }),
  'esc.raise': personal(async (ctx, data) => {
    try {
      const { escalation, unreached } = await raiseEscalation(ctx, { actor: ctx.actor, organisation: ctx.organisation, data });
      if (unreached.length === 0)
        return noticeCard(
          `Raised as ${escalation.ref}`,
          `Stage ${escalation.stage} has been alerted and must respond by ${formatDate(escalation.stageDeadline)}. You will see it under "escalations".`,
          { tone: 'done' },
        );
      // Never "alerted" when no one was: say which stage reached nobody, and what happened instead.
      const nobody = unreached.map((u) => `stage ${u.stage} (${u.name})`).join(' and ');
      const moved = unreached.at(-1)!.stage !== escalation.stage;
      return noticeCard(
        `Raised as ${escalation.ref}`,
        `No one could be alerted at ${nobody}: nobody related to the case holds the role yet. The partnership’s administrators have been told. ` +
          (moved
            ? `Stage ${escalation.stage} has been alerted instead and must respond by ${formatDate(escalation.stageDeadline)}.`
            : 'Nobody has been alerted at any stage: if there is a risk to a child, contact your safeguarding lead or the duty team now, by phone.') +
          ' You will see it under "escalations".',
        { tone: 'problem' },
      );
    } catch (e) {
      if (!isAppError(e, 'VALIDATION')) throw e;
      // Only a name warning: the same form again, and Raise now sends it as it is.
      return raiseConcernCard({ values: objectOf(data), issues: e.fields, notice: e.message, namesChecked: isOnlyNameWarning(e.fields) });
    }
  }),
} satisfies Record<string, CardRoute>;

/** Where this stage's alert stands, for the list: seen, not yet seen, on its way, or reaching nobody. */
function alertReach(alerts: { delivered: number; seen: number; waiting: number; undelivered: number }): string {
  if (alerts.delivered > 0) return alerts.seen > 0 ? `, alert seen by ${alerts.seen} of ${alerts.delivered}` : ', alert not yet seen';
  if (alerts.waiting > 0) return ', alert on its way';
  if (alerts.undelivered > 0) return `, ⚠ the alert reached nobody (${alerts.undelivered} could not be reached)`;
  return ', ⚠ the alert reached nobody (no one to send it to)';
}

async function escalationList(ctx: RouteContext, page = 0): Promise<AdaptiveCardJson> {
  const open = await visibleOpenEscalations(ctx.store, ctx.actor, ctx.organisation);
  const ladder = ladderOf(ctx.organisation);
  // Until someone acknowledges, whether the alert was even opened is what tells a stuck stage from an
  // unread one. Looked up for the page shown only, side by side: a long list costs no more than a short one.
  const shown = pageOf(open, page).shown.filter((e) => !e.acknowledged);
  const alerts = new Map(await Promise.all(shown.map(async (e) => [e.id, await seenCounts(ctx.store, e.orgId, stageAlertPrefix(e))] as const)));
  const items = open.map((e) => {
    const reach = alerts.get(e.id);
    return {
      id: e.id,
      ref: e.ref,
      title: `${e.ref}: ${CAUSE_LABELS[e.cause]}${e.actionRef ? ` (${e.actionRef})` : ''}`,
      detail: `Stage ${e.stage} of ${ladder.length}, ${e.acknowledged ? 'acknowledged' : `respond by ${formatDate(e.stageDeadline)}`}${reach ? alertReach(reach) : ''}${e.assignedTo ? `, assigned to ${e.assignedTo.name}` : ''}`,
    };
  });
  return escalationListCard(`Open escalations (${open.length})`, items, page);
}

async function escalationReportCard(ctx: RouteContext, from: string, to: string): Promise<AdaptiveCardJson> {
  const report = centralRecordReport(await escalationReport(ctx.store, ctx.organisation, from, to, ctx.actor));
  auditInTeams(ctx, { kind: 'escalation-report', id: `${from}..${to}` });
  return reportCard(report);
}

export const ESCALATION_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^raise (?:a )?(?:concern|escalation|disagreement)$/i,
    example: 'raise concern',
    description: 'Raise a safeguarding concern or professional disagreement (case reference only, never a child’s name).',
    menu: 6,
    run: async () => raiseConcernCard(),
  },
  {
    scope: 'personal',
    pattern: /^escalations?$/i,
    example: 'escalations',
    description: 'Open escalations you can see, with their stage and deadline.',
    menu: 7,
    run: (ctx) => escalationList(ctx),
  },
  {
    scope: 'personal',
    pattern: new RegExp(`^escalations? report ${DATE} ${DATE}$`, 'i'),
    example: 'escalations report 2026-07-01 2026-09-30',
    description: 'Safeguarding leads and administrators: the three-monthly review of the central record.',
    run: (ctx, match) => escalationReportCard(ctx, match[1]!, match[2]!),
  },
];
