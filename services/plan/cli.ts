import path from 'node:path';
import { AppError } from '../core/errors';
import { Directory } from '../people/repository';
import { matchByName } from '../people/model';
import { planTableRows } from './export-plan';
import { choosePlan } from './plan-choice';
import { ActionPlan } from './repository';
import { importPlan, type ImportReport } from './import-plan';
import { readTable, writeTable } from '../core/tabular';
import { OPERATOR } from '../access/policy';
import { auditCommand, dateOption, fileArg, ISO_DATE, orgOf, organisationOf, print, stringOption, type CliContext, type Command } from '../kernel/cli-command';

type PlanDetails = NonNullable<Parameters<typeof importPlan>[1]['details']>;

export function formatImportReport(report: ImportReport): string[] {
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written): would import' : 'Imported'} plan "${report.planId}": ${report.dataRows} data rows.`,
    `  created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, not imported ${report.problems.length}`,
  ];
  for (const c of report.changes) lines.push(`  row ${c.rowNumber} ${c.ref}: ${c.kind === 'create' ? 'new action' : `changes ${c.fields.join(', ')}`}`);
  if (report.problems.length) {
    lines.push('Rows not imported (fix them in the file and import again):');
    for (const p of report.problems) lines.push(`  row ${p.rowNumber}: ${p.reason}`);
  }
  if (report.warnings.length) {
    lines.push('Warnings:');
    for (const w of report.warnings) lines.push(`  row ${w.rowNumber}: ${w.message}`);
  }
  if (report.unmatchedLeads.length) lines.push(`Leads not found in the people directory: ${report.unmatchedLeads.join('; ')}`);
  if (report.ambiguousLeads.length) lines.push(`Leads matching more than one person (link them by email): ${report.ambiguousLeads.join('; ')}`);
  return lines;
}

/** Owner, period and review dates given on the command line; the owner is linked to the directory when found. */
async function planDetails(ctx: CliContext, orgId: string): Promise<PlanDetails> {
  const details: PlanDetails = {};
  const owner = stringOption(ctx, 'owner')?.trim();
  if (owner) {
    const directory = new Directory(ctx.store);
    const found = owner.includes('@') ? await directory.byEmail({ orgId }, owner) : undefined;
    const byName = found ? undefined : matchByName(await directory.all({ orgId }), owner);
    const person = found ?? (byName?.kind === 'found' ? byName.person : undefined);
    details.owner = person ? { personId: person.id, name: person.name } : { name: owner };
  }
  const period = stringOption(ctx, 'period');
  if (period) {
    const [start, end] = period.split('..');
    if (!start || !end || !ISO_DATE.test(start) || !ISO_DATE.test(end) || start > end)
      throw new AppError('VALIDATION', `--period "${period}" must look like 2026-04-01..2027-03-31.`);
    details.period = { start, end };
  }
  const lastReviewed = dateOption(ctx, 'last-reviewed');
  const nextReview = dateOption(ctx, 'next-review');
  if (lastReviewed || nextReview) details.reviewDates = { ...(lastReviewed ? { lastReviewed } : {}), ...(nextReview ? { nextReview } : {}) };
  return details;
}

export const PLAN_COMMANDS: Record<string, Command> = {
  'plan import': {
    usage:
      'plan import <file.csv|file.xlsx> [--org <id>] [--plan <id>] [--title <text>] [--owner <name or email>] [--period <YYYY-MM-DD..YYYY-MM-DD>] [--last-reviewed <date>] [--next-review <date>] [--dry-run]',
    options: {
      plan: { type: 'string' },
      title: { type: 'string' },
      owner: { type: 'string' },
      period: { type: 'string' },
      'last-reviewed': { type: 'string' },
      'next-review': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    async run(ctx) {
      const file = fileArg(ctx, 'plan');
      const orgId = orgOf(ctx);
      const table = await readTable(file);
      const dryRun = !!ctx.options['dry-run'];
      if (!dryRun) await organisationOf(ctx);
      const plans = await new ActionPlan(ctx.store).plansOf(orgId);
      const planId = choosePlan(plans, stringOption(ctx, 'plan'), 'import', orgId);
      // A plan imported again keeps its title unless --title changes it.
      const title = stringOption(ctx, 'title') ?? plans.find((p) => p.id === planId)?.title ?? path.basename(file).replace(/\.(csv|xlsx)$/i, '');
      const interactive = process.stderr.isTTY;
      const report = await importPlan(
        { store: ctx.store, clock: ctx.clock },
        {
          orgId,
          planId,
          title,
          fileName: path.basename(file),
          table,
          dryRun,
          details: await planDetails(ctx, orgId),
          onProgress: (done, total) => {
            // A redraw on a terminal; a line every 10% in logs.
            if (interactive) process.stderr.write(`\rImporting ${done}/${total}${done === total ? '\n' : ''}`);
            else if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) process.stderr.write(`Importing ${done}/${total}\n`);
          },
        },
      );
      formatImportReport(report).forEach((l) => print(l));
    },
  },
  'plan export': {
    usage: 'plan export <file.csv|file.xlsx> [--org <id>] [--plan <id>]',
    options: { plan: { type: 'string' } },
    async run(ctx) {
      const file = fileArg(ctx, 'export');
      const orgId = orgOf(ctx);
      const planId = choosePlan(await new ActionPlan(ctx.store).plansOf(orgId), stringOption(ctx, 'plan'), 'read', orgId);
      const { headers, rows, plan } = await planTableRows(ctx.store, orgId, planId);
      if (!plan) throw new AppError('NOT_FOUND', `There is no plan "${planId}" in organisation "${orgId}". Import one first.`);
      await writeTable(file, headers, rows);
      auditCommand(ctx, OPERATOR, { kind: 'plan', id: planId }, { action: 'export' });
      print(`Wrote ${rows.length} actions of "${plan.title}" to ${file}`);
    },
  },
};
