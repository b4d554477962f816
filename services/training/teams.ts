import type { AdaptiveCardJson } from '../../cards/render';
import { factsCard, noticeCard } from '../../cards/views';
import { trainingReportCard, trainingVerifyCard } from '../../cards/training/cards';
import { Directory } from '../people/repository';
import { courses, loadPersonTraining } from './catalogue';
import { myTraining, type Breakdown, type MyCourse } from './rates';
import { namedOverdueList, overdueReport, trainingRatesReport } from './reports';
import { MAX_REPORT_CARD_ROWS, reportCard } from '../../cards/report-card';
import { pendingSelfReports, reviewSelfReport, selfReport } from './self-report';
import { today, formatDate } from '../core/dates';
import { isAppError } from '../core/errors';
import { auditInTeams, objectOf, pageIn, personal, timeZoneOf, type CardRoute, type RouteContext, type TextCommand } from '../kernel/route-context';

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
  const mine = myTraining(await loadPersonTraining(ctx.store, ctx.actor, day), ctx.actor, day);
  return factsCard(
    'Your safeguarding training',
    mine.map((c) => ({
      title: c.course.name,
      value: `${MY_TRAINING_STATE[c.state]}${c.last ? `; last ${formatDate(c.last)}` : ''}${c.expiresOn ? `; valid until ${formatDate(c.expiresOn)}` : ''}`,
    })),
    mine.length ? 'Type "report training" to tell HR about a course you completed.' : 'No safeguarding course is required for your role.',
  );
}

async function trainingVerifyList(ctx: RouteContext, page = 0): Promise<AdaptiveCardJson> {
  const pending = await pendingSelfReports(ctx, ctx.actor);
  const directory = new Directory(ctx.store);
  const catalogue = new Map((await courses(ctx.store, ctx.actor.orgId)).map((c) => [c.code, c.name]));
  const items = [];
  for (const r of pending) {
    const who = await directory.get(ctx.actor.orgId, r.personId);
    items.push({
      id: r.id,
      title: `${who?.name ?? 'Unknown'}: ${catalogue.get(r.courseCode) ?? r.courseCode}`,
      detail: `Completed ${formatDate(r.completedOn!)}${r.certificateUrl ? `; certificate ${r.certificateUrl}` : '; no certificate link'}`,
    });
  }
  return trainingVerifyCard(items, page);
}

async function trainingRatesCard(ctx: RouteContext, by: Breakdown): Promise<AdaptiveCardJson> {
  const day = today(ctx.clock, timeZoneOf(ctx));
  return reportCard((await trainingRatesReport(ctx, ctx.actor.orgId, day, by, ctx.actor)).report);
}

async function trainingOverdueCard(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const day = today(ctx.clock, timeZoneOf(ctx));
  const report = overdueReport(await namedOverdueList(ctx, ctx.actor.orgId, day, ctx.actor), day);
  auditInTeams(ctx, { kind: 'training-overdue-list', id: day });
  return reportCard(report, report.rows.length > MAX_REPORT_CARD_ROWS ? 'The full list: npm run cli -- training overdue --out overdue.xlsx' : '');
}

export const TRAINING_ROUTES = {
  'training.selfReport': personal(async (ctx, data) => {
    try {
      const record = await selfReport(ctx, { actor: ctx.actor, timeZone: timeZoneOf(ctx), data });
      return noticeCard('Sent to HR', `Your ${record.courseCode} completion on ${formatDate(record.completedOn!)} will count once HR verifies it.`, {
        tone: 'done',
      });
    } catch (e) {
      if (!isAppError(e, 'VALIDATION')) throw e;
      return trainingReportCard(await courses(ctx.store, ctx.actor.orgId), { values: objectOf(data), issues: e.fields, notice: e.message });
    }
  }),
  'training.verifyList': personal((ctx, data) => trainingVerifyList(ctx, pageIn(data))),
  'training.verify': personal(async (ctx, data) => {
    await reviewSelfReport(ctx, { actor: ctx.actor, decision: 'verified', data });
    return trainingVerifyList(ctx);
  }),
  'training.reject': personal(async (ctx, data) => {
    await reviewSelfReport(ctx, { actor: ctx.actor, decision: 'rejected', data });
    return trainingVerifyList(ctx);
  }),
} satisfies Record<string, CardRoute>;

export const TRAINING_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^my training$/i,
    example: 'my training',
    description: 'The safeguarding courses your role needs, and where each stands.',
    menu: 3,
    run: (ctx) => myTrainingCard(ctx),
  },
  {
    scope: 'personal',
    pattern: /^report (?:my )?training$/i,
    example: 'report training',
    description: 'Tell HR about a course you completed (HR verifies it).',
    menu: 4,
    run: async (ctx) => trainingReportCard(await courses(ctx.store, ctx.actor.orgId)),
  },
  {
    scope: 'personal',
    pattern: /^training to verify$/i,
    example: 'training to verify',
    description: 'HR: self-reported completions to verify or reject.',
    run: (ctx) => trainingVerifyList(ctx),
  },
  {
    scope: 'personal',
    pattern: /^training (?:rates|report)(?: by (department|role|course))?$/i,
    example: 'training report by department',
    description: 'HR, administrators and leads: completion rates by department, role or course.',
    run: (ctx, match) => trainingRatesCard(ctx, (match[1] ?? 'department').toLowerCase() as Breakdown),
  },
  {
    scope: 'personal',
    pattern: /^training overdue$/i,
    example: 'training overdue',
    description: 'HR: who is overdue, by name.',
    run: (ctx) => trainingOverdueCard(ctx),
  },
];
