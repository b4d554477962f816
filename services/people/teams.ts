import { MAX_REPORT_CARD_ROWS, reportCard } from '../../cards/report-card';
import { groupMapsReport, roleHoldersReport } from './roles';
import type { TextCommand } from '../kernel/route-context';

/** Who holds what, for administrators, read only: roles are changed at the command line, or in Entra through mapped groups. */
export const ROLE_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^roles$/i,
    example: 'roles',
    description: 'Administrators: who holds which role in your reach, and where each came from (an Entra group, or who granted it and when).',
    run: async (ctx) => {
      const [holders, maps] = await Promise.all([
        roleHoldersReport(ctx, { orgId: ctx.actor.orgId, requester: ctx.actor }),
        groupMapsReport(ctx, { orgId: ctx.actor.orgId, requester: ctx.actor }),
      ]);
      const more = holders.rows.length + maps.rows.length > MAX_REPORT_CARD_ROWS ? ' The full list: npm run cli -- people roles --out roles.xlsx.' : '';
      return reportCard([holders, maps], `To change roles: npm run cli -- people role grant|revoke, or roles map|unmap for an Entra group.${more}`);
    },
  },
];
