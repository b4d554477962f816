import { AppError } from '../core/errors';
import { readTable } from '../core/tabular';
import { auditImport, importAgency, IMPORT_OPTIONS, mappingOption, printSummary } from './import-cli';
import { setUpTraining } from './catalogue';
import { importTraining, requireKnownFields, TRAINING_FIELDS } from './import';
import { namedOverdueList, overdueReport, trainingRatesReport } from './reports';
import {
  AGENCY_OPTIONS,
  agencyOption,
  auditCommand,
  asAtOption,
  fileArg,
  requesterOption,
  orgOf,
  outputReport,
  print,
  readJson,
  stringOption,
  TABLE_OPTIONS,
  type Command,
} from '../kernel/cli-command';

/** HR's commands on training records (imported as the directory is, with its mapping and agency rules), and the reports on them. */
export const TRAINING_COMMANDS: Record<string, Command> = {
  'training import': {
    usage:
      'training import <file.csv|file.xlsx> [--map field=Header,…] [--dry-run] [--agency <id>] [--as <email>] [--org <id>]   (fields: employee, course, completedOn, status)',
    options: IMPORT_OPTIONS,
    async run(ctx) {
      const table = await readTable(fileArg(ctx, 'training'));
      const { requester, agency } = await importAgency(ctx);
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
      auditImport(ctx, requester, 'training-import', report, agency);
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
    usage:
      'training report [--at <YYYY-MM-DD>] [--by department|role|course] [--agency <id>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    options: { at: { type: 'string' }, by: { type: 'string' }, ...AGENCY_OPTIONS, ...TABLE_OPTIONS },
    async run(ctx) {
      const by = stringOption(ctx, 'by') ?? 'department';
      if (by !== 'department' && by !== 'role' && by !== 'course') throw new AppError('VALIDATION', '--by must be department, role or course.');
      const asAt = asAtOption(ctx);
      const requester = await requesterOption(ctx);
      await outputReport(
        ctx,
        (await trainingRatesReport(ctx, orgOf(ctx), asAt, by, requester, await agencyOption(ctx, requester))).report,
        `training-by-${by}-${asAt}`,
      );
    },
  },
  'training overdue': {
    usage:
      'training overdue [--at <YYYY-MM-DD>] [--agency <id>] [--as <email>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (named list: handle as personal data)',
    options: { at: { type: 'string' }, ...AGENCY_OPTIONS, ...TABLE_OPTIONS },
    async run(ctx) {
      const asAt = asAtOption(ctx);
      const requester = await requesterOption(ctx);
      const agency = await agencyOption(ctx, requester);
      await outputReport(ctx, overdueReport(await namedOverdueList(ctx, orgOf(ctx), asAt, requester, agency), asAt), `training-overdue-${asAt}`);
      auditCommand(ctx, requester, { kind: 'training-overdue-list', id: asAt }, agency ? { agency } : {});
    },
  },
};
