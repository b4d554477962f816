import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TeamsMessenger } from './teams-messenger';
import { FixedClock, systemClock, type Clock } from '../services/core/clock';
import { loadConfig, type Config } from '../services/core/config';
import { AppError, isAppError } from '../services/core/errors';
import { createLogger } from '../services/core/logger';
import { deliveryStatus } from '../services/delivery/outbox';
import { escalationReport, reportRows } from '../services/escalations/report';
import { DeliverySender } from '../services/delivery/sender';
import { Directory, matchByName } from '../services/people/directory';
import { linkByAdministrator, unlinkedUsers, unlinkPerson } from '../services/people/links';
import { ensureOrganisation } from '../services/people/organisations';
import { updateOrganisationSettings } from '../services/people/settings';
import { setUpTraining } from '../services/training/catalogue';
import { importPeople, importTraining, PEOPLE_FIELDS, requireKnownFields, TRAINING_FIELDS, type ImportSummary } from '../services/training/import';
import { namedOverdueList, trainingRates } from '../services/training/reports';
import { today } from '../services/core/dates';
import type { Organisation } from '../services/plan/model';
import { startRound } from '../services/rounds/rounds';
import { createCampaign, describeAudience, followUpRules, listCampaigns, removeFollowUp, setFollowUp } from '../services/surveys/campaigns';
import { addQuestionnaire, questionnaires, readQuestionnaireFile } from '../services/surveys/questionnaires';
import { campaignResults, RESULT_HEADERS, resultRows } from '../services/surveys/results';
import type { Audience } from '../services/surveys/model';
import { WorkingCalendar } from '../services/scheduling/calendar';
import { isJobName, JOBS, runJob } from '../services/scheduling/jobs';
import { planTableRows } from '../services/plan/export-plan';
import { importPlan, type ImportReport } from '../services/plan/import-plan';
import { readTable, writeTable } from '../services/plan/tabular';
import { CONTAINER_NAMES } from '../services/store/containers';
import { openStore } from '../services/store/open-store';
import { readSnapshot, restoreSnapshot, takeSnapshot, writeSnapshotFile, type Snapshot } from '../services/store/snapshot';
import type { Store } from '../services/store/ports';

type Context = { config: Config; store: Store; clock: Clock; args: string[]; options: Record<string, string | boolean | undefined> };
type Command = { usage: string; run: (ctx: Context) => Promise<void> };

const DEFAULT_PLAN_ID = 'action-plan';

const print = (line = '') => process.stdout.write(line + '\n');
/** Warnings and errors only, on stderr: the command's own report is its output. */
const cliLogger = (config: Config) => createLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn', { toStderr: true });

function orgOf(ctx: Context): string {
  const org = (ctx.options.org as string | undefined) ?? ctx.config.DEFAULT_ORG_ID;
  if (!/^[a-z0-9-]{1,64}$/.test(org)) throw new AppError('VALIDATION', `--org "${org}" must be lower-case letters, digits and - only.`);
  return org;
}

async function actorOption(ctx: Context) {
  const as = (ctx.options.as as string | undefined) ?? '';
  const actor = await new Directory(ctx.store).byEmail(orgOf(ctx), as);
  if (!actor) throw new AppError('VALIDATION', `--as "${as}" is not the email of anyone in the directory.`);
  return actor;
}

/** `everyone`, `department=Children's Services`, `role=Social Worker` or `course=SG-GEN:2026-01-01..2026-03-31`. */
function audienceOption(ctx: Context): Audience {
  const text = ((ctx.options.audience as string | undefined) ?? '').trim();
  if (text === 'everyone') return { type: 'everyone' };
  const [kind, ...rest] = text.split('=');
  const value = rest.join('=').trim();
  if (kind === 'department' && value) return { type: 'department', department: value };
  if (kind === 'role' && value) return { type: 'role', jobTitle: value };
  const course = kind === 'course' ? value.match(/^([A-Za-z0-9-]+):(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/) : null;
  if (course) return { type: 'course', courseCode: course[1]!, completedFrom: course[2]!, completedTo: course[3]! };
  throw new AppError('VALIDATION', '--audience must be everyone, department=<name>, role=<job title> or course=<CODE>:<from>..<to>.');
}

function fileArg(ctx: Context, what: string): string {
  const file = ctx.args[0];
  if (!file) throw new AppError('VALIDATION', `Give the ${what} file, e.g. plan.csv or plan.xlsx.`);
  return path.resolve(file);
}

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

const COMMANDS: Record<string, Command> = {
  'org show': {
    usage: 'org show [--org <id>]   (the organisation’s settings, as JSON)',
    async run(ctx) {
      const org = await ensureOrganisation(ctx.store, ctx.clock, orgOf(ctx), { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const { _etag, _rid, _self, _ts, _attachments, ...settings } = org as Organisation & Record<string, unknown>;
      print(JSON.stringify(settings, null, 2));
    },
  },
  'org set': {
    usage: 'org set <settings.json> [--org <id>]   (name, timeZone, reminderPolicy, escalationRules, escalationLadder)',
    async run(ctx) {
      const file = fileArg(ctx, 'settings');
      const input = await readJson(file);
      const org = await updateOrganisationSettings(ctx.store, ctx.clock, orgOf(ctx), input, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      print(`Updated the settings of "${org.orgId}".`);
    },
  },
  'people import': {
    usage: 'people import <file.csv|file.xlsx> [--map field=Header,…] [--dry-run] [--org <id>]   (fields: employeeId, name, email, aadObjectId, tenantId, agency, department, jobTitle, manager, active)',
    async run(ctx) {
      const table = await readTable(fileArg(ctx, 'people'));
      const orgId = orgOf(ctx);
      if (!ctx.options['dry-run']) await ensureOrganisation(ctx.store, ctx.clock, orgId, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const report = await importPeople({ store: ctx.store, clock: ctx.clock }, { orgId, table, mapping: requireKnownFields(mappingOption(ctx), PEOPLE_FIELDS), dryRun: !!ctx.options['dry-run'] });
      printSummary('people', report);
    },
  },
  'people link': {
    usage: 'people link <person id> --object-id <Entra object id> [--tenant <tenant id>] [--org <id>]   (their Teams account acts as them)',
    async run(ctx) {
      const personId = ctx.args[0] ?? '';
      const person = await linkByAdministrator(ctx, {
        orgId: orgOf(ctx),
        personId,
        aadObjectId: (ctx.options['object-id'] as string | undefined) ?? '',
        tenantId: ctx.options.tenant as string | undefined,
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
      for (const u of users) print(`${u.aadObjectId}  tenant ${u.tenantId}  "${u.name}"  last tried ${u.lastTriedAt}  (${u.reason})`);
    },
  },
  'training import': {
    usage: 'training import <file.csv|file.xlsx> [--map field=Header,…] [--dry-run] [--org <id>]   (fields: employee, course, completedOn, status)',
    async run(ctx) {
      const table = await readTable(fileArg(ctx, 'training'));
      const report = await importTraining(
        { store: ctx.store, clock: ctx.clock },
        { orgId: orgOf(ctx), table, mapping: requireKnownFields(mappingOption(ctx), TRAINING_FIELDS), dryRun: !!ctx.options['dry-run'], onProgress: progress('Writing') },
      );
      printSummary('training records', report);
    },
  },
  'training setup': {
    usage: 'training setup <setup.json> [--org <id>]   ({ "courses": [...], "requirements": [{ "course", "jobTitles", "departments" }] })',
    async run(ctx) {
      const file = fileArg(ctx, 'set-up');
      const input = await readJson(file);
      const result = await setUpTraining(ctx.store, orgOf(ctx), input);
      print(`Training set up: ${result.courses} courses, ${result.requirements} role requirements.`);
    },
  },
  'training report': {
    usage: 'training report [--at <YYYY-MM-DD>] [--by department|role|course] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    async run(ctx) {
      const by = (ctx.options.by as string | undefined) ?? 'department';
      if (by !== 'department' && by !== 'role' && by !== 'course') throw new AppError('VALIDATION', '--by must be department, role or course.');
      const asAt = dateOption(ctx, 'at') ?? today(ctx.clock, ctx.config.DEFAULT_TIME_ZONE);
      const rows = await trainingRates(ctx.store, orgOf(ctx), asAt, by);
      const table = rows.map((r) => [r.group, String(r.required), String(r.withinValidity), `${r.pctWithinValidity}%`, String(r.within12Months), `${r.pctWithin12Months}%`]);
      const headers = [by[0]!.toUpperCase() + by.slice(1), 'Required', 'Within validity', '% within validity', 'Within 12 months', '% within 12 months'];
      await output(ctx, `Training completion as at ${asAt}`, headers, table, `training-by-${by}-${asAt}`);
    },
  },
  'training overdue': {
    usage: 'training overdue [--at <YYYY-MM-DD>] [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]   (named list: handle as personal data)',
    async run(ctx) {
      const asAt = dateOption(ctx, 'at') ?? today(ctx.clock, ctx.config.DEFAULT_TIME_ZONE);
      const rows = await namedOverdueList(ctx.store, orgOf(ctx), asAt);
      const headers = ['Name', 'Department', 'Job title', 'Course', 'Last completed', 'Expired on', 'Booked'];
      await output(ctx, `Overdue training as at ${asAt}`, headers, rows.map((r) => [r.name, r.department, r.jobTitle, r.course, r.lastCompleted, r.expiredOn, r.booked ? 'yes' : '']), `training-overdue-${asAt}`);
    },
  },
  backup: {
    usage: 'backup <dir>   (every document of every container, to <dir>/backup-<time>.json)',
    async run(ctx) {
      const dir = fileArg(ctx, 'backup folder');
      await mkdir(dir, { recursive: true });
      const snapshot = await takeSnapshot(ctx.store, ctx.config.COSMOS_DATABASE);
      const file = path.join(dir, `backup-${snapshot.takenAt.replace(/[:.]/g, '-')}.json`);
      await writeSnapshotFile(file, snapshot);
      const counts = Object.entries(snapshot.containers).map(([name, docs]) => `${name} ${docs.length}`);
      print(`Backed up to ${file}: ${counts.join(', ')}`);
    },
  },
  restore: {
    usage: 'restore <backup.json|dir> [--replace]   (--replace first deletes documents the backup does not have)',
    async run(ctx) {
      const target = fileArg(ctx, 'backup');
      const file = (await stat(target)).isDirectory() ? await latestBackup(target) : target;
      const snapshot = await readSnapshot(file);
      if (!snapshot) throw new AppError('NOT_FOUND', `${file} does not exist.`);
      const removed = ctx.options.replace ? await removeAbsent(ctx.store, snapshot) : 0;
      await restoreSnapshot(ctx.store, snapshot);
      const counts = Object.entries(snapshot.containers).map(([name, docs]) => `${name} ${docs.length}`);
      print(`Restored ${file} (taken ${snapshot.takenAt}): ${counts.join(', ')}${ctx.options.replace ? `; removed ${removed} documents not in the backup` : ''}`);
    },
  },
  'jobs list': {
    usage: 'jobs list',
    async run() {
      for (const [name, job] of Object.entries(JOBS)) print(`${name.padEnd(16)} ${job.cron.padEnd(12)} ${job.description}`);
    },
  },
  'jobs run': {
    usage: 'jobs run <job> [--at <ISO instant>] [--org <id>] [--no-deliver]',
    async run(ctx) {
      const name = ctx.args[0] ?? '';
      if (!isJobName(name)) throw new AppError('VALIDATION', `Unknown job "${name}". Jobs: ${Object.keys(JOBS).join(', ')}.`);
      const clock = new FixedClock(instantOption(ctx));
      const orgId = orgOf(ctx);
      const organisation = await ensureOrganisation(ctx.store, clock, orgId, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const result = await runJob(name, { store: ctx.store, clock, orgId, organisation, calendar: new WorkingCalendar(), logger: cliLogger(ctx.config) });
      print(JSON.stringify(result));
      if (!ctx.options['no-deliver']) await deliver(ctx);
    },
  },
  'rounds start': {
    usage: 'rounds start --by <YYYY-MM-DD> --as <administrator email> [--org <id>]',
    async run(ctx) {
      const orgId = orgOf(ctx);
      const actor = await actorOption(ctx);
      const organisation = await ensureOrganisation(ctx.store, ctx.clock, orgId, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const round = await startRound({ store: ctx.store, clock: ctx.clock }, { actor, dueBy: (ctx.options.by as string | undefined) ?? '', timeZone: organisation.timeZone, calendar: new WorkingCalendar() });
      print(`Started round ${round.id}: ${round.leads.length} leads asked to update by ${round.dueBy}.`);
      await deliver(ctx);
    },
  },
  'survey list': {
    usage: 'survey list [--org <id>]   (questionnaires that can be sent, campaigns, automatic follow-ups)',
    async run(ctx) {
      const orgId = orgOf(ctx);
      print('Questionnaires:');
      for (const q of await questionnaires(ctx.store, orgId)) print(`  ${q.key} v${q.version}${q.builtIn ? ' (built in)' : ''}: ${q.title}, ${q.questions.length} questions`);
      print('Campaigns:');
      for (const c of await listCampaigns(ctx.store, orgId)) print(`  ${c.id} ${c.status}: "${c.title}" to ${describeAudience(c.audience)}; ${c.invited} asked; closes ${c.closesOn}${c.anonymous ? '; anonymous' : ''}`);
      print('Automatic follow-ups:');
      for (const r of await followUpRules(ctx.store, orgId)) print(`  ${r.courseCode}: ${r.questionnaire.key} ${r.afterDays} days after completion, open ${r.openDays} working days${r.anonymous ? ', anonymous' : ''}`);
    },
  },
  'survey add': {
    usage: 'survey add <questionnaire.json|questionnaire.yaml> [--org <id>]   (a new questionnaire, or a new version of one)',
    async run(ctx) {
      const file = fileArg(ctx, 'questionnaire');
      const q = await addQuestionnaire(ctx.store, ctx.clock, orgOf(ctx), readQuestionnaireFile(await readFile(file, 'utf8'), path.basename(file)));
      print(`Added questionnaire ${q.key} version ${q.version}: ${q.questions.length} questions.`);
    },
  },
  'survey send': {
    usage:
      'survey send <questionnaire> --as <email> --audience everyone|department=<name>|role=<job title>|course=<CODE>:<from>..<to> --closes <YYYY-MM-DD> [--at <ISO instant>] [--anonymous] [--chasers <0-5>] [--title <text>] [--no-deliver] [--org <id>]',
    async run(ctx) {
      const actor = await actorOption(ctx);
      const organisation = await ensureOrganisation(ctx.store, ctx.clock, actor.orgId, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const chasers = ctx.options.chasers === undefined ? undefined : Number(ctx.options.chasers);
      const campaign = await createCampaign(
        { store: ctx.store, clock: ctx.clock, calendar: new WorkingCalendar() },
        {
          actor,
          timeZone: organisation.timeZone,
          data: {
            questionnaire: ctx.args[0] ?? '',
            audience: audienceOption(ctx),
            closesOn: (ctx.options.closes as string | undefined) ?? '',
            anonymous: !!ctx.options.anonymous,
            ...(ctx.options.at ? { sendAt: ctx.options.at } : {}),
            ...(chasers === undefined ? {} : { maxChasers: chasers }),
            ...(ctx.options.title ? { title: ctx.options.title } : {}),
          },
        },
      );
      print(campaign.status === 'open' ? `Sent ${campaign.id} to ${campaign.invited} people.` : `Scheduled ${campaign.id} for ${campaign.sendAt}.`);
      if (campaign.status === 'open' && !ctx.options['no-deliver']) await deliver(ctx);
    },
  },
  'survey results': {
    usage: 'survey results <campaign> [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    async run(ctx) {
      const id = ctx.args[0] ?? '';
      // The command line is an administrator's tool: it reads as the organisation's system, not a person.
      const results = await campaignResults(ctx.store, { id: 'cli', orgId: orgOf(ctx), name: 'Command line', roles: ['admin'], active: true }, id);
      await output(ctx, `Results of "${results.campaign.title}"`, RESULT_HEADERS, resultRows(results), `survey-results-${id}`);
    },
  },
  'survey follow-up': {
    usage: 'survey follow-up <COURSE> [--after <days, default 90>] [--questionnaire <key>] [--named] [--chasers <0-5>] [--off] [--org <id>]',
    async run(ctx) {
      const course = ctx.args[0] ?? '';
      if (ctx.options.off) {
        print((await removeFollowUp(ctx.store, orgOf(ctx), course)) ? `Automatic follow-up for ${course} turned off.` : `${course} had no automatic follow-up.`);
        return;
      }
      const rule = await setFollowUp(ctx.store, orgOf(ctx), {
        courseCode: course,
        ...(ctx.options.after === undefined ? {} : { afterDays: Number(ctx.options.after) }),
        ...(ctx.options.questionnaire ? { questionnaire: ctx.options.questionnaire } : {}),
        ...(ctx.options.chasers === undefined ? {} : { maxChasers: Number(ctx.options.chasers) }),
        anonymous: !ctx.options.named,
      });
      print(`${rule.courseCode} completions get "${rule.questionnaire.key}" ${rule.afterDays} days later (on the next working day), open ${rule.openDays} working days${rule.anonymous ? ', anonymous' : ''}.`);
    },
  },
  'escalations report': {
    usage: 'escalations report --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--format csv|xlsx | --out <file.csv|file.xlsx>] [--org <id>]',
    async run(ctx) {
      const from = (ctx.options.from as string | undefined) ?? '';
      const to = (ctx.options.to as string | undefined) ?? '';
      for (const [name, value] of [['--from', from], ['--to', to]]) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value!)) throw new AppError('VALIDATION', `${name} must be a date such as 2026-07-01.`);
      }
      if (from > to) throw new AppError('VALIDATION', '--from must not be after --to.');
      const orgId = orgOf(ctx);
      const organisation = await ensureOrganisation(ctx.store, ctx.clock, orgId, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const rows = reportRows(await escalationReport(ctx.store, organisation, from, to));
      await output(ctx, `Central record review, ${from} to ${to}`, ['Section', 'Measure', 'Value'], rows, `central-record-${from}-to-${to}`);
    },
  },
  'delivery status': {
    usage: 'delivery status [--org <id>]',
    async run(ctx) {
      const { counts, items } = await deliveryStatus(ctx.store, orgOf(ctx));
      print(Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));
      for (const i of items.filter((x) => x.status === 'failed' || x.status === 'unreachable')) {
        print(`  ${i.status.padEnd(11)} ${i.id} (${i.lastError?.status ?? ''} ${i.lastError?.message ?? ''})`);
      }
    },
  },
  'delivery send': {
    usage: 'delivery send [--org <id>]   (sends what is due in the outbox now)',
    run: deliver,
  },
  'plan import': {
    usage: 'plan import <file.csv|file.xlsx> [--org <id>] [--plan <id>] [--title <text>] [--owner <name or email>] [--period <YYYY-MM-DD..YYYY-MM-DD>] [--last-reviewed <date>] [--next-review <date>] [--dry-run]',
    async run(ctx) {
      const file = fileArg(ctx, 'plan');
      const orgId = orgOf(ctx);
      const table = await readTable(file);
      if (!ctx.options['dry-run']) await ensureOrganisation(ctx.store, ctx.clock, orgId, { timeZone: ctx.config.DEFAULT_TIME_ZONE });
      const interactive = process.stderr.isTTY;
      const report = await importPlan(
        { store: ctx.store, clock: ctx.clock },
        {
          orgId,
          planId: (ctx.options.plan as string | undefined) ?? DEFAULT_PLAN_ID,
          title: (ctx.options.title as string | undefined) ?? path.basename(file).replace(/\.(csv|xlsx)$/i, ''),
          fileName: path.basename(file),
          table,
          dryRun: !!ctx.options['dry-run'],
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
    async run(ctx) {
      const file = fileArg(ctx, 'export');
      const planId = (ctx.options.plan as string | undefined) ?? DEFAULT_PLAN_ID;
      const { headers, rows, plan } = await planTableRows(ctx.store, orgOf(ctx), planId);
      if (!plan) throw new AppError('NOT_FOUND', `There is no plan "${planId}" in organisation "${orgOf(ctx)}". Import one first.`);
      await writeTable(file, headers, rows);
      print(`Wrote ${rows.length} actions of "${plan.title}" to ${file}`);
    },
  },
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateOption(ctx: Context, name: string): string | undefined {
  const value = ctx.options[name] as string | undefined;
  if (value !== undefined && (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))) throw new AppError('VALIDATION', `--${name} "${value}" must be a date such as 2026-04-01.`);
  return value;
}

/** Owner, period and review dates given on the command line; the owner is linked to the directory when found. */
async function planDetails(ctx: Context, orgId: string): Promise<NonNullable<Parameters<typeof importPlan>[1]['details']>> {
  const details: NonNullable<Parameters<typeof importPlan>[1]['details']> = {};
  const owner = (ctx.options.owner as string | undefined)?.trim();
  if (owner) {
    const directory = new Directory(ctx.store);
    const found = owner.includes('@') ? await directory.byEmail(orgId, owner) : undefined;
    const byName = found ? undefined : matchByName(await directory.all(orgId), owner);
    const person = found ?? (byName?.kind === 'found' ? byName.person : undefined);
    details.owner = person ? { personId: person.id, name: person.name } : { name: owner };
  }
  const period = ctx.options.period as string | undefined;
  if (period) {
    const [start, end] = period.split('..');
    if (!start || !end || !ISO_DATE.test(start) || !ISO_DATE.test(end) || start > end) throw new AppError('VALIDATION', `--period "${period}" must look like 2026-04-01..2027-03-31.`);
    details.period = { start, end };
  }
  const lastReviewed = dateOption(ctx, 'last-reviewed');
  const nextReview = dateOption(ctx, 'next-review');
  if (lastReviewed || nextReview) details.reviewDates = { ...(lastReviewed ? { lastReviewed } : {}), ...(nextReview ? { nextReview } : {}) };
  return details;
}

/** `--map employeeId="Staff ID",name=Name`: our field names to the file's headers. */
function mappingOption(ctx: Context): Record<string, string> {
  const text = ctx.options.map as string | undefined;
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

function progress(verb: string) {
  return (done: number, total: number) => process.stderr.write(`${verb} ${done}/${total}\n`);
}

/** A table to a file when --out is given (CSV or XLSX by extension), else aligned on the terminal. */
async function output(ctx: Context, title: string, headers: string[], rows: string[][], defaultName: string): Promise<void> {
  const format = ctx.options.format as string | undefined;
  if (format !== undefined && format !== 'csv' && format !== 'xlsx') throw new AppError('VALIDATION', '--format must be csv or xlsx.');
  const out = (ctx.options.out as string | undefined) ?? (format ? `${defaultName}.${format}` : undefined);
  if (out) {
    await writeTable(path.resolve(out), headers, rows);
    print(`${title}: wrote ${rows.length} rows to ${path.resolve(out)}`);
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  print(title);
  for (const row of [headers, ...rows]) print(row.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  '));
}

function instantOption(ctx: Context): Date {
  const at = ctx.options.at as string | undefined;
  if (!at) return ctx.clock.now();
  const parsed = new Date(at);
  if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(at)) throw new AppError('VALIDATION', `--at "${at}" must be an ISO instant such as 2026-12-01T09:00:00Z.`);
  return parsed;
}

async function deliver(ctx: Context): Promise<void> {
  const sender = new DeliverySender(
    { store: ctx.store, messenger: new TeamsMessenger(ctx.config), logger: cliLogger(ctx.config) },
    { perSecond: ctx.config.DELIVERY_MAX_PER_SECOND, conversationIntervalMs: ctx.config.DELIVERY_CONVERSATION_INTERVAL_MS, maxConcurrent: 32, leaseMs: ctx.config.DELIVERY_LEASE_SECONDS * 1000 },
  );
  const report = await sender.drain(orgOf(ctx), { waitMs: 60_000 });
  print(`Delivered: sent ${report.sent}, updated ${report.updated}, retried ${report.retried}, failed ${report.failed}, unreachable ${report.unreachable}`);
}

async function latestBackup(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => /^backup-.*\.json$/.test(f)).sort();
  if (files.length === 0) throw new AppError('NOT_FOUND', `There is no backup-*.json in ${dir}.`);
  return path.join(dir, files[files.length - 1]!);
}

/** For a restore that must match the backup exactly: delete what the backup does not hold. */
async function removeAbsent(store: Store, snapshot: Snapshot): Promise<number> {
  let removed = 0;
  for (const name of CONTAINER_NAMES) {
    const keep = new Set((snapshot.containers[name] ?? []).map((d) => `${d.orgId}/${d.id}`));
    const collection = store.collection(name);
    const extra: { orgId: string; id: string }[] = [];
    for await (const doc of collection.readAll()) if (!keep.has(`${doc.orgId}/${doc.id}`)) extra.push(doc);
    for (const doc of extra) await collection.delete(doc.orgId, doc.id);
    removed += extra.length;
  }
  return removed;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new AppError('VALIDATION', `${path.basename(file)} is not readable JSON: ${(e as Error).message}`);
  }
}

function usage(): string {
  return ['Usage: npm run cli -- <command>', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      org: { type: 'string' },
      plan: { type: 'string' },
      title: { type: 'string' },
      'dry-run': { type: 'boolean' },
      at: { type: 'string' },
      by: { type: 'string' },
      as: { type: 'string' },
      'no-deliver': { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      owner: { type: 'string' },
      map: { type: 'string' },
      format: { type: 'string' },
      replace: { type: 'boolean' },
      period: { type: 'string' },
      'last-reviewed': { type: 'string' },
      'next-review': { type: 'string' },
      audience: { type: 'string' },
      closes: { type: 'string' },
      anonymous: { type: 'boolean' },
      named: { type: 'boolean' },
      chasers: { type: 'string' },
      after: { type: 'string' },
      questionnaire: { type: 'string' },
      'object-id': { type: 'string' },
      tenant: { type: 'string' },
      off: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  // Commands are one word (`backup`) or two (`plan import`).
  const words = Object.hasOwn(COMMANDS, positionals.slice(0, 2).join(' ')) ? 2 : 1;
  const name = positionals.slice(0, words).join(' ');
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command || values.help) {
    process.stderr.write(usage() + '\n');
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  const store = await openStore(config, cliLogger(config));
  try {
    await command.run({ config, store, clock: systemClock, args: positionals.slice(words), options: values });
    return 0;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const message = isAppError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
      process.stderr.write(`Error: ${message}\n`);
      process.exit(1);
    },
  );
}
