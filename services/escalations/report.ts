import { allows, mayRunEscalationReport, OPERATOR, scopeFor, type Requester } from '../access/policy';
import { partnershipOf } from '../organisation/organisations';
import { Directory } from '../people/directory';
import { caseAgencies } from './escalations';
import { localDate } from '../core/dates';
import { AppError } from '../core/errors';
import type { Organisation } from '../organisation/model';
import { toArray, type Store } from '../store/ports';
import { CAUSE_LABELS, type Escalation, type EscalationCause } from './model';

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
  const partnership = await partnershipOf(store, orgId);
  const { agency } = scopeFor(requester, partnership);
  if (agency === undefined) return escalations;
  const people = await new Directory(store).all(orgId);
  return escalations.filter((e) => caseAgencies(e, people, partnership).includes(agency));
}

/**
 * The three-monthly review of the central record: every concern raised in the period (by the
 * organisation's calendar), what caused it, how far it went, how quickly it was acknowledged and
 * resolved, whether feedback arrived, and what is still open.
 */
export async function escalationReport(store: Store, organisation: Organisation, from: string, to: string, requester: Requester): Promise<EscalationReport> {
  if (!allows(requester, mayRunEscalationReport)) throw new AppError('FORBIDDEN', 'The central record review is for safeguarding leads and administrators.');
  if (from > to) throw new AppError('VALIDATION', 'The report’s start date must be before its end date.');
  const all = await toArray(
    store.collection<Escalation>('escalations').query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation'", parameters: [{ name: '@orgId', value: organisation.orgId }] }),
  );
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

/** The report as rows for a spreadsheet: section, measure, value. */
export function reportRows(r: EscalationReport): string[][] {
  const rows: (string | number | null)[][] = [
    ['Period', 'From', r.from],
    ['Period', 'To', r.to],
    ['Raised', 'Total', r.raised],
    ...Object.entries(r.byCause).map(([cause, n]) => ['Raised by cause', CAUSE_LABELS[cause as EscalationCause], n]),
    ...Object.entries(r.byHighestStage)
      .sort()
      .map(([stage, n]) => ['Highest stage reached', `Stage ${stage}`, n]),
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
  ];
  return rows.map((row) => row.map((c) => String(c)));
}
