import { AppError } from '../core/errors';
import { centralRecordReport, escalationReport } from './report';
import { OPERATOR } from '../access/policy';
import { auditCommand, organisationOf, outputReport, stringOption, TABLE_OPTIONS, type Command } from '../kernel/cli-command';

export const ESCALATION_COMMANDS: Record<string, Command> = {
  'escalations report': {
    usage: 'escalations report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    options: { from: { type: 'string' }, to: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const from = stringOption(ctx, 'from') ?? '';
      const to = stringOption(ctx, 'to') ?? '';
      for (const [name, value] of [
        ['--from', from],
        ['--to', to],
      ]) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value!)) throw new AppError('VALIDATION', `${name} must be a date such as 2026-07-01.`);
      }
      if (from > to) throw new AppError('VALIDATION', '--from must not be after --to.');
      await outputReport(
        ctx,
        centralRecordReport(await escalationReport(ctx.store, await organisationOf(ctx), from, to, OPERATOR)),
        `central-record-${from}-to-${to}`,
      );
      auditCommand(ctx, OPERATOR, { kind: 'escalation-report', id: `${from}..${to}` });
    },
  },
};
