import { runReport } from '../kernel/reports';
import { asAtOption, organisationOf, outputReport, requesterOption, TABLE_OPTIONS, type Command } from '../kernel/cli-command';
import { WorkingCalendar } from '../scheduling/calendar';

/** Today's command for the partnership report (declared in module.ts; `report partnership` runs it too), with its file name by date. */
export const PARTNERSHIP_COMMANDS: Record<string, Command> = {
  'partnership report': {
    usage:
      'partnership report [--at <YYYY-MM-DD>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (the board’s roll-up: one sheet per section, figures only)',
    options: { at: { type: 'string' }, as: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const asAt = asAtOption(ctx);
      const organisation = await organisationOf(ctx);
      const { report } = await runReport(
        { store: ctx.store, clock: ctx.clock, calendar: new WorkingCalendar(), organisation },
        await requesterOption(ctx),
        'partnership',
        { at: asAt },
      );
      await outputReport(ctx, report, `partnership-report-${asAt}`);
    },
  },
};
