import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { openEscalation } from '../../../services/escalations/escalations';
import { escalationReport } from '../../../services/escalations/report';
import { addAgency } from '../../../services/organisation/agencies';
import type { Organisation } from '../../../services/organisation/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { partnershipReport } from '../../../services/dashboard/partnership-report';
import type { Person } from '../../../services/people/model';
import type { Plan } from '../../../services/plan/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { createCampaign } from '../../../services/surveys/campaigns';
import { answerSurvey, openSurvey } from '../../../services/surveys/responses';
import { campaignResults } from '../../../services/surveys/results';
import { AnswerSeal } from '../../../services/surveys/seal';
import { runJob } from '../../../bot/jobs';
import { silentLogger } from '../../../services/core/logger';
import { respondedId } from '../../../services/surveys/model';
import { setUpTraining } from '../../../services/training/catalogue';
import type { TrainingRecord } from '../../../services/training/model';
import { rebuildTrainingSummaries } from '../../../services/training/summaries';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';
const raisedClock = new FixedClock('2026-11-12T10:00:00Z');
const clock = new FixedClock('2026-11-22T10:00:00Z');
const calendar = new WorkingCalendar();

const council = (id: string, name: string, extra: Partial<Person> = {}) =>
  person({ id, name, agency: 'council', department: 'Children', jobTitle: 'Social Worker', ...extra });
const police = (id: string, name: string, extra: Partial<Person> = {}) =>
  person({ id, name, agency: 'police', department: 'Public Protection', jobTitle: 'Constable', ...extra });
const PEOPLE: Person[] = [
  council('c-admin', 'Ada Council', { roles: ['admin'] }),
  council('c-hr', 'Hugo Council', { roles: ['hr'] }),
  council('c-lead', 'Carol Council'),
  ...Array.from({ length: 5 }, (_, i) => council(`c-${i}`, `Council Officer ${i}`)),
  police('p-admin', 'Percy Police', { roles: ['admin'] }),
  police('p-bm', 'Bea Business', { roles: ['business-manager'] }),
  police('p-lead', 'Pat Police'),
];

describe('the partnership board report', () => {
  let store: Store;
  let organisation: Organisation;
  const report = (requester: Person | typeof OPERATOR) => partnershipReport({ store, clock }, { orgId: ORG, requester, timeZone: TZ, asAt: '2026-11-22' });
  const section = async (title: string) => (await report(OPERATOR)).find((r) => r.title === title)!;

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: TZ }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: TZ }, appEvents());
    organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
    await store.collection<Plan>('plans').upsert({
      id: 'plan',
      orgId: ORG,
      title: 'Business plan 2026-27',
      learningPoints: [
        { number: 1, title: 'Leadership' },
        { number: 2, title: 'Training' },
      ],
    });
    await seed(store, {
      people: PEOPLE,
      actions: [
        actionDoc({ id: 'a1', ref: 'LP1.1', learningPoint: 1, leadIds: ['c-lead'], leads: [{ name: 'Carol Council', personId: 'c-lead' }], status: 'G' }),
        actionDoc({ id: 'a2', ref: 'LP1.2', learningPoint: 1, leadIds: ['p-lead'], leads: [{ name: 'Pat Police', personId: 'p-lead' }], status: 'R' }),
        actionDoc({
          id: 'a3',
          ref: 'LP2.1',
          learningPoint: 2,
          leadIds: ['c-lead', 'p-lead'],
          leads: [
            { name: 'Carol Council', personId: 'c-lead' },
            { name: 'Pat Police', personId: 'p-lead' },
          ],
          status: 'A',
        }),
        actionDoc({ id: 'a4', ref: 'LP2.2', learningPoint: 2, leadIds: [], leads: [{ name: 'Someone Unknown' }], status: 'B', open: false }),
      ],
    });
    await setUpTraining(store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['Social Worker', 'Constable'] }] });
    const done = (personId: string, agency: string): TrainingRecord => ({
      id: `rec-${personId}`,
      orgId: ORG,
      kind: 'record',
      personId,
      agency,
      courseCode: 'SG-AWARE',
      completedOn: '2026-06-01',
      status: 'completed',
      source: 'import',
      createdAt: '2026-06-01T00:00:00Z',
    });
    for (const r of [done('c-lead', 'council'), done('c-0', 'council'), done('p-lead', 'police')]) await store.collection<TrainingRecord>('training').upsert(r);
    await rebuildTrainingSummaries(store, ORG);
    // A case between the agencies: the shared action's leads are its subjects.
    await openEscalation({ store, clock: raisedClock, calendar }, organisation, {
      id: 'esc-a3',
      cause: 'action-red',
      source: 'automatic',
      actionId: 'a3',
      actionRef: 'LP2.1',
      summary: 'LP2.1 was rated Red',
      immediateRisk: false,
      raisedBy: { name: 'Safeguarding Action Tracker' },
      involvedPersonIds: ['c-lead', 'p-lead'],
      startStage: 1,
    });
    // Sent by the partnership's administrator to everyone; five of the council's officers and the police lead answered.
    const campaign = await createCampaign(
      { store, clock, calendar },
      {
        actor: PEOPLE[0]!,
        timeZone: TZ,
        data: { questionnaire: 'awareness', title: 'Awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    for (const id of ['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'p-lead'])
      await store
        .collection('surveys')
        .upsert({ id: respondedId(campaign.id, id), orgId: ORG, kind: 'responded', campaignId: campaign.id, personId: id } as never);
  });
  afterAll(() => store.close());

  it('shows the plan’s RAG by priority and by agency, a shared action counting for both agencies', async () => {
    expect((await section('Plan RAG by priority')).rows).toEqual([
      ['LP1 Leadership', 2, 0, 1, 0, 1, 50],
      ['LP2 Training', 2, 1, 0, 1, 0, 50],
      ['All priorities', 4, 1, 1, 1, 1, 50],
    ]);
    expect((await section('Plan RAG by agency')).rows).toEqual([
      ['(lead not in the directory)', 1, 1, 0, 0, 0, 100],
      ['Council', 2, 0, 1, 1, 0, 50],
      ['Police', 2, 0, 0, 1, 1, 0],
      ['All agencies', 4, 1, 1, 1, 1, 50],
    ]);
  });

  it('shows training completion by agency as rates, and escalations by agency and stage with their ages', async () => {
    // The police's three staff are too few to show, and the council is blanked with them, or All less the council would give them away.
    expect((await section('Training by agency')).rows).toEqual([
      ['Council', null, null, null, null, null],
      ['Police', null, null, null, null, null],
      ['All agencies', 11, 3, 27.3, 3, 27.3],
    ]);
    const escalations = await section('Escalations by agency and stage');
    // The police's three staff are too few for rows of their own, and the council goes with them.
    expect(escalations.rows).toEqual([['All agencies', 'All stages', 1, 10, 10, 1]]);
  });

  it('hides an agency’s response figures under five, and the next smallest so it cannot be worked out by subtraction', async () => {
    const questionnaires = await section('Questionnaires by agency');
    // Anonymous and still open: the response only, never results.
    expect(questionnaires.rows).toEqual([
      ['Awareness', 'Council', 'Responded', null, 8, null],
      ['Awareness', 'Police', 'Responded', null, 3, null],
    ]);
    expect(questionnaires.notes!.join(' ')).toContain('still open or with fewer than 5 answers show only their response');
  });

  it('names no member of staff of any agency', async () => {
    const text = JSON.stringify(await report(OPERATOR));
    for (const p of PEOPLE) expect(text).not.toContain(p.name);
  });

  it('the central record review of an agency’s safeguarding lead counts only cases about its people', async () => {
    const lead = (agency: string) => person({ id: `${agency}-sl`, name: 'x', agency, roles: ['safeguarding-lead'] });
    expect(await escalationReport(store, organisation, '2026-11-01', '2026-11-30', lead('police'))).toMatchObject({ raised: 1 });
    expect(await escalationReport(store, organisation, '2026-11-01', '2026-11-30', lead('health'))).toMatchObject({ raised: 0 });
    expect(await escalationReport(store, organisation, '2026-11-01', '2026-11-30', OPERATOR)).toMatchObject({ raised: 1 });
  });

  it('is for the partnership’s administrators and business manager only', async () => {
    const byId = (id: string) => PEOPLE.find((p) => p.id === id)!;
    // The kernel's five sections; the feature modules' follow only when they have something to show (no review or round here).
    await expect(report(byId('c-admin'))).resolves.toHaveLength(5);
    await expect(report(byId('p-bm'))).resolves.toHaveLength(5);
    for (const id of ['p-admin', 'c-hr', 'c-lead']) await expect(report(byId(id))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

/** The real store, with the point reads of the surveys container counted. */
function countingSurveyReads(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const counted: Store = Object.create(store);
  counted.collection = (<T extends { id: string; orgId: string }>(name: Parameters<Store['collection']>[0]) => {
    const c = store.collection<T>(name);
    if (name !== 'surveys') return c;
    const wrapped = Object.create(c) as typeof c;
    wrapped.read = (orgId: string, id: string) => {
      reads++;
      return c.read(orgId, id);
    };
    return wrapped;
  }) as Store['collection'];
  return { store: counted, reads: () => reads };
}

describe('the board’s response counts at a few hundred people', () => {
  let store: Store;
  const AGENCIES = ['Council', 'Police', 'Health'];
  // 360 staff: 200 council, 100 police, 60 health.
  const sizes = [200, 100, 60];
  const staff: Person[] = AGENCIES.flatMap((name, a) =>
    Array.from({ length: sizes[a]! }, (_, i) =>
      person({ id: `${name.toLowerCase()}-${i}`, name: `${name} ${i}`, agency: name.toLowerCase(), department: `${name} Safeguarding`, jobTitle: 'Officer' }),
    ),
  );
  const admin = person({ id: 'admin', name: 'Ada Admin', agency: 'council', roles: ['admin'], department: 'Council Safeguarding', jobTitle: 'Manager' });
  // Every third council officer, every other police officer, every health officer but four.
  const answered = staff.filter((p, i) =>
    p.agency === 'council' ? i % 3 === 0 : p.agency === 'police' ? i % 2 === 0 : !['health-0', 'health-1', 'health-2', 'health-3'].includes(p.id),
  );

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of AGENCIES) await addAgency(store, clock, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [admin, ...staff] });
    const campaign = await createCampaign(
      { store, clock, calendar },
      {
        actor: admin,
        timeZone: TZ,
        data: { questionnaire: 'awareness', title: 'Awareness', audience: { type: 'role', jobTitle: 'Officer' }, anonymous: false, closesOn: '2026-12-04' },
      },
    );
    for (const p of answered)
      await store
        .collection('surveys')
        .upsert({ id: respondedId(campaign.id, p.id), orgId: ORG, kind: 'responded', campaignId: campaign.id, personId: p.id } as never);
  }, 60_000);
  afterAll(() => store.close());

  it('counts each agency’s responses from one query per campaign, matching a count person by person', async () => {
    const counting = countingSurveyReads(store);
    const sections = await partnershipReport({ store: counting.store, clock }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt: '2026-11-22' });
    const rows = sections.find((r) => r.title === 'Questionnaires by agency')!.rows.filter((r) => r[2] === 'Responded');
    const expected = [...AGENCIES].sort().map((name) => {
      const invited = staff.filter((p) => p.agency === name.toLowerCase()).length;
      const responded = answered.filter((p) => p.agency === name.toLowerCase()).length;
      return ['Awareness', name, 'Responded', responded, invited];
    });
    expect(rows.map((r) => r.slice(0, 5))).toEqual(expected);
    // The audience chunk and the campaign's answers: a handful of reads, not one per person asked.
    expect(counting.reads()).toBeLessThan(10);
  });
});

describe('the board’s questionnaire results by agency', () => {
  let store: Store;
  const seal = AnswerSeal.random();
  const sent = new FixedClock('2026-11-23T09:00:00Z');
  const closed = new FixedClock('2026-12-07T08:00:00Z');
  // 14 of the council and 8 of the police; health's 3 nurses are too few to be named on an answer.
  const staff: Person[] = [
    ...Array.from({ length: 14 }, (_, i) => council(`c-${i}`, `Council Officer ${i}`)),
    ...Array.from({ length: 8 }, (_, i) => police(`p-${i}`, `Police Officer ${i}`)),
    ...Array.from({ length: 3 }, (_, i) => person({ id: `h-${i}`, name: `Nurse ${i}`, agency: 'health', department: 'Nursing', jobTitle: 'Nurse' })),
  ];
  const admin = council('c-admin', 'Ada Council', { roles: ['admin'], jobTitle: 'Manager' });
  /** Each person's answers, varied so each agency's figures differ. */
  const answersOf = (i: number) => ({
    'practice-change': `Note ${i}`,
    confidence: i % 4 ? 'quite' : 'not-very',
    'used-procedure': i % 2 ? 'yes' : 'no',
    'know-how-to-report': 'yes',
    'know-dso-name': i % 3 ? 'yes' : 'no',
    'training-useful': String((i % 5) + 1),
    'support-needed': 'supervision',
  });
  let campaignId = '';

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Police', 'Health']) await addAgency(store, sent, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [admin, ...staff] });
    const campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: admin,
        timeZone: TZ,
        data: { questionnaire: 'training-follow-up', title: 'Follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    campaignId = campaign.id;
    for (const [i, p] of staff.entries()) {
      const opened = await openSurvey({ store, clock: sent, seal }, { actor: p, timeZone: TZ, campaignId });
      if (opened.kind !== 'page') throw new Error('expected a page');
      await answerSurvey(
        { store, clock: sent, seal },
        { actor: p, timeZone: TZ, data: { campaignId, page: 1, move: 'submit', carried: JSON.stringify(answersOf(i)), answerKey: opened.answerKey } },
      );
    }
    const organisation = await ensureOrganisation(store, closed, ORG, { timeZone: TZ });
    await runJob('questionnaires', { store, clock: closed, orgId: ORG, organisation, calendar, logger: silentLogger, seal });
  }, 60_000);
  afterAll(() => store.close());

  const board = async () =>
    (await partnershipReport({ store, clock: closed }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt: '2026-12-07' })).find(
      (r) => r.title === 'Questionnaires by agency',
    )!;

  it('shows an agency’s headlines and averages from its own answers, the same figures its results give', async () => {
    const rows = (await board()).rows.filter((r) => r[1] === 'Council');
    const mine = staff.flatMap((p, i) => (p.agency === 'council' ? [answersOf(i)] : []));
    const share = (n: number) => Math.round((n / mine.length) * 1000) / 10;
    const confident = mine.filter((a) => a.confidence !== 'not-very').length;
    const used = mine.filter((a) => a['used-procedure'] === 'yes').length;
    const mean = Math.round((mine.reduce((s, a) => s + Number(a['training-useful']), 0) / mine.length) * 100) / 100;
    expect(rows).toEqual(
      expect.arrayContaining([
        ['Follow-up', 'Council', 'Responded', 14, 15, 93.3],
        ['Follow-up', 'Council', 'Quite or very confident (%)', confident, 14, share(confident)],
        ['Follow-up', 'Council', 'Have used the procedure (%)', used, 14, share(used)],
        ['Follow-up', 'Council', 'Average (1–5): How useful has the training been in your work?', null, 14, mean],
      ]),
    );
    // The questionnaire's own results show the same agency the same way.
    const results = await campaignResults({ store }, ORG, campaignId, OPERATOR);
    const agencyGroups = results.breakdowns.filter((g) => g.by === 'agency');
    expect(agencyGroups.map((g) => [g.group, g.suppressed])).toEqual([
      ['(not recorded)', true],
      ['Council', false],
      ['Police', true],
    ]);
    expect(agencyGroups.find((g) => g.group === 'Council')!.highlights.find((h) => h.label === 'Quite or very confident')!.count).toBe(confident);
  });

  it('leaves blank an agency under five, and the one whose figures would give it away by subtraction', async () => {
    const rows = (await board()).rows;
    const figuresOf = (agency: string) => rows.filter((r) => r[1] === agency && r[2] !== 'Responded').map((r) => [r[3], r[5]]);
    // Health's 3 answers name no agency; the police's 8 would leave those 3 as the total less the council and the police.
    for (const agency of ['Police', 'Health', '(answers naming no agency)']) {
      expect(figuresOf(agency).length).toBeGreaterThan(0);
      expect(figuresOf(agency).every(([count, figure]) => count === null && figure === null)).toBe(true);
    }
    expect(rows.filter((r) => r[2] === 'Responded').map((r) => r.slice(1))).toEqual([
      ['Council', 'Responded', 14, 15, 93.3],
      ['Health', 'Responded', null, 3, null],
      ['Police', 'Responded', null, 8, null],
    ]);
  });

  it('names no member of staff and shows no written answer', async () => {
    const text = JSON.stringify(await partnershipReport({ store, clock: closed }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt: '2026-12-07' }));
    for (const p of [admin, ...staff]) expect(text).not.toContain(p.name);
    expect(text).not.toMatch(/Note \d/);
  });
});
