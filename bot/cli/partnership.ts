import { partnershipReport } from '../../services/dashboard/partnership-report';
import { asAtOption, orgOf, outputReport, requesterOption, TABLE_OPTIONS, type Command } from './command';

export const PARTNERSHIP_COMMANDS: Record<string, Command> = {
  'partnership report': {
    usage: 'partnership report [--at <YYYY-MM-DD>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (the board’s roll-up: one sheet per section, figures only)',
    options: { at: { type: 'string' }, as: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const asAt = asAtOption(ctx);
      const reports = await partnershipReport({ store: ctx.store, clock: ctx.clock }, { orgId: orgOf(ctx), requester: await requesterOption(ctx), timeZone: ctx.config.DEFAULT_TIME_ZONE, asAt });
      await outputReport(ctx, reports, `partnership-report-${asAt}`);
    },
  },
};
