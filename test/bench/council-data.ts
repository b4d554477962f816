/**
 * A county council's data for the benches: people in departments and job titles, six years of
 * training records, an action plan, two years of escalations. Generated, deterministic, and
 * written through the SDK's bulk API so seeding hundreds of thousands of documents takes about a
 * minute rather than several.
 */
import type { Database, JSONObject } from '@azure/cosmos';
import type { ConversationRecord } from '../../services/conversations/model';
import { mapConcurrently } from '../../services/core/concurrency';
import type { Escalation } from '../../services/escalations/model';
import type { Person, Role } from '../../services/people/model';
import type { Action, Rag } from '../../services/plan/model';
import type { WorkingCalendar } from '../../services/scheduling/calendar';
import type { ContainerName } from '../../services/store/containers';
import type { Doc } from '../../services/store/ports';
import type { TrainingRecord } from '../../services/training/model';
import { actionDoc, ORG } from '../harness/fixtures';
import { personalConversationId, TEST_BOT_ID, TEST_TENANT_ID } from '../harness/teams-activities';

export type CouncilSizes = { people: number; actions: number; escalations: number };

const SEED_CONCURRENCY = 8;

export const DEPARTMENTS = [
  "Children's Social Care",
  'Adult Social Care',
  'Education',
  'Early Help',
  'Housing',
  'Public Health',
  'Highways',
  'Libraries',
  'Finance',
  'Legal Services',
  'Youth Justice',
  'Fostering and Adoption',
  'Customer Services',
  'Planning',
  'Waste',
  'Property',
  'Trading Standards',
  'Registration',
  'Democratic Services',
  'Human Resources',
];
/** The job titles that work with children and families: they need general safeguarding training as well as awareness. */
const FRONT_LINE = [
  'Social Worker',
  'Senior Social Worker',
  'Team Manager',
  'Family Support Worker',
  'Teacher',
  'Youth Worker',
  'Housing Officer',
  'Care Assistant',
];
const TITLES = [...FRONT_LINE, 'Administrator', 'Librarian', 'Engineer', 'Analyst'];
export const REQUIREMENTS = [
  { course: 'SG-AWARE', jobTitles: ['*'] },
  { course: 'SG-GEN', jobTitles: FRONT_LINE },
  { course: 'SG-SPEC', jobTitles: ['Social Worker', 'Senior Social Worker', 'Team Manager'] },
  { course: 'CSE', jobTitles: ['Social Worker', 'Senior Social Worker', 'Youth Worker'] },
  { course: 'PREVENT', jobTitles: ['*'] },
  { course: 'DA', jobTitles: ['Social Worker', 'Senior Social Worker', 'Family Support Worker', 'Housing Officer'] },
];
const COURSES = ['SG-AWARE', 'SG-GEN', 'SG-SPEC', 'CSE', 'PREVENT', 'DA'];
/** The day the measurements stand on; the app itself reads the system clock. */
export const AS_AT = '2026-11-23';

/**
 * Seeds through the SDK's bulk API, 100 documents a request, SEED_CONCURRENCY requests at a time:
 * single upserts (~2,000/s here) would take minutes for a council. Bench only: the app has no
 * bulk path and needs none.
 */
export async function upsertAll<T extends Doc>(database: Database, container: ContainerName, count: number, make: (i: number) => T): Promise<number> {
  const t0 = performance.now();
  const items = database.container(container).items;
  const batches = Array.from({ length: Math.ceil(count / 100) }, (_, b) => b);
  await mapConcurrently(batches, SEED_CONCURRENCY, async (b) => {
    const operations = Array.from({ length: Math.min(100, count - b * 100) }, (_, k) => ({
      operationType: 'Upsert' as const,
      resourceBody: make(b * 100 + k) as unknown as JSONObject,
    }));
    const results = await items.bulk(operations);
    const failed = results.filter((r) => r.statusCode >= 300);
    if (failed.length) throw new Error(`bulk upsert into ${container}: ${failed.length} failed (status ${failed[0]!.statusCode})`);
  });
  return (performance.now() - t0) / 1000;
}

export const isoDay = (base: string, days: number) => new Date(Date.parse(`${base}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function personAt(i: number): Person {
  const roles: Role[] = i === 0 ? ['hr', 'admin'] : i === 1 ? ['safeguarding-lead'] : i % 200 === 2 ? ['manager'] : ['officer'];
  return {
    id: `s${i}`,
    orgId: ORG,
    name: `Staff ${i}`,
    email: `staff${i}@county.example.gov.uk`,
    aadObjectId: `aad-s${i}`,
    employeeId: `E${100000 + i}`,
    department: DEPARTMENTS[i % DEPARTMENTS.length],
    jobTitle: TITLES[Math.floor(i / DEPARTMENTS.length) % TITLES.length],
    roles,
    active: i % 50 !== 49,
    managerId: `s${2 + 200 * Math.floor(i / 200)}`,
  };
}

export function conversationAt(i: number, serviceUrl: string): ConversationRecord {
  return {
    id: `personal-aad-s${i}`,
    orgId: ORG,
    kind: 'personal',
    tenantId: TEST_TENANT_ID,
    conversationId: personalConversationId({ id: `29:s${i}` }),
    serviceUrl,
    botId: `28:${TEST_BOT_ID}`,
    user: { aadObjectId: `aad-s${i}`, teamsUserId: `29:s${i}`, name: `Staff ${i}` },
    personId: `s${i}`,
    reachable: true,
    installedAt: '2025-01-06T00:00:00.000Z',
    updatedAt: '2025-01-06T00:00:00.000Z',
  } as ConversationRecord;
}

/** Records spread over six years: mostly completions, some bookings, cancellations and self-reports. */
export function recordAt(i: number, people: number): TrainingRecord {
  const personIndex = i % people;
  const round = Math.floor(i / people);
  const courseCode = COURSES[(personIndex + round) % COURSES.length]!;
  const completedOn = isoDay('2020-11-23', (i * 7919) % (6 * 365));
  const kind = i % 100;
  const status: TrainingRecord['status'] = kind < 90 ? 'completed' : kind < 95 ? 'booked' : kind < 97 ? 'cancelled' : 'self-reported';
  return {
    id: `rec-${i}`,
    orgId: ORG,
    kind: 'record',
    personId: `s${personIndex}`,
    courseCode,
    completedOn: status === 'booked' || status === 'cancelled' ? isoDay(AS_AT, 10 + (i % 60)) : completedOn,
    status,
    source: status === 'self-reported' ? 'self' : 'import',
    ...(status === 'self-reported' && kind === 97
      ? { review: { decision: 'verified' as const, by: { name: 'Staff 0', personId: 's0' }, at: `${completedOn}T12:00:00.000Z` } }
      : {}),
    createdAt: `${completedOn}T12:00:00.000Z`,
  };
}

const RAGS: Rag[] = ['G', 'G', 'G', 'A', 'B', 'R'];

/** The lead of the `n`th group of actions: one lead for every five actions, spread over the directory. */
export function leadIndex(n: number, sizes: CouncilSizes): number {
  const leads = Math.max(1, Math.floor(sizes.actions / 5));
  return 3 + (n % leads) * Math.max(1, Math.floor(sizes.people / leads));
}

export function actionAt(i: number, sizes: CouncilSizes, calendar: WorkingCalendar): Action {
  const lead = `s${leadIndex(i, sizes)}`;
  const dueSoon = i % 100 === 0;
  const due = dueSoon ? calendar.addWorkingDays(AS_AT, 1 + (i % 7)) : isoDay('2026-12-01', (i * 37) % 500);
  const status = RAGS[i % RAGS.length]!;
  return actionDoc({
    id: `act-${i}`,
    planId: `plan-${Math.floor(i / 500)}`,
    ref: `LP${1 + (i % 9)}.${i}`,
    learningPoint: 1 + (i % 9),
    leadIds: [lead],
    leads: [{ name: `Staff ${lead.slice(1)}`, personId: lead }],
    due: { dates: [due], ongoing: null, text: due },
    nextDueDate: due,
    status,
    open: status !== 'B',
  });
}

/** Two years of the central record, about 20 a week; the last few weeks' still open. */
export function escalationAt(i: number, sizes: CouncilSizes): Escalation {
  const { people: PEOPLE, actions: ACTIONS, escalations: ESCALATIONS } = sizes;
  const raisedOn = isoDay('2024-11-25', Math.floor((i * 730) / ESCALATIONS));
  const open = i >= ESCALATIONS - 40;
  const raiser = `s${(i * 131) % PEOPLE}`;
  const raisedAt = `${raisedOn}T10:00:00.000Z`;
  const by = { name: `Staff ${raiser.slice(1)}`, personId: raiser };
  const automatic = i % 3 === 0;
  return {
    id: `esc-${i}`,
    orgId: ORG,
    kind: 'escalation',
    ref: `ESC-${raisedOn.slice(0, 4)}-${String(i + 1).padStart(4, '0')}`,
    cause: automatic ? 'action-red' : 'professional-disagreement',
    source: automatic ? 'automatic' : 'raised',
    ...(automatic ? { actionId: `act-${i % ACTIONS}`, actionRef: `LP1.${i % ACTIONS}` } : { caseReference: `CASE-${100000 + i}`, agency: 'Police' }),
    summary: 'Disagreement about the threshold for a strategy discussion.',
    immediateRisk: false,
    raisedBy: by,
    raisedAt,
    involvedPersonIds: [raiser, `s${2 + 200 * Math.floor(((i * 131) % PEOPLE) / 200)}`],
    stage: open ? 1 + (i % 3) : 2,
    stageStartedAt: raisedAt,
    stageDeadline: open ? isoDay(AS_AT, (i % 5) - 2) : isoDay(raisedOn, 3),
    highestStage: 2,
    status: open ? 'open' : 'resolved',
    ...(open ? {} : { outcome: 'Agreed a joint visit.', resolvedAt: `${isoDay(raisedOn, 9)}T15:00:00.000Z` }),
    history: [
      { at: raisedAt, by, what: 'raised', stage: 1 },
      { at: `${isoDay(raisedOn, 1)}T09:00:00.000Z`, by: { name: 'Staff 1', personId: 's1' }, what: 'acknowledged', stage: 1 },
      ...(open
        ? []
        : [
            {
              at: `${isoDay(raisedOn, 9)}T15:00:00.000Z`,
              by: { name: 'Staff 1', personId: 's1' },
              what: 'resolved' as const,
              stage: 2,
              text: 'Agreed a joint visit.',
            },
          ]),
    ],
    version: open ? 2 : 3,
  };
}
