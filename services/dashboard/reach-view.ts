import { mayViewReach, scopeFor } from '../access/policy';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { Organisation } from '../organisation/model';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { reachReport, type ReachReport } from '../reach';

export type ReachView = ReachReport & { asAt: string; emailEnabled: boolean };

/**
 * The tab's reach view: for each active person, Teams, email or unreachable and why, with the counts,
 * as the command line and the administrators' digest report it. It names people, so only those the
 * access policy allows may see it.
 */
export async function reachView(
  deps: { store: Store; clock: Clock; organisation: Pick<Organisation, 'orgId'> },
  viewer: Person,
  options: { emailEnabled: boolean },
): Promise<ReachView> {
  if (!mayViewReach(viewer)) throw new AppError('FORBIDDEN', 'Who can be reached, by name, is for plan administrators.');
  const report = await reachReport(deps.store, scopeFor(viewer, deps.organisation), options);
  return { ...report, asAt: deps.clock.now().toISOString(), emailEnabled: options.emailEnabled };
}
