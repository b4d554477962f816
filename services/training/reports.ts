import { formatDate } from '../core/dates';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import { Directory } from '../people/repository';
import { allows, mayViewNamedOverdueList, mayViewTrainingRates, scopeOfRequester, type Requester } from '../access/policy';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import { loadTrainingFigures } from './catalogue';
import {
  completionRates,
  groupOfBreakdown,
  overdueList,
  peoplePerGroup,
  ratesOfPairs,
  requiredPairs,
  type Breakdown,
  type OverdueRow,
  type RateRow,
} from './rates';
import { MIN_GROUP, smallGroups } from '../core/figures';

/**
 * The training figures a requester may see: their agency's people only (every agency's for the
 * partnership's roles), narrowed to `agency` when the command line asks for one.
 */
async function scopedFigures(deps: PartnershipSource, orgId: string, asAt: string, requester: Requester, agency?: string) {
  const scope = scopeOfRequester(requester, await partnershipFor(deps, orgId), agency);
  return loadTrainingFigures(deps.store, scope, await new Directory(deps.store).all(scope), asAt);
}

/**
 * Completion rates for an organisation (or one agency) as at a date: aggregates, for those who
 * manage training and safeguarding. Someone who may not see who is overdue (a safeguarding lead)
 * gets no row for a group of fewer than 5 people, nor one that would give it away by subtraction
 * from "All": a department of one is that person's training.
 */
export async function trainingRates(
  deps: PartnershipSource,
  orgId: string,
  asAt: string,
  by: Breakdown,
  requester: Requester,
  agency?: string,
): Promise<RateRow[]> {
  if (!allows(requester, mayViewTrainingRates)) throw new AppError('FORBIDDEN', 'Training completion rates are for HR, administrators and safeguarding leads.');
  const figures = await scopedFigures(deps, orgId, asAt, requester, agency);
  if (allows(requester, mayViewNamedOverdueList)) return completionRates(figures, asAt, by);
  const pairs = requiredPairs(figures, asAt);
  const groupOf = groupOfBreakdown(by);
  const sizes = peoplePerGroup(pairs, groupOf);
  // "All" is never hidden, so it is never counted as a group that could hide another.
  const hidden = smallGroups(sizes, MIN_GROUP);
  return ratesOfPairs(pairs, asAt, groupOf).filter((r) => r.group === 'All' || !hidden.has(r.group));
}

/**
 * The rates and their report, which says when small groups were left out for this requester, so a
 * safeguarding lead does not take a missing department for one with no requirements.
 */
export async function trainingRatesReport(
  deps: PartnershipSource,
  orgId: string,
  asAt: string,
  by: Breakdown,
  requester: Requester,
  agency?: string,
): Promise<{ rows: RateRow[]; report: Report }> {
  const rows = await trainingRates(deps, orgId, asAt, by, requester, agency);
  const report = ratesReport(rows, by, asAt);
  if (!allows(requester, mayViewNamedOverdueList))
    report.notes = [
      ...(report.notes ?? []),
      `Groups of fewer than ${MIN_GROUP} people, and the next smallest where it would give one away, are not shown: their figures would say who is overdue. They are counted in All.`,
    ];
  return { rows, report };
}

/** Who is overdue, by name: only for HR and administrators, and only of their own agency. */
export async function namedOverdueList(deps: PartnershipSource, orgId: string, asAt: string, requester: Requester, agency?: string): Promise<OverdueRow[]> {
  if (!allows(requester, mayViewNamedOverdueList)) throw new AppError('FORBIDDEN', 'Only HR and administrators can see who is overdue by name.');
  return overdueList(await scopedFigures(deps, orgId, asAt, requester, agency), asAt);
}

const BREAKDOWN_HEADERS: Record<Breakdown, string> = { department: 'Department', role: 'Role', course: 'Course' };

/** Completion rates as the one report shape: what the card, the tab and the CSV/XLSX export all show. */
export function ratesReport(rows: RateRow[], by: Breakdown, asAt: string): Report {
  return {
    title: `Training completion by ${by}, as at ${formatDate(asAt)}`,
    headers: [BREAKDOWN_HEADERS[by], 'Required', 'Within validity', '% within validity', 'Within 12 months', '% within 12 months'],
    rows: rows.map((r) => [r.group, r.required, r.withinValidity, `${r.pctWithinValidity}%`, r.within12Months, `${r.pctWithin12Months}%`]),
    notes: rows.length
      ? [
          '% within validity: required courses completed within their validity (36 months unless the catalogue says otherwise); % within 12 months: completed in the last 12 months.',
        ]
      : ['No training requirements are set up yet: HR sets them with npm run cli -- training setup.'],
  };
}

/** The named overdue list as the one report shape; dates stay ISO so a spreadsheet sorts them. */
export function overdueReport(rows: OverdueRow[], asAt: string): Report {
  return {
    title: `Overdue training (${rows.length}), as at ${formatDate(asAt)}`,
    headers: ['Name', 'Department', 'Job title', 'Course', 'Last completed', 'Expired on', 'Booked'],
    rows: rows.map((r) => [r.name, r.department, r.jobTitle, r.course, r.lastCompleted || null, r.expiredOn || 'never done', r.booked ? 'yes' : null]),
    notes: ['Named list: for HR and administrators only; handle it as personal data.'],
  };
}
