import { allows, mayRunEscalationReport, OPERATOR, scopeFor, type Requester } from '../access/policy';
import { formatDate, localDate } from '../core/dates';
import { CasePeople, caseAgencies } from './escalations';
import { AppError } from '../core/errors';
import type { Cell, Report } from '../core/report';
import type { Organisation } from '../organisation/model';
import type { Store } from '../store/ports';
import { CAUSE_LABELS, type Escalation, type EscalationCause } from './model';
import { EscalationRecords } from './repository';

export type EscalationReport = {
  from: string;
  to: string;
  raised: number;
  byCause: Partial<Record<EscalationCause, number>>;
  byHighestStage: Record<string, number>;
  acknowledged: number;
  meanDaysToAcknowledge: number | null;
  resolved: number;
  meanDaysToResolve: number | null;
  feedback: { requested: number; onTime: number; late: number; awaited: number };
  /** Concerns that had to go beyond the stage they started at. */
  escalationNeeded: number;
  stillOpen: number;
};

const DAY_MS = 24 * 3600_000;
const mean = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null);
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;

async function withinRequesterScope(store: Store, orgId: string, escalations: Escalation[], requester: Requester): Promise<Escalation[]> {
  if (requester === OPERATOR) return escalations;
  const people = new CasePeople(store, orgId);
  const { agency } = scopeFor(requester, await people.partnership());
  if (agency === undefined) return escalations;
  const kept: Escalation[] = [];
  for (const e of escalations) if ((await caseAgencies(e, people)).includes(agency)) kept.push(e);
  return kept;
}

/**
 * The three-monthly review of the central record: every concern raised in the period (by the
 * organisation's calendar), what caused it, how far it went, how quickly it was acknowledged and
 * resolved, whether feedback arrived, and what is still open.
 */
export async function escalationReport(store: Store, organisation: Organisation, from: string, to: string, requester: Requester): Promise<EscalationReport> {
  if (!allows(requester, mayRunEscalationReport)) throw new AppError('FORBIDDEN', 'The central record review is for safeguarding leads and administrators.');
  if (from > to) throw new AppError('VALIDATION', 'The report’s start date must be before its end date.');
  const all = await new EscalationRecords(store).all(organisation.orgId);
  // A safeguarding lead or administrator of one agency reviews the cases about its own people.
  const scoped = await withinRequesterScope(store, organisation.orgId, all, requester);
  const inPeriod = scoped.filter((e) => {
    const day = localDate(e.raisedAt, organisation.timeZone);
    return day >= from && day <= to;
  });
  const report: EscalationReport = {
    from,
    to,
    raised: inPeriod.length,
    byCause: {},
    byHighestStage: {},
    acknowledged: 0,
    meanDaysToAcknowledge: null,
    resolved: 0,
    meanDaysToResolve: null,
    feedback: { requested: 0, onTime: 0, late: 0, awaited: 0 },
    escalationNeeded: 0,
    stillOpen: 0,
  };
  const toAck: number[] = [];
  const toResolve: number[] = [];
  for (const e of inPeriod) {
    report.byCause[e.cause] = (report.byCause[e.cause] ?? 0) + 1;
    report.byHighestStage[String(e.highestStage)] = (report.byHighestStage[String(e.highestStage)] ?? 0) + 1;
    if (e.firstAcknowledgedAt) {
      report.acknowledged++;
      toAck.push(days(e.raisedAt, e.firstAcknowledgedAt));
    }
    if (e.status === 'resolved' && e.resolvedAt) {
      report.resolved++;
      toResolve.push(days(e.raisedAt, e.resolvedAt));
    } else report.stillOpen++;
    if (e.feedback) {
      report.feedback.requested++;
      if (!e.feedback.receivedAt) report.feedback.awaited++;
      else if (localDate(e.feedback.receivedAt, organisation.timeZone) <= e.feedback.dueBy) report.feedback.onTime++;
      else report.feedback.late++;
    }
    const started = e.history[0]?.stage ?? 1;
    if (e.highestStage > started) report.escalationNeeded++;
  }
  report.meanDaysToAcknowledge = mean(toAck);
  report.meanDaysToResolve = mean(toResolve);
  return report;
}

/**
 * The review as the one report shape: section, measure, value. The period stays in the rows as
 * well as the title, because a CSV file keeps only the rows.
 */
export function centralRecordReport(r: EscalationReport): Report {
  return {
    title: `Central record review, ${formatDate(r.from)} to ${formatDate(r.to)}`,
    headers: ['Section', 'Measure', 'Value'],
    rows: [
      ['Period', 'From', r.from],
      ['Period', 'To', r.to],
      ['Raised', 'Total', r.raised],
      ...Object.entries(r.byCause).map(([cause, n]): Cell[] => ['Raised by cause', CAUSE_LABELS[cause as EscalationCause] ?? cause, n]),
      ...Object.entries(r.byHighestStage)
        .sort()
        .map(([stage, n]): Cell[] => ['Highest stage reached', `Stage ${stage}`, n]),
      ['Escalation needed', 'Went beyond the stage it started at', r.escalationNeeded],
      ['Acknowledged', 'Count', r.acknowledged],
      ['Acknowledged', 'Mean days to acknowledge', r.meanDaysToAcknowledge ?? '—'],
      ['Resolved', 'Count', r.resolved],
      ['Resolved', 'Mean days to resolve', r.meanDaysToResolve ?? '—'],
      ['Feedback', 'Requested', r.feedback.requested],
      ['Feedback', 'Arrived on time', r.feedback.onTime],
      ['Feedback', 'Arrived late', r.feedback.late],
      ['Feedback', 'Still awaited', r.feedback.awaited],
      ['Open', 'Still open', r.stillOpen],
    ],
  };
}
