import { AppError } from '../../services/core/errors';
import { linkByAdministrator, unlinkedUsers, unlinkPerson } from '../../services/people/links';
import { Directory } from '../../services/people/repository';
import { NOTIFY_CHOICES, type NotifyBy } from '../../services/people/model';
import { setNotifyBy } from '../../services/people/notify';
import { setUpTraining } from '../../services/training/catalogue';
import { importPeople, importTraining, PEOPLE_FIELDS, requireKnownFields, TRAINING_FIELDS, type ImportSummary } from '../../services/training/import';
import { namedOverdueList, overdueReport, trainingRatesReport } from '../../services/training/reports';
import { allows, mayImportDirectory } from '../../services/access/policy';
import { readTable } from '../../services/plan/tabular';
import { AGENCY_OPTIONS, agencyOption, asAtOption, fileArg, requesterOption, orgOf, organisationOf, outputReport, print, quoted, readJson, stringOption, TABLE_OPTIONS, type CliContext, type Command, type OptionSpec } from './command';

const IMPORT_OPTIONS: OptionSpec = { map: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...AGENCY_OPTIONS };

/** The agency an import writes into: HR named by --as imports only into their own agency. */
async function importAgency(ctx: CliContext): Promise<string | undefined> {
  const requester = await requesterOption(ctx);
  if (!allows(requester, mayImportDirectory)) throw new AppError('FORBIDDEN', 'Only HR and administrators import the people directory and training records.');
  return agencyOption(ctx, requester);
}

/** `--map employeeId="Staff ID",name=Name`: our field names to the file's headers. */
function mappingOption(ctx: CliContext): Record<string, string> {
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

function printSummary(what: string, r: ImportSummary): void {
  print(`${r.dryRun ? 'Dry run (nothing written): ' : ''}${r.dataRows} rows of ${what}: created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, not imported ${r.problems.length}`);
  for (const p of r.problems) print(`  row ${p.rowNumber}: ${p.reason}`);
  if (r.warnings.length) print('Imported, with warnings:');
  for (const w of r.warnings) print(`  row ${w.rowNumber}: ${w.reason}`);
}

/** HR's commands: the people directory and training records, and the reports on them. */
export const PEOPLE_COMMANDS: Record<string, Command> = {
  'people notify': {
    usage: 'people notify <person id or email> teams|email|both [--org <id>]   (how a person gets messages)',
    async run(ctx) {
      const [who, choice] = ctx.args;
      if (!who || !NOTIFY_CHOICES.includes(choice as NotifyBy)) throw new AppError('VALIDATION', 'Give a person (id or email) and teams, email or both.');
      const directory = new Directory(ctx.store);
      const orgId = orgOf(ctx);
      const person = (await directory.get(orgId, who)) ?? (await directory.byEmail({ orgId }, who));
      if (!person) throw new AppError('NOT_FOUND', `No one with the id or email "${who}" is in the directory.`);
      await setNotifyBy(directory, person, choice as NotifyBy, { emailEnabled: !!ctx.config.MAIL_SENDER });
      print(`${person.name} now gets messages by ${choice === 'both' ? 'Teams and email' : choice}.`);
    },
  },
  'people import': {
    usage: 'people import <file.csv|file.xlsx> [--map field=Header,…] [--dry-run] [--agency <id>] [--as <email>] [--org <id>]   (fields: employeeId, name, email, aadObjectId, tenantId, agency, department, jobTitle, manager, active; --agency or HR named by --as: every row is that agency’s)',
    options: IMPORT_OPTIONS,
    async run(ctx) {
      const table = await readTable(fileArg(ctx, 'people'));
      const dryRun = !!ctx.options['dry-run'];
      if (!dryRun) await organisationOf(ctx);
      const agency = await importAgency(ctx);
      const report = await importPeople({ store: ctx.store, clock: ctx.clock }, { orgId: orgOf(ctx), table, mapping: requireKnownFields(mappingOption(ctx), PEOPLE_FIELDS), dryRun, ...(agency ? { agency } : {}) });
      printSummary('people', report);
    },
  },
  'people link': {
    usage: 'people link <person id> --object-id <Entra object id> [--tenant <tenant id>] [--org <id>]   (their Teams account acts as them)',
    options: { 'object-id': { type: 'string' }, tenant: { type: 'string' } },
    async run(ctx) {
      const person = await linkByAdministrator(ctx, {
        orgId: orgOf(ctx),
        personId: ctx.args[0] ?? '',
        aadObjectId: stringOption(ctx, 'object-id') ?? '',
        tenantId: stringOption(ctx, 'tenant'),
        homeTenantId: ctx.config.HOME_TENANT_ID,
      });
      print(`Linked ${person.name} (${person.id}) to object id ${person.aadObjectId} in tenant ${person.aadTenantId}.`);
    },
  },
  'people unlink': {
    usage: 'people unlink <person id> [--org <id>]   (their Teams account no longer acts as them)',
    async run(ctx) {
      const person = await unlinkPerson(ctx, { orgId: orgOf(ctx), personId: ctx.args[0] ?? '' });
      print(`Unlinked ${person.name} (${person.id}): no Microsoft 365 account acts as them now.`);
    },
  },
  'people unlinked': {
    usage: 'people unlinked [--org <id>]   (Teams users who opened the app but are linked to no one, most recent first)',
    async run(ctx) {
      const users = await unlinkedUsers(ctx.store, orgOf(ctx));
      if (users.length === 0) print('Everyone who has opened the app is linked.');
      // The Teams display name is the user's own choice: a hint for the administrator, never proof.
      for (const u of users) print(`${u.aadObjectId}  tenant ${u.tenantId}  ${quoted(u.name)}  last tried ${u.lastTriedAt}  (${u.reason})`);
    },
  },
  'training import': {
    usage: 'training import <file.csv|file.xlsx> [--map field=Header,…] [--dry-run] [--agency <id>] [--as <email>] [--org <id>]   (fields: employee, course, completedOn, status)',
    options: IMPORT_OPTIONS,
    async run(ctx) {
      const table = await readTable(fileArg(ctx, 'training'));
      const agency = await importAgency(ctx);
      const report = await importTraining(
        { store: ctx.store, clock: ctx.clock },
        {
          orgId: orgOf(ctx),
          table,
          mapping: requireKnownFields(mappingOption(ctx), TRAINING_FIELDS),
          dryRun: !!ctx.options['dry-run'],
          ...(agency ? { agency } : {}),
          onProgress: (done, total) => process.stderr.write(`Writing ${done}/${total}\n`),
        },
      );
      printSummary('training records', report);
    },
  },
  'training setup': {
    usage: 'training setup <setup.json> [--org <id>]   ({ "courses": [...], "requirements": [{ "course", "jobTitles", "departments" }] })',
    async run(ctx) {
      const input = await readJson(fileArg(ctx, 'set-up'));
      const result = await setUpTraining(ctx.store, orgOf(ctx), input);
      print(`Training set up: ${result.courses} courses, ${result.requirements} role requirements.`);
    },
  },
  'training report': {
    usage: 'training report [--at <YYYY-MM-DD>] [--by department|role|course] [--agency <id>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    options: { at: { type: 'string' }, by: { type: 'string' }, ...AGENCY_OPTIONS, ...TABLE_OPTIONS },
    async run(ctx) {
      const by = stringOption(ctx, 'by') ?? 'department';
      if (by !== 'department' && by !== 'role' && by !== 'course') throw new AppError('VALIDATION', '--by must be department, role or course.');
      const asAt = asAtOption(ctx);
      const requester = await requesterOption(ctx);
      await outputReport(ctx, (await trainingRatesReport(ctx.store, orgOf(ctx), asAt, by, requester, await agencyOption(ctx, requester))).report, `training-by-${by}-${asAt}`);
    },
  },
  'training overdue': {
    usage: 'training overdue [--at <YYYY-MM-DD>] [--agency <id>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (named list: handle as personal data)',
    options: { at: { type: 'string' }, ...AGENCY_OPTIONS, ...TABLE_OPTIONS },
    async run(ctx) {
      const asAt = asAtOption(ctx);
      const requester = await requesterOption(ctx);
      await outputReport(ctx, overdueReport(await namedOverdueList(ctx.store, orgOf(ctx), asAt, requester, await agencyOption(ctx, requester)), asAt), `training-overdue-${asAt}`);
    },
  },
};
