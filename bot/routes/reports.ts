import { reportCard } from '../../cards/report-card';
import { formatInstant } from '../../services/core/dates';
import { moduleReports } from '../../services/kernel/registry';
import { runReport, typedParams } from '../../services/kernel/reports';
import { auditInTeams, type TextCommand } from '../../services/kernel/route-context';

/** Every feature module's report, as a card: `report <name> [name=value …]`, or `report` for the list. */
export const REPORT_COMMAND: TextCommand = {
  scope: 'personal',
  pattern: /^reports?(?:\s+(\S+)(.*))?$/i,
  example: 'report',
  description: 'The reports you may see (Section 11, reviews, …); "report <name>" shows one as a card.',
  run: async (ctx, match) => {
    const name = match[1]?.toLowerCase();
    const available = moduleReports().filter((r) => r.allowed(ctx.actor, ctx.organisation));
    if (!name) {
      return reportCard(
        { title: 'Reports', headers: ['Report', 'What it shows'], rows: available.map((r) => [`report ${r.name}`, r.description]) },
        available.length === 0
          ? 'No report is available to you.'
          : 'Type one of these to see it. The tab shows the same reports, and the command line exports them.',
      );
    }
    const { definition, params, report } = await runReport(ctx, ctx.actor, name, typedParams(match[2] ?? ''));
    const record = definition.audited?.(params);
    if (record) auditInTeams(ctx, record);
    return reportCard(report, `${definition.title}, as at ${formatInstant(ctx.clock.now().toISOString(), ctx.organisation.timeZone)}.`);
  },
};
