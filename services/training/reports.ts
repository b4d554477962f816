import { AppError } from '../core/errors';
import { Directory } from '../people/repository';
import { allows, mayViewNamedOverdueList, mayViewTrainingRates, type Requester } from '../access/policy';
import type { Store } from '../store/ports';
import { loadTrainingFigures } from './catalogue';
import { completionRates, overdueList, type Breakdown, type OverdueRow, type RateRow } from './rates';

/** Completion rates for an organisation as at a date: aggregates, for those who manage training and safeguarding. */
export async function trainingRates(store: Store, orgId: string, asAt: string, by: Breakdown, requester: Requester): Promise<RateRow[]> {
  if (!allows(requester, mayViewTrainingRates)) throw new AppError('FORBIDDEN', 'Training completion rates are for HR, administrators and safeguarding leads.');
  return completionRates(await loadTrainingFigures(store, orgId, await new Directory(store).all({ orgId }), asAt), asAt, by);
}

/** Who is overdue, by name: only for HR and administrators. */
export async function namedOverdueList(store: Store, orgId: string, asAt: string, requester: Requester): Promise<OverdueRow[]> {
  if (!allows(requester, mayViewNamedOverdueList)) throw new AppError('FORBIDDEN', 'Only HR and administrators can see who is overdue by name.');
  return overdueList(await loadTrainingFigures(store, orgId, await new Directory(store).all({ orgId }), asAt), asAt);
}
