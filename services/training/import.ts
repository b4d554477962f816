import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../core/clock';
import { AppError, isAppError } from '../core/errors';
import { Directory } from '../people/repository';
import { agencyOf, type Partnership } from '../access/policy';
import { listAgencies } from '../organisation/agencies';
import { partnershipFor } from '../organisation/organisations';
import { isEntraId, type Person } from '../people/model';
import { signInTenantsOf } from '../people/sign-in';
import { Conversations } from '../conversations/repository';
import type { Table } from '../core/tabular';
import type { Store } from '../store/ports';
import { courses } from './catalogue';
import type { RecordStatus, TrainingRecord } from './model';
import { TrainingRepository } from './repository';
import { refreshTrainingSummaries } from './summaries';
import { oneLine } from '../core/text';
import { inBackground } from '../store/request-priority';

export type RowProblem = { rowNumber: number; reason: string };
/** Every data row is created, updated, unchanged or (with its reason) in `problems`; `warnings` are about rows that were imported. */
export type ImportSummary = {
  dryRun: boolean;
  dataRows: number;
  created: number;
  updated: number;
  unchanged: number;
  problems: RowProblem[];
  warnings: RowProblem[];
};

export const PEOPLE_FIELDS = ['employeeId', 'name', 'email', 'aadObjectId', 'tenantId', 'agency', 'department', 'jobTitle', 'manager', 'active'] as const;
export type PeopleField = (typeof PEOPLE_FIELDS)[number];
export const TRAINING_FIELDS = ['employee', 'course', 'completedOn', 'status'] as const;
export type TrainingField = (typeof TRAINING_FIELDS)[number];

/** Header names as an iTrent-style export has them; each can be overridden with a mapping. */
const PEOPLE_HEADERS: Record<PeopleField, string[]> = {
  employeeId: ['employee number', 'employee id', 'person number', 'staff number'],
  name: ['full name', 'known as', 'name'],
  email: ['work email', 'email', 'upn', 'user principal name'],
  aadObjectId: ['entra object id', 'azure ad object id', 'object id'],
  tenantId: ['entra tenant id', 'tenant id', 'azure ad tenant id'],
  agency: ['agency', 'organisation', 'organization', 'employer'],
  department: ['department', 'organisation unit', 'service'],
  jobTitle: ['job title', 'position', 'role', 'roles'],
  manager: ['manager employee number', 'manager', 'line manager', 'manager email'],
  active: ['status', 'active', 'employment status'],
};
const TRAINING_HEADERS: Record<TrainingField, string[]> = {
  employee: ['employee number', 'employee id', 'work email', 'email'],
  course: ['course', 'course code', 'course name', 'event'],
  completedOn: ['completion date', 'completed', 'date completed', 'attended'],
  status: ['status', 'booking status'],
};

function columnsOf<F extends string>(
  table: Table,
  defaults: Record<F, string[]>,
  mapping: Partial<Record<F, string>>,
  required: F[],
): Record<F, string | undefined> {
  const lower = new Map(table.headers.map((h) => [h.trim().toLowerCase(), h]));
  const found = Object.fromEntries(
    (Object.keys(defaults) as F[]).map((f) => [
      f,
      mapping[f] ? lower.get(mapping[f]!.trim().toLowerCase()) : defaults[f].map((d) => lower.get(d)).find(Boolean),
    ]),
  ) as Record<F, string | undefined>;
  const missing = required.filter((f) => !found[f]);
  if (missing.length) {
    throw new AppError(
      'IMPORT_FILE_INVALID',
      `The file lacks columns for ${missing.join(', ')} (looked for ${missing.map((m) => mapping[m] ?? defaults[m].join(' / ')).join('; ')}). Columns found: ${table.headers.join(', ')}.`,
    );
  }
  return found;
}

const ACTIVE = new Map([
  ['active', true],
  ['yes', true],
  ['y', true],
  ['true', true],
  ['1', true],
  ['current', true],
  ['leaver', false],
  ['left', false],
  ['inactive', false],
  ['no', false],
  ['n', false],
  ['false', false],
  ['0', false],
]);

/** ISO, UK day/month/year or a spreadsheet's date text; anything else is not a date. */
export function parseDate(text: string): string | undefined {
  for (const format of ['yyyy-MM-dd', 'd/M/yyyy', 'd/M/yy', 'd MMM yyyy', 'd MMMM yyyy']) {
    const d = DateTime.fromFormat(text.trim(), format, { locale: 'en-GB' });
    if (d.isValid && d.year >= 1990 && d.year <= 2100) return d.toISODate()!;
  }
  return undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** What the HR file decides about a person; everything else (app roles, leave) belongs to the app. */
const hrFields = (p: Person) => [
  p.employeeId,
  p.name,
  p.email,
  p.aadObjectId,
  p.aadTenantId,
  p.agency,
  p.department,
  p.jobTitle,
  p.managerId,
  p.active,
  p.leftOn,
];

/**
 * The HR people directory from an HR system's export. A person's id comes from their employee
 * number, so importing the same file again changes nothing; leavers stay, marked inactive; app
 * roles given in Teams (admin, HR, leads) are kept.
 */
/**
 * A person's id from their employee number. Agencies number their staff independently, so a
 * partner agency's people are `emp-<agency>-<number>`; the lead agency keeps `emp-<number>`, as
 * before agencies (and everyone does while there are none). An existing person of the same agency
 * under either id keeps theirs.
 */
function personIdFor(employeeId: string, agency: string | undefined, partnership: Partnership, existing: Map<string, Person>): string {
  const plain = `emp-${employeeId}`;
  if (!agency || !partnership.leadAgencyId || agency === partnership.leadAgencyId) return plain;
  const namespaced = `emp-${agency}-${employeeId}`;
  const before = existing.get(plain);
  return before && agencyOf(before, partnership) === agency ? plain : namespaced;
}

/**
 * The agency a row belongs to. Importing for one agency (`input.agency`: its HR, or the operator's
 * `--agency`), every row is that agency's and a row naming another is refused; otherwise a row's
 * agency column must name a known agency, by id or name (free text is kept only while the
 * partnership has no agencies, as before agencies).
 */
function rowAgency(text: string, forAgency: string | undefined, known: Map<string, string>): { agency?: string; problem?: string } {
  const named = text ? known.get(text.trim().toLowerCase()) : undefined;
  if (forAgency) {
    if (text && named !== forAgency) return { problem: `names the agency "${text.slice(0, 60)}", but this import is for ${forAgency} only` };
    return { agency: forAgency };
  }
  if (!text) return {};
  if (named) return { agency: named };
  if (known.size === 0) return { agency: text };
  return { problem: `agency "${text.slice(0, 60)}" is not one of the partnership's agencies (npm run cli -- agency list)` };
}

async function importPeopleRows(
  deps: { store: Store; clock: Clock },
  input: { orgId: string; table: Table; mapping?: Partial<Record<PeopleField, string>>; dryRun: boolean; agency?: string },
): Promise<ImportSummary> {
  const col = columnsOf<PeopleField>(input.table, PEOPLE_HEADERS, input.mapping ?? {}, ['employeeId', 'name', 'department']);
  const directory = new Directory(deps.store);
  const existing = new Map((await directory.all({ orgId: input.orgId })).map((p) => [p.id, p]));
  const partnership = await partnershipFor(deps, input.orgId);
  const agencies = await listAgencies(deps.store, input.orgId);
  const known = new Map(agencies.flatMap((a) => [[a.agencyId, a.agencyId] as const, [a.name.toLowerCase(), a.agencyId] as const]));
  // A Teams account is one person's, and a tenant one agency's: a row may not claim another's
  // (one agency's HR could otherwise point a partner's staff member's account at their own record).
  const tenantOwner = new Map(agencies.flatMap((a) => a.tenantIds.map((t) => [t.toLowerCase(), a.agencyId] as const)));
  const objectIdHolder = new Map([...existing.values()].flatMap((p) => (p.aadObjectId ? [[p.aadObjectId.toLowerCase(), p.id] as const] : [])));
  // The tenant each Teams account that opened the bot did so from: read once, when a row first gives an object id.
  let tried: Promise<Map<string, string>> | undefined;
  const triedFrom = () =>
    (tried ??= new Conversations(deps.store)
      .personal(input.orgId)
      .then((records) => new Map(records.flatMap((c) => (c.user ? [[c.user.aadObjectId.toLowerCase(), c.tenantId.toLowerCase()] as const] : [])))));
  if (input.agency && !known.has(input.agency)) throw new AppError('NOT_FOUND', `There is no agency "${input.agency}". npm run cli -- agency list shows them.`);
  const summary: ImportSummary = { dryRun: input.dryRun, dataRows: input.table.rows.length, created: 0, updated: 0, unchanged: 0, problems: [], warnings: [] };
  // Every field of a person is one line of visible text: a line break or a bidi override in a name
  // would otherwise forge a line or reverse the name wherever it is shown.
  const cell = (cells: Record<string, string>, f: PeopleField) => (col[f] ? oneLine(cells[col[f]!] ?? '').trim() : '');
  const byEmployee = new Map<string, { rowNumber: number; person: Person; manager: string }>();
  // A day's precision is all a retention period of years needs: the UTC date will do.
  const leavingDay = deps.clock.now().toISOString().slice(0, 10);
  for (const { rowNumber, cells } of input.table.rows) {
    const employeeId = cell(cells, 'employeeId');
    const name = cell(cells, 'name');
    const email = cell(cells, 'email').toLowerCase();
    const activeText = cell(cells, 'active').toLowerCase();
    const reasons: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(employeeId)) reasons.push(`employee number "${employeeId}" is missing or not a plain code`);
    if (!name) reasons.push('no name');
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) reasons.push(`"${email}" is not an email address`);
    for (const f of ['aadObjectId', 'tenantId'] as const) {
      const v = cell(cells, f);
      if (v && !isEntraId(v)) reasons.push(`${f === 'aadObjectId' ? 'object id' : 'tenant id'} "${v.slice(0, 60)}" is not a GUID`);
    }
    if (activeText && !ACTIVE.has(activeText)) reasons.push(`status "${activeText}" is not active or leaver`);
    if (byEmployee.has(employeeId)) reasons.push(`repeats employee ${employeeId} from row ${byEmployee.get(employeeId)!.rowNumber}`);
    const placed = rowAgency(cell(cells, 'agency'), input.agency, known);
    if (placed.problem) reasons.push(placed.problem);
    if (reasons.length) {
      summary.problems.push({ rowNumber, reason: reasons.join('; ') });
      continue;
    }
    const rowAgencyId = placed.agency ?? partnership.leadAgencyId;
    const id = personIdFor(employeeId, rowAgencyId, partnership, existing);
    const tenant = cell(cells, 'tenantId').toLowerCase();
    const owner = tenant ? tenantOwner.get(tenant) : undefined;
    // The row's person signs in from their agency's tenants, or the lead agency's when it lists none.
    const signInTenants = signInTenantsOf(rowAgencyId, agencies, partnership);
    const where = () =>
      agencies.find((a) => a.agencyId === rowAgencyId)?.tenantIds.length
        ? `${rowAgencyId}’s`
        : `${partnership.leadAgencyId}’s (${rowAgencyId} lists no tenant: its staff sign in as guests of the lead agency)`;
    if (tenant && signInTenants && !signInTenants.includes(tenant))
      reasons.push(owner ? `tenant id "${tenant}" is another agency’s (${owner})` : `tenant id "${tenant}" is not ${where()}`);
    const objectIdText = cell(cells, 'aadObjectId').toLowerCase();
    const holder = objectIdText ? objectIdHolder.get(objectIdText) : undefined;
    if (holder && holder !== id) reasons.push(`object id "${objectIdText}" is linked to someone else in the directory`);
    // An object id the bot has seen from another tenant is someone else's account, whatever the row says.
    const usedFrom = objectIdText ? (await triedFrom()).get(objectIdText) : undefined;
    if (usedFrom && signInTenants && !signInTenants.includes(usedFrom))
      reasons.push(`object id "${objectIdText}" was used from tenant "${usedFrom}", not ${where()}`);
    if (reasons.length) {
      summary.problems.push({ rowNumber, reason: reasons.join('; ') });
      continue;
    }
    if (objectIdText) objectIdHolder.set(objectIdText, id);
    const before = existing.get(id);
    // Fields the file has a column for are the file's to set or to clear. App roles, leave, columns
    // the file lacks and the Entra object id (stamped when the person first uses the app) stay.
    const kept: Partial<Person> = { ...(before ?? { roles: ['officer'] }) };
    delete kept.department;
    delete kept.leftOn;
    if (col.agency || input.agency) delete kept.agency;
    // A new object id from HR starts a new link: its tenant is the file's, or stamped at first use.
    // Teams sends object ids in lower case; an id stored otherwise would never match.
    const objectId = cell(cells, 'aadObjectId').toLowerCase();
    if (objectId && objectId !== before?.aadObjectId) delete kept.aadTenantId;
    for (const [field, key] of [
      ['email', 'email'],
      ['jobTitle', 'jobTitle'],
      ['manager', 'managerId'],
    ] as const)
      if (col[field]) delete kept[key];
    const person: Person = {
      ...kept,
      id,
      orgId: input.orgId,
      employeeId,
      name,
      ...(email ? { email } : {}),
      ...(objectId ? { aadObjectId: objectId } : {}),
      ...(objectId && cell(cells, 'tenantId') ? { aadTenantId: cell(cells, 'tenantId').toLowerCase() } : {}),
      // In a partnership everyone names their agency: a row with none is the lead agency's.
      ...((placed.agency ?? partnership.leadAgencyId) ? { agency: placed.agency ?? partnership.leadAgencyId } : {}),
      ...(cell(cells, 'department') ? { department: cell(cells, 'department') } : {}),
      ...(cell(cells, 'jobTitle') ? { jobTitle: cell(cells, 'jobTitle') } : {}),
      active: activeText ? ACTIVE.get(activeText)! : true,
    } as Person;
    // Retention of a leaver's records counts from the day the file first shows them as one (a
    // leaver from before this was recorded starts counting now: kept longer, never shorter).
    if (!person.active) person.leftOn = before?.leftOn ?? leavingDay;
    byEmployee.set(employeeId, { rowNumber, person, manager: cell(cells, 'manager') });
  }
  // Managers are resolved after every row is read: a manager may come later in the file.
  for (const entry of byEmployee.values()) {
    if (!entry.manager) continue;
    const manager = entry.manager.includes('@')
      ? [...byEmployee.values()].find((e) => e.person.email === entry.manager.toLowerCase())
      : byEmployee.get(entry.manager);
    const managerOutside = personIdFor(entry.manager, entry.person.agency ?? partnership.leadAgencyId, partnership, existing);
    const managerId = manager?.person.id ?? (existing.has(managerOutside) ? managerOutside : undefined);
    if (managerId) entry.person.managerId = managerId;
    else
      summary.warnings.push({
        rowNumber: entry.rowNumber,
        reason: `manager "${entry.manager}" is not in the file or the directory (imported without a manager)`,
      });
  }
  for (const { person } of byEmployee.values()) {
    const before = existing.get(person.id);
    if (before && same(hrFields(before), hrFields(person))) {
      summary.unchanged++;
      continue;
    }
    if (before) summary.updated++;
    else summary.created++;
    if (!input.dryRun) await writeImported(directory, before, person);
  }
  summary.problems.sort((a, b) => a.rowNumber - b.rowNumber);
  return summary;
}

/**
 * Writes what the import changed, and only that, onto the person as stored now: the import read
 * the directory at its start, and on Azure a large one runs for minutes, so leave, a delegate or a
 * link set meanwhile must survive (etag, re-read and re-applied on a conflict). A person new to
 * the directory is created; if someone created them meanwhile, the import's fields go onto theirs.
 */
async function writeImported(directory: Directory, before: Person | undefined, person: Person): Promise<void> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(person)]) as Set<keyof Person>;
  const changed = [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(person[k]));
  const apply = (current: Person): Person => {
    const next = { ...current } as Record<string, unknown>;
    for (const k of changed) {
      if (person[k] === undefined) delete next[k];
      else next[k] = person[k];
    }
    return next as Person;
  };
  if (before) {
    await directory.update(person.orgId, person.id, apply);
    return;
  }
  const created = await directory.create(person).then(
    () => true,
    (e: unknown) => {
      if (isAppError(e, 'ALREADY_EXISTS')) return false;
      throw e;
    },
  );
  if (!created) await directory.update(person.orgId, person.id, apply);
}

const STATUSES = new Map<string, RecordStatus>([
  ['completed', 'completed'],
  ['complete', 'completed'],
  ['attended', 'completed'],
  ['passed', 'completed'],
  ['booked', 'booked'],
  ['enrolled', 'booked'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['withdrawn', 'cancelled'],
]);

const CONCURRENCY = 16;

/**
 * Training records from an HR system's export, matched to people by employee number or email and
 * to the catalogue by course code or name. A record's id comes from person, course, date and
 * status, so re-importing changes nothing. Built for tens of thousands of rows: people and courses
 * are loaded once, and writes go out a few at a time.
 */
async function importTrainingRows(
  deps: { store: Store; clock: Clock },
  input: {
    orgId: string;
    table: Table;
    mapping?: Partial<Record<TrainingField, string>>;
    dryRun: boolean;
    agency?: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ImportSummary> {
  const col = columnsOf<TrainingField>(input.table, TRAINING_HEADERS, input.mapping ?? {}, ['employee', 'course']);
  // Importing for one agency reads only its people: another agency's staff are "not in the directory".
  const people = await new Directory(deps.store).all({ orgId: input.orgId, ...(input.agency ? { agency: input.agency } : {}) });
  const partnership = await partnershipFor(deps, input.orgId);
  const byEmployee = new Map(
    people.flatMap((p) => [...(p.employeeId ? [[p.employeeId.toLowerCase(), p] as const] : []), ...(p.email ? [[p.email, p] as const] : [])]),
  );
  const catalogue = await courses(deps.store, input.orgId);
  const byCourse = new Map(catalogue.flatMap((c) => [[c.code.toLowerCase(), c] as const, [c.name.toLowerCase(), c] as const]));
  const summary: ImportSummary = { dryRun: input.dryRun, dataRows: input.table.rows.length, created: 0, updated: 0, unchanged: 0, problems: [], warnings: [] };
  const cell = (cells: Record<string, string>, f: TrainingField) => (col[f] ? (cells[col[f]!] ?? '').trim() : '');
  const now = deps.clock.now().toISOString();
  const candidates: TrainingRecord[] = [];
  const seen = new Map<string, number>();
  for (const { rowNumber, cells } of input.table.rows) {
    const who = cell(cells, 'employee');
    const person = byEmployee.get(who.toLowerCase());
    const course = byCourse.get(cell(cells, 'course').toLowerCase());
    const statusText = cell(cells, 'status').toLowerCase() || 'completed';
    const status = STATUSES.get(statusText);
    const dateText = cell(cells, 'completedOn');
    const completedOn = dateText ? parseDate(dateText) : undefined;
    const reasons: string[] = [];
    if (!person) reasons.push(`no one with employee number or email "${who}" in the directory (import people first)`);
    if (!course) reasons.push(`course "${cell(cells, 'course')}" is not in the catalogue`);
    if (!status) reasons.push(`status "${statusText}" is not completed, booked or cancelled`);
    if (dateText && !completedOn) reasons.push(`completion date "${dateText}" is not a date`);
    if (status === 'completed' && !completedOn) reasons.push('a completed course needs its completion date');
    // A booked or cancelled row's date is the course date, which may well be ahead.
    if (completedOn && status === 'completed' && completedOn > DateTime.fromISO(now).toISODate()!)
      reasons.push(`completion date ${completedOn} is in the future`);
    if (reasons.length || !person || !course || !status) {
      summary.problems.push({ rowNumber, reason: reasons.join('; ') });
      continue;
    }
    const id = `rec-${createHash('sha256')
      .update([person.id, course.code, completedOn ?? '', status].join('|'))
      .digest('hex')
      .slice(0, 24)}`;
    if (seen.has(id)) {
      summary.unchanged++; // the same record twice in one file
      continue;
    }
    seen.set(id, rowNumber);
    const agency = agencyOf(person, partnership);
    candidates.push({
      id,
      orgId: input.orgId,
      kind: 'record',
      personId: person.id,
      ...(agency ? { agency } : {}),
      courseCode: course.code,
      status,
      source: 'import',
      ...(completedOn ? { completedOn } : {}),
      createdAt: now,
    });
  }
  // A point read per record (ids are deterministic) rather than one query over every record:
  // cheap on Azure, and it keeps a re-import of tens of thousands of rows fast on the embedded store.
  const training = new TrainingRepository(deps.store);
  let next = 0;
  let done = 0;
  const created = new Set<string>();
  const fresh: TrainingRecord[] = [];
  /** New records per bulk write: a few requests of 100 each. */
  const BULK_BATCH = 400;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, candidates.length) }, async () => {
      while (next < candidates.length) {
        const record = candidates[next++]!;
        if (await training.get(record.orgId, record.id)) summary.unchanged++;
        else {
          summary.created++;
          created.add(record.personId);
          fresh.push(record);
          // Written a batch at a time through the bulk API: a long import makes progress as it goes.
          if (!input.dryRun && fresh.length >= BULK_BATCH) await training.createRecords(fresh.splice(0));
        }
        done++;
        if (done % 500 === 0 || done === candidates.length) input.onProgress?.(done, candidates.length);
      }
    }),
  );
  if (!input.dryRun && fresh.length > 0) await training.createRecords(fresh);
  if (!input.dryRun && summary.created > 0) await refreshTrainingSummaries(deps.store, input.orgId, created);
  return summary;
}

export function requireKnownFields<F extends string>(mapping: Record<string, string>, fields: readonly F[]): Partial<Record<F, string>> {
  const unknown = Object.keys(mapping).filter((k) => !(fields as readonly string[]).includes(k));
  if (unknown.length) throw new AppError('VALIDATION', `Unknown fields in the column mapping: ${unknown.join(', ')}. Fields: ${fields.join(', ')}.`);
  return mapping as Partial<Record<F, string>>;
}

/** Imports run as background work: Low priority, and long waits when the store is throttled (services/store/request-priority.ts). */
export function importPeople(...args: Parameters<typeof importPeopleRows>): ReturnType<typeof importPeopleRows> {
  return inBackground(() => importPeopleRows(...args));
}

export function importTraining(...args: Parameters<typeof importTrainingRows>): ReturnType<typeof importTrainingRows> {
  return inBackground(() => importTrainingRows(...args));
}
