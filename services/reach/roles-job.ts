import type { JobContext } from '../scheduling/job-context';
import { syncGroupRoles, type GroupRolesWiring } from './group-roles';
import { readRoleMaps } from '../people/roles-repository';

/** The daily roles run: the mapped Entra groups' members get their roles, and those who left them lose them. */
export async function runGroupRoles(ctx: JobContext<{ groupRoles?: GroupRolesWiring }>): Promise<Record<string, unknown>> {
  if (!ctx.groupRoles) {
    const mapped = (await readRoleMaps(ctx.store, ctx.orgId)).maps.length;
    if (mapped > 0)
      ctx.logger.warn(
        { mapped },
        'Entra groups are mapped to roles but the bot has no Graph identity (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId): group roles are not synced',
      );
    return { notConfigured: 'the bot’s identity is not set: only direct grants count', mapped };
  }
  const summary = await syncGroupRoles({ store: ctx.store, clock: ctx.clock, ...ctx.groupRoles }, ctx.orgId);
  if (summary.unreadable > 0)
    ctx.logger.warn({ unreadable: summary.unreadable }, 'some mapped Entra groups could not be read; their roles were left as they were (administrators told)');
  return summary;
}
