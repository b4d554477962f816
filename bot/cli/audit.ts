import { AppError } from '../../services/core/errors';
import { auditReport } from '../../services/dashboard/audit-report';
import {
  auditCommand,
  dateOption,
  organisationOf,
  outputReport,
  requesterOption,
  stringOption,
  TABLE_OPTIONS,
  type Command,
} from '../../services/kernel/cli-command';

export const AUDIT_COMMANDS: Record<string, Command> = {
  'audit report': {
    usage:
      'audit report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--person <id or email>] [--record <id>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (who saw or changed what: partnership administrators; names people)',
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      person: { type: 'string' },
      record: { type: 'string' },
      as: { type: 'string' },
      ...TABLE_OPTIONS,
    },
    async run(ctx) {
      const from = dateOption(ctx, 'from');
      const to = dateOption(ctx, 'to');
      if (!from || !to) throw new AppError('VALIDATION', 'Give --from and --to, dates such as 2026-07-01.');
      const requester = await requesterOption(ctx);
      const person = stringOption(ctx, 'person');
      const record = stringOption(ctx, 'record');
      const report = await auditReport(ctx.store, await organisationOf(ctx), {
        from,
        to,
        requester,
        ...(person ? { person } : {}),
        ...(record ? { record } : {}),
      });
      await outputReport(ctx, report, `audit-${from}-to-${to}`);
      auditCommand(
        ctx,
        requester,
        { kind: 'audit-report', id: `${from}..${to}` },
        { detail: [person ? `person ${person}` : '', record ? `record ${record}` : ''].filter(Boolean).join('; ') || undefined },
      );
    },
  },
};
