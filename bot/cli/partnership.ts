import path from 'node:path';
import { AppError } from '../../services/core/errors';
import type { Report } from '../../services/core/report';
import { partnershipReport } from '../../services/organisation/partnership-report';
import { writeReports } from '../../services/plan/tabular';
import { asAtOption, orgOf, print, requesterOption, stringOption, TABLE_OPTIONS, type Command } from './command';

/** A report on the terminal: its title, the table aligned, its notes. */
function printReport(r: Report): void {
  const rows = [r.headers, ...r.rows.map((row) => row.map((c) => (c === null ? '—' : String(c))))];
  const widths = r.headers.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  print(r.title);
  for (const row of rows) print(row.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  '));
  for (const note of r.notes ?? []) print(`  ${note}`);
  print();
}

export const PARTNERSHIP_COMMANDS: Record<string, Command> = {
  'partnership report': {
    usage: 'partnership report [--at <YYYY-MM-DD>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (the board’s roll-up: one sheet per section, figures only)',
    options: { at: { type: 'string' }, as: { type: 'string' }, ...TABLE_OPTIONS },
    async run(ctx) {
      const asAt = asAtOption(ctx);
      const reports = await partnershipReport(
        { store: ctx.store, clock: ctx.clock },
        { orgId: orgOf(ctx), requester: await requesterOption(ctx), timeZone: ctx.config.DEFAULT_TIME_ZONE, asAt },
      );
      const format = stringOption(ctx, 'format');
      if (format !== undefined && format !== 'csv' && format !== 'xlsx') throw new AppError('VALIDATION', '--format must be csv or xlsx.');
      const out = stringOption(ctx, 'out') ?? (format ? `partnership-report-${asAt}.${format}` : undefined);
      if (!out) {
        for (const r of reports) printReport(r);
        return;
      }
      await writeReports(path.resolve(out), reports);
      print(`Partnership report: wrote ${reports.length} sections (${reports.map((r) => r.title).join('; ')}) to ${path.resolve(out)}`);
    },
  },
};
