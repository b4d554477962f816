import { today } from '../core/dates';
import type { JobContext } from '../scheduling/job-context';
import { reachPeople } from './reach';
import type { ReachWiring } from './setup';
import { enqueueUnreachableDigest } from './unreachable-digest';

/**
 * The daily reach run: installs the app for whom it can (when Graph is set up), then sends the
 * administrators one digest of who is still unreachable.
 */
export async function runReach(ctx: JobContext<{ reach?: ReachWiring; emailEnabled?: boolean }>): Promise<Record<string, unknown>> {
  const installs = ctx.reach
    ? await reachPeople({ store: ctx.store, clock: ctx.clock, ...ctx.reach }, ctx.orgId)
    : { notConfigured: 'TEAMS_CATALOG_APP_ID is not set: people are reached in Teams only once they open the app' };
  if ('permissionMissing' in installs && installs.permissionMissing)
    ctx.logger.warn({ detail: installs.permissionMissing }, 'Graph refused to install the app: a permission is missing (administrators told)');
  const digest = await enqueueUnreachableDigest(ctx.store, ctx.clock, ctx.orgId, today(ctx.clock, ctx.organisation.timeZone), {
    emailEnabled: ctx.emailEnabled ?? false,
    organisation: ctx.organisation,
  });
  return { ...installs, ...digest };
}
