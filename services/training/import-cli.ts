import path from 'node:path';
import { AppError } from '../core/errors';
import { allows, mayImportDirectory, type Requester } from '../access/policy';
import { AGENCY_OPTIONS, agencyOption, auditCommand, print, requesterOption, stringOption, type CliContext, type OptionSpec } from '../kernel/cli-command';
import type { ImportSummary } from './import';

/* What the people directory's import and the training records' import share at the command line. */

export const IMPORT_OPTIONS: OptionSpec = { map: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...AGENCY_OPTIONS };

/** The agency an import writes into: HR named by --as imports only into their own agency. */
export async function importAgency(ctx: CliContext): Promise<{ requester: Requester; agency: string | undefined }> {
  const requester = await requesterOption(ctx);
  if (!allows(requester, mayImportDirectory)) throw new AppError('FORBIDDEN', 'Only HR and administrators import the people directory and training records.');
  return { requester, agency: await agencyOption(ctx, requester) };
}

/** An import that wrote something changes people's records (and may link their accounts): recorded with its file's name. */
export function auditImport(ctx: CliContext, requester: Requester, kind: string, summary: ImportSummary, agency: string | undefined): void {
  if (summary.dryRun || summary.created + summary.updated === 0) return;
  auditCommand(
    ctx,
    requester,
    { kind, id: path.basename(ctx.args[0] ?? '') },
    { action: 'change', ...(agency ? { agency } : {}), detail: `created ${summary.created}, updated ${summary.updated}` },
  );
}

/** `--map employeeId="Staff ID",name=Name`: our field names to the file's headers. */
export function mappingOption(ctx: CliContext): Record<string, string> {
  const text = stringOption(ctx, 'map');
  if (!text) return {};
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [field, header] = pair.split('=');
      if (!field?.trim() || !header?.trim()) throw new AppError('VALIDATION', `--map "${pair}" must look like field=Header.`);
      return [field.trim(), header.trim().replace(/^"|"$/g, '')];
    }),
  );
}

export function printSummary(what: string, r: ImportSummary): void {
  print(
    `${r.dryRun ? 'Dry run (nothing written): ' : ''}${r.dataRows} rows of ${what}: created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, not imported ${r.problems.length}`,
  );
  for (const p of r.problems) print(`  row ${p.rowNumber}: ${p.reason}`);
  if (r.warnings.length) print('Imported, with warnings:');
  for (const w of r.warnings) print(`  row ${w.rowNumber}: ${w.reason}`);
}
