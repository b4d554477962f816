import { AppError } from '../../services/core/errors';
import { moduleReports } from '../../services/kernel/registry';
import { runReport } from '../../services/kernel/reports';
import { auditCommand, organisationOf, outputReport, print, requesterOption, type Command, type OptionSpec } from '../../services/kernel/cli-command';
import { WorkingCalendar } from '../../services/scheduling/calendar';

const OUTPUT: OptionSpec = { format: { type: 'string' }, out: { type: 'string' }, as: { type: 'string' } };

/**
 * `report list` and `report <name>` for every feature module's report: its parameters are options
 * (`--agency police`), and --format/--out export it as the other reports do.
 */
export function reportCommands(): Record<string, Command> {
  const commands: Record<string, Command> = {
    'report list': {
      usage: 'report list   (every report a feature offers, with its options)',
      run: async () => {
        for (const r of moduleReports())
          print(
            `${r.name}: ${r.description}${
              r.params
                ? ` (options: ${Object.keys(r.params.shape)
                    .map((k) => `--${k}`)
                    .join(' ')})`
                : ''
            }`,
          );
      },
    },
  };
  for (const r of moduleReports()) {
    const names = r.params ? Object.keys(r.params.shape) : [];
    const taken = names.find((n) => Object.hasOwn(OUTPUT, n) || n === 'org' || n === 'help');
    if (taken) throw new Error(`Report "${r.name}" names a parameter "${taken}", which every report command already takes.`);
    const options: OptionSpec = { ...OUTPUT, ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])) };
    commands[`report ${r.name}`] = {
      usage:
        `report ${r.name} ${names.map((n) => `[--${n} <value>]`).join(' ')} [--as <email>] [--format csv|xlsx] [--out <file>]   (${r.description})`.replace(
          /\s+/g,
          ' ',
        ),
      options,
      run: async (ctx) => {
        if (ctx.args.length > 0) throw new AppError('VALIDATION', `report ${r.name} takes options, not "${ctx.args[0]!.slice(0, 40)}".`);
        const organisation = await organisationOf(ctx);
        const requester = await requesterOption(ctx);
        const raw = Object.fromEntries(names.flatMap((n) => (typeof ctx.options[n] === 'string' ? [[n, ctx.options[n] as string]] : [])));
        const { definition, params, report } = await runReport(
          { store: ctx.store, clock: ctx.clock, calendar: new WorkingCalendar(), organisation },
          requester,
          r.name,
          raw,
        );
        const record = definition.audited?.(params);
        if (record) auditCommand(ctx, requester, record);
        await outputReport(ctx, report, r.name);
      },
    };
  }
  return commands;
}
