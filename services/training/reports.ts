import { AppError } from '../core/errors';
import { Directory } from '../people/directory';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { loadTrainingFigures } from './catalogue';
import { completionRates, overdueList, type Breakdown, type OverdueRow, type RateRow } from './rates';
import { canSeeNamedLists } from './self-report';

/** Completion rates for an organisation as at a date. Aggregates only: anyone may see them. */
export async function trainingRates(store: Store, orgId: string, asAt: string, by: Breakdown): Promise<RateRow[]> {
  return completionRates(await loadTrainingFigures(store, orgId, await new Directory(store).all(orgId), asAt), asAt, by);
}

/** Who is overdue, by name: only for HR and administrators (`actor` undefined = the command line, run by an operator). */
export async function namedOverdueList(store: Store, orgId: string, asAt: string, actor?: Person): Promise<OverdueRow[]> {
  if (actor && !canSeeNamedLists(actor)) throw new AppError('FORBIDDEN', 'Only HR and administrators can see who is overdue by name.');
  return overdueList(await loadTrainingFigures(store, orgId, await new Directory(store).all(orgId), asAt), asAt);
}
