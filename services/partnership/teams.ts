import { reportCard } from '../../cards/report-card';
import { formatDate, today } from '../core/dates';
import { runReport } from '../kernel/reports';
import { timeZoneOf, type TextCommand } from '../kernel/route-context';

/** Today's typed name for the partnership report (declared in module.ts), kept beside `report partnership`. */
export const PARTNERSHIP_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^partnership report$/i,
    example: 'partnership report',
    description: 'Partnership administrators and the business manager: the board’s roll-up of every agency’s figures.',
    run: async (ctx) => {
      const asAt = today(ctx.clock, timeZoneOf(ctx));
      const { report } = await runReport(ctx, ctx.actor, 'partnership', { at: asAt });
      return reportCard(
        report,
        `Partnership report as at ${formatDate(asAt)}: figures only, no names. For the board paper as a spreadsheet: npm run cli -- partnership report --format xlsx`,
      );
    },
  },
];
