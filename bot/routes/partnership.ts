import { reportCard } from '../../cards/report-card';
import { formatDate, today } from '../../services/core/dates';
import { partnershipReport } from '../../services/dashboard/partnership-report';
import { timeZoneOf, type TextCommand } from './context';

export const PARTNERSHIP_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^partnership report$/i,
    example: 'partnership report',
    description: 'Partnership administrators and the business manager: the board’s roll-up of every agency’s figures.',
    run: async (ctx) => {
      const asAt = today(ctx.clock, timeZoneOf(ctx));
      const reports = await partnershipReport({ store: ctx.store, clock: ctx.clock }, { orgId: ctx.actor.orgId, requester: ctx.actor, timeZone: timeZoneOf(ctx), asAt });
      return reportCard(reports, `Partnership report as at ${formatDate(asAt)}: figures only, no names. For the board paper as a spreadsheet: npm run cli -- partnership report --format xlsx`);
    },
  },
];
