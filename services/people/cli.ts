import path from 'node:path';
import { AppError } from '../../services/core/errors';
import { writePrivateFile } from '../../services/core/private-files';
import { eraseLeaver, exportSubject, subjectExportReports } from '../retention';
import { retentionFromConfig } from '../../services/store/retention-schedule';
import { writeReport } from '../core/tabular';
import { linkByAdministrator, unlinkedUsers, unlinkPerson } from '../../services/people/links';
import { Directory } from '../../services/people/repository';
import { NOTIFY_CHOICES, type NotifyBy } from '../../services/people/model';
import { setNotifyBy } from '../../services/people/notify';
import { applyBootstrapAdmins } from '../../services/people/roles';
import { auditImport, importAgency, importPeople, IMPORT_OPTIONS, mappingOption, PEOPLE_FIELDS, printSummary, requireKnownFields } from '../training';
import { OPERATOR } from '../../services/access/policy';
import { readTable } from '../core/tabular';
import { auditCommand, fileArg, requesterOption, orgOf, organisationOf, print, quoted, stringOption, type Command } from '../kernel/cli-command';

/** HR's and administrators' commands on the people directory. */
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
      auditCommand(ctx, OPERATOR, { kind: 'notification-settings', id: person.id }, { action: 'change', detail: `notify by ${choice}` });
      print(`${person.name} now gets messages by ${choice === 'both' ? 'Teams and email' : choice}.`);
    },
  },
  'people export-subject': {
    usage:
      'people export-subject <person id or email> --out <file.json|file.xlsx> [--as <email>] [--org <id>]   (everything stored about one person, for a subject access request: personal data)',
    options: { out: { type: 'string' }, as: { type: 'string' } },
    async run(ctx) {
      const who = ctx.args[0];
      const out = stringOption(ctx, 'out');
      if (!who || !out) throw new AppError('VALIDATION', 'Give the person (id or email) and --out <file.json|file.xlsx>.');
      const ext = path.extname(out).toLowerCase();
      if (ext !== '.json' && ext !== '.xlsx') throw new AppError('VALIDATION', '--out must name a .json or .xlsx file.');
      const requester = await requesterOption(ctx);
      const subject = await exportSubject(ctx, orgOf(ctx), who, requester);
      const file = path.resolve(out);
      if (ext === '.json') await writePrivateFile(file, JSON.stringify(subject, null, 2) + '\n');
      else await writeReport(file, subjectExportReports(subject));
      auditCommand(ctx, requester, { kind: 'subject-export', id: subject.person.id }, { action: 'export' });
      print(
        `Wrote everything stored about ${subject.person.name} (${subject.person.id}) to ${file}: ${subject.training.records.length} training records, ${subject.actionsLed.length} actions led, ${subject.escalations.length} escalations, ${subject.questionnaires.length} questionnaires, ${subject.auditOfTheirActions.length} audit entries.`,
      );
      print('Anonymous questionnaire answers cannot be tied to them, by design; the export says so.');
    },
  },
  'people erase': {
    usage:
      'people erase <person id or email> [--dry-run] [--as <email>] [--org <id>]   (a leaver past every retention period: deletes or anonymises what is no longer needed)',
    options: { 'dry-run': { type: 'boolean' }, as: { type: 'string' } },
    async run(ctx) {
      const who = ctx.args[0];
      if (!who) throw new AppError('VALIDATION', 'Give the person (id or email) to erase.');
      const requester = await requesterOption(ctx);
      const dryRun = !!ctx.options['dry-run'];
      const plan = await eraseLeaver(ctx, orgOf(ctx), who, requester, retentionFromConfig(ctx.config), dryRun);
      if (!dryRun) auditCommand(ctx, requester, { kind: 'person', id: plan.person.id }, { action: 'change', detail: 'erased (past every retention period)' });
      print(`${dryRun ? 'Dry run (nothing changed): would erase' : 'Erased'} ${plan.person.name} (${plan.person.id}):`);
      for (const s of plan.steps) print(`  ${s.what}: ${s.count} ${s.how}`);
    },
  },
  'people import': {
    usage:
      'people import <file.csv|file.xlsx> [--map field=Header,…] [--dry-run] [--agency <id>] [--as <email>] [--org <id>]   (fields: employeeId, name, email, aadObjectId, tenantId, agency, department, jobTitle, manager, active; --agency or HR named by --as: every row is that agency’s)',
    options: IMPORT_OPTIONS,
    async run(ctx) {
      const table = await readTable(fileArg(ctx, 'people'));
      const dryRun = !!ctx.options['dry-run'];
      if (!dryRun) await organisationOf(ctx);
      const { requester, agency } = await importAgency(ctx);
      const report = await importPeople(
        { store: ctx.store, clock: ctx.clock },
        { orgId: orgOf(ctx), table, mapping: requireKnownFields(mappingOption(ctx), PEOPLE_FIELDS), dryRun, ...(agency ? { agency } : {}) },
      );
      auditImport(ctx, requester, 'people-import', report, agency);
      printSummary('people', report);
      // An import can bring in the people BOOTSTRAP_ADMIN_OBJECT_IDS names: they are administrators from now on.
      if (!dryRun)
        for (const p of await applyBootstrapAdmins(ctx, orgOf(ctx), ctx.config.BOOTSTRAP_ADMIN_OBJECT_IDS))
          print(`${p.name} (${p.id}) is a partnership administrator (BOOTSTRAP_ADMIN_OBJECT_IDS).`);
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
      auditCommand(ctx, OPERATOR, { kind: 'person-link', id: person.id }, { action: 'change', detail: `linked to object id ${person.aadObjectId}` });
      print(`Linked ${person.name} (${person.id}) to object id ${person.aadObjectId} in tenant ${person.aadTenantId}.`);
    },
  },
  'people unlink': {
    usage: 'people unlink <person id> [--org <id>]   (their Teams account no longer acts as them)',
    async run(ctx) {
      const person = await unlinkPerson(ctx, { orgId: orgOf(ctx), personId: ctx.args[0] ?? '' });
      auditCommand(ctx, OPERATOR, { kind: 'person-link', id: person.id }, { action: 'change', detail: 'unlinked' });
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
};
