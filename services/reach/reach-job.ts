import type { JobContext } from '../scheduling/job-context';
import { reachPeople } from './reach';

/** The scheduled reach run: figures for the job log; nothing to do when installing is not set up. */
export async function runReach(ctx: JobContext): Promise<Record<string, unknown>> {
  if (!ctx.reach) return { notConfigured: 'TEAMS_CATALOG_APP_ID is not set: people are reached in Teams only once they open the app' };
  const summary = await reachPeople({ store: ctx.store, clock: ctx.clock, ...ctx.reach }, ctx.orgId);
  if (summary.permissionMissing) ctx.logger.warn({ detail: summary.permissionMissing }, 'Graph refused to install the app: a permission is missing (administrators told)');
  return { ...summary };
}
