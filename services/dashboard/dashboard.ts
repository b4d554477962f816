import { z } from 'zod';
import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import { CAUSE_LABELS, visibleOpenEscalations } from '../escalations';
import { ladderOf } from '../organisation/escalation-ladder';
import type { Person } from '../people/model';
import { mayViewSurveyResults, mayViewTrainingRates } from '../access/policy';
import { ActionPlan, isOverdue, type PlanRowFields, type Rag, RAG_LABELS } from '../plan';
import type { Organisation } from '../organisation/model';
import type { ActionRow, EscalationsView, PlanView } from './views';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store } from '../store/ports';
import { campaignResults, campaignsVisibleTo, describeAudience, resultsReport, withheldNotice } from '../surveys';
import { type Breakdown, namedOverdueList, overdueReport, type RateRow, trainingRatesReport } from '../training';

/**
 * What the tab shows, as plain data: each view is a function of the store, the viewer and the
 * clock, with the same role rules as the bot.
 */
export type { ActionRow, EscalationRow, EscalationsView, PlanView } from './views';

export type DashboardDeps = { store: Store; clock: Clock; calendar: WorkingCalendar; organisation: Organisation };

function row(a: Omit<PlanRowFields, 'rowNumber'>, day: string): ActionRow {
  const due = a.revisedDueDate ?? a.nextDueDate;
  return {
    id: a.id,
    ref: a.ref,
    learningPoint: a.learningPoint,
    description: a.description,
    status: a.status,
    statusLabel: RAG_LABELS[a.status],
    leads: a.leads.map((l) => l.name).join(', '),
    ...(due ? { due } : {}),
    overdue: isOverdue(a, day),
    progress: a.progress,
  };
}

export async function myActionsView(deps: DashboardDeps, viewer: Person): Promise<{ actions: ActionRow[] }> {
  const day = today(deps.clock, deps.organisation.timeZone);
  return { actions: (await new ActionPlan(deps.store).openActionsLedBy(viewer.orgId, viewer.id)).map((a) => row(a, day)) };
}

export const planFilterSchema = z
  .object({
    lead: z.string().trim().max(200).optional(),
    status: z.enum(['B', 'G', 'A', 'R', 'NR']).optional(),
  })
  .strict();

const emptyCounts = (): Record<Rag, number> => ({ B: 0, G: 0, A: 0, R: 0, NR: 0 });

/** The whole plan (everyone in the partnership may see it), optionally filtered by lead and status. */
export async function planView(deps: DashboardDeps, viewer: Person, query: unknown): Promise<PlanView> {
  const parsed = planFilterSchema.safeParse(query);
  if (!parsed.success)
    throw new AppError('VALIDATION', `Unknown filter: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`).join('; ')}`);
  const { lead, status } = parsed.data;
  const day = today(deps.clock, deps.organisation.timeZone);
  const plan = new ActionPlan(deps.store);
  const [first] = (await plan.plansOf(viewer.orgId)).sort((a, b) => a.id.localeCompare(b.id));
  if (!first) return { title: 'No plan imported yet', byLearningPoint: [], totals: emptyCounts(), actions: [], overdue: [], leads: [] };
  const all = await plan.planRows(viewer.orgId, first.id);
  const leads = [...new Set(all.flatMap((a) => a.leads.map((l) => l.name)))].sort();
  const shown = all.filter((a) => (!lead || a.leads.some((l) => l.name === lead)) && (!status || a.status === status));
  const titles = new Map(first.learningPoints.map((lp) => [lp.number, lp.title]));
  const byLp = new Map<number, Record<Rag, number>>();
  const totals = emptyCounts();
  for (const a of shown) {
    const counts = byLp.get(a.learningPoint) ?? emptyCounts();
    counts[a.status]++;
    totals[a.status]++;
    byLp.set(a.learningPoint, counts);
  }
  const rows = shown.map((a) => row(a, day));
  return {
    title: first.title,
    byLearningPoint: [...byLp]
      .sort(([a], [b]) => a - b)
      .map(([learningPoint, counts]) => ({ learningPoint, title: titles.get(learningPoint) ?? `Learning point ${learningPoint}`, counts })),
    totals,
    actions: rows,
    overdue: rows.filter((r) => r.overdue).sort((a, b) => (a.due ?? '').localeCompare(b.due ?? '')),
    leads,
  };
}

/** Open escalations the viewer may see (all for administrators, their own agency's for safeguarding leads), by stage. */
export async function escalationsView(deps: DashboardDeps, viewer: Person): Promise<EscalationsView> {
  const day = today(deps.clock, deps.organisation.timeZone);
  const ladder = ladderOf(deps.organisation);
  const open = await visibleOpenEscalations(deps.store, viewer, deps.organisation);
  const rows = open.map((e) => ({
    id: e.id,
    ref: e.ref,
    title: e.actionRef ? `${CAUSE_LABELS[e.cause]}: ${e.actionRef}` : CAUSE_LABELS[e.cause],
    stage: e.stage,
    stageName: ladder[e.stage - 1]?.name ?? `Stage ${e.stage}`,
    ageWorkingDays: deps.calendar.workingDaysBetween(e.raisedAt.slice(0, 10), day),
    deadline: e.stageDeadline,
    pastDeadline: e.stageDeadline < day,
    acknowledged: !!e.acknowledged,
  }));
  return { byStage: ladder.map((s, i) => ({ stage: i + 1, name: s.name, count: rows.filter((r) => r.stage === i + 1).length })), escalations: rows };
}

const breakdownSchema = z.object({ by: z.enum(['department', 'role', 'course']).default('department') }).strict();

/** The rates for the chart, and the same rates as the report every surface shows. */
export async function trainingView(
  deps: DashboardDeps,
  viewer: Person,
  query: unknown,
): Promise<{ asAt: string; by: Breakdown; rows: RateRow[]; report: Report }> {
  if (!mayViewTrainingRates(viewer)) throw new AppError('FORBIDDEN', 'Training completion rates are for HR, administrators and safeguarding leads.');
  const parsed = breakdownSchema.safeParse(query);
  if (!parsed.success) throw new AppError('VALIDATION', 'by must be department, role or course.');
  const asAt = today(deps.clock, deps.organisation.timeZone);
  const { rows, report } = await trainingRatesReport(deps, viewer.orgId, asAt, parsed.data.by, viewer);
  return { asAt, by: parsed.data.by, rows, report };
}

export async function trainingOverdueView(deps: DashboardDeps, viewer: Person): Promise<{ asAt: string; report: Report }> {
  const asAt = today(deps.clock, deps.organisation.timeZone);
  return { asAt, report: overdueReport(await namedOverdueList(deps, viewer.orgId, asAt, viewer), asAt) };
}

export async function questionnairesView(
  deps: DashboardDeps,
  viewer: Person,
): Promise<{ campaigns: { id: string; title: string; status: string; audience: string; invited: number; closesOn: string; anonymous: boolean }[] }> {
  if (!mayViewSurveyResults(viewer)) throw new AppError('FORBIDDEN', 'Questionnaire results are for administrators, HR and safeguarding leads.');
  const campaigns = (await campaignsVisibleTo(deps, viewer)).filter((c) => c.status !== 'scheduled');
  return {
    campaigns: campaigns.map((c) => ({
      id: c.id,
      title: c.title,
      status: c.status,
      audience: describeAudience(c.audience),
      invited: c.invited,
      closesOn: c.closesOn,
      anonymous: c.anonymous,
    })),
  };
}

/** One campaign's results without the written answers, which stay in the export for those who need them. */
export async function questionnaireResultsView(deps: DashboardDeps, viewer: Person, campaignId: string) {
  const r = await campaignResults(deps, viewer.orgId, campaignId, viewer);
  return {
    title: r.campaign.title,
    anonymous: r.campaign.anonymous,
    invited: r.invited,
    responded: r.responded,
    responseRate: r.responseRate,
    /** Why no figures are shown (an open or too small anonymous campaign), in the words every surface uses. */
    notice: r.withheld ? withheldNotice(r) : '',
    highlights: r.highlights,
    questions: r.questions.map((q) => ({ ...q, written: [] as string[] })),
    breakdowns: r.breakdowns.map((g) => ({ ...g, questions: [] })),
    ...(r.comparison ? { comparison: r.comparison } : {}),
    report: resultsReport(r, { detail: 'summary' }),
  };
}
