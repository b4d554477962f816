import { AppError } from '../core/errors';
import { Directory } from '../people/directory';
import { allows, inScope, mayViewNamedOverdueList, mayViewTrainingRates, scopeOfRequester, type Requester } from '../access/policy';
import { partnershipOf } from '../organisation/organisations';
import type { Store } from '../store/ports';
import { loadTrainingFigures } from './catalogue';
import { completionRates, overdueList, type Breakdown, type OverdueRow, type RateRow } from './rates';

/**
 * The training figures a requester may see: their agency's people only (every agency's for the
 * partnership's roles), narrowed to `agency` when the command line asks for one.
 */
async function scopedFigures(store: Store, orgId: string, asAt: string, requester: Requester, agency?: string) {
  const partnership = await partnershipOf(store, orgId);
  const scope = scopeOfRequester(requester, partnership, agency);
  const people = (await new Directory(store).all(orgId)).filter((p) => inScope(p, scope, partnership));
  return loadTrainingFigures(store, orgId, people, asAt);
}

/** Completion rates for an organisation (or one agency) as at a date: aggregates, for those who manage training and safeguarding. */
export async function trainingRates(store: Store, orgId: string, asAt: string, by: Breakdown, requester: Requester, agency?: string): Promise<RateRow[]> {
  if (!allows(requester, mayViewTrainingRates)) throw new AppError('FORBIDDEN', 'Training completion rates are for HR, administrators and safeguarding leads.');
  return completionRates(await scopedFigures(store, orgId, asAt, requester, agency), asAt, by);
}

/** Who is overdue, by name: only for HR and administrators, and only of their own agency. */
export async function namedOverdueList(store: Store, orgId: string, asAt: string, requester: Requester, agency?: string): Promise<OverdueRow[]> {
  if (!allows(requester, mayViewNamedOverdueList)) throw new AppError('FORBIDDEN', 'Only HR and administrators can see who is overdue by name.');
  return overdueList(await scopedFigures(store, orgId, asAt, requester, agency), asAt);
}
