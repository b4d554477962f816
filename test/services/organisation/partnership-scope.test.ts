import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { addAgency } from '../../../services/organisation/agencies';
import type { Person } from '../../../services/people/model';
import type { Table } from '../../../services/core/tabular';
import type { Store } from '../../../services/store/ports';
import { toArray } from '../../../services/store/ports';
import { setUpTraining } from '../../../services/training/catalogue';
import { importPeople, importTraining } from '../../../services/training/import';
import type { TrainingRecord } from '../../../services/training/model';
import { namedOverdueList, trainingRates } from '../../../services/training/reports';
import { pendingSelfReports, reviewSelfReport, selfReport } from '../../../services/training/self-report';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import type { Action } from '../../../services/plan/model';
import { roundStatusFor, setUpRound, startRound } from '../../../services/rounds/rounds';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { canUpdate } from '../../../services/updates/status-update';
import { audienceOf, campaignsVisibleTo, createCampaign } from '../../../services/surveys/campaigns';
import { campaignResults } from '../../../services/surveys/results';
import { enqueueUnreachableDigest } from '../../../services/reach/unreachable-digest';
import { openTestStore } from '../../harness/store';

const clock = new FixedClock('2026-11-22T12:00:00Z');
const AS_AT = '2026-11-22';
const table = (headers: string[], rows: string[][]): Table => ({
  headers,
  rows: rows.map((r, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? ''])) })),
});
const PEOPLE_HEADERS = ['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Agency'];
const TRAINING_HEADERS = ['Employee Number', 'Course', 'Completion Date', 'Status'];

/**
 * A partnership of two agencies, each numbering its staff from 100: the council (lead) and the
 * police. Each agency's HR imports its own people and training.
 */
describe('each agency’s people and training are its own', () => {
  let store: Store;
  const person = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: 'Europe/London' }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: 'Europe/London' }, appEvents());
    await setUpTraining(store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
    const council = await importPeople(
      { store, clock },
      {
        orgId: ORG,
        agency: 'council',
        dryRun: false,
        table: table(PEOPLE_HEADERS, [
          ['100', 'Carol Council', 'carol@council.example', 'Children', 'Social Worker'],
          ['101', 'Hari Council', 'hari@council.example', 'HR', 'HR Officer'],
        ]),
      },
    );
    expect(council).toMatchObject({ created: 2, problems: [] });
    const police = await importPeople(
      { store, clock },
      {
        orgId: ORG,
        agency: 'police',
        dryRun: false,
        table: table(PEOPLE_HEADERS, [
          ['100', 'Pat Police', 'pat@police.example', 'Public Protection', 'Constable', 'Police'],
          ['101', 'Harriet Police', 'harriet@police.example', 'HR', 'HR Officer', ''],
          // HR of the police placing someone in the council is refused, not quietly moved.
          ['102', 'Mallory', 'mallory@police.example', 'HR', 'HR Officer', 'Council'],
        ]),
      },
    );
    expect(police).toMatchObject({ created: 2, problems: [{ rowNumber: 4, reason: 'names the agency "Council", but this import is for police only' }] });
    await store.collection<Person>('people').update(ORG, 'emp-101', (p) => ({ ...p, roles: ['hr'] }));
    await store.collection<Person>('people').update(ORG, 'emp-police-101', (p) => ({ ...p, roles: ['hr'] }));
    // Each completed awareness for its own first person; the police file also names the council's.
    expect(
      await importTraining(
        { store, clock },
        { orgId: ORG, agency: 'council', dryRun: false, table: table(TRAINING_HEADERS, [['100', 'SG-AWARE', '2026-06-01', 'Completed']]) },
      ),
    ).toMatchObject({ created: 1, problems: [] });
    const policeTraining = await importTraining(
      { store, clock },
      {
        orgId: ORG,
        agency: 'police',
        dryRun: false,
        table: table(TRAINING_HEADERS, [
          ['pat@police.example', 'SG-AWARE', '2026-05-01', 'Completed'],
          ['carol@council.example', 'SG-AWARE', '2020-01-01', 'Completed'],
        ]),
      },
    );
    expect(policeTraining).toMatchObject({
      created: 1,
      problems: [{ rowNumber: 3, reason: expect.stringMatching(/no one with employee number or email "carol@council.example"/) }],
    });
  });
  afterAll(() => store.close());

  it('the same employee number in two agencies is two people, each in their own agency', async () => {
    expect(await person('emp-100')).toMatchObject({ name: 'Carol Council', agency: 'council' });
    expect(await person('emp-police-100')).toMatchObject({ name: 'Pat Police', agency: 'police' });
    const records = await toArray(store.collection<TrainingRecord>('training').readAll());
    expect(
      records
        .filter((r) => r.kind === 'record')
        .map((r) => [r.personId, r.agency])
        .sort(),
    ).toEqual([
      ['emp-100', 'council'],
      ['emp-police-100', 'police'],
    ]);
  });

  it('each agency’s HR sees only its own people overdue and its own rates; the operator sees any one agency or all', async () => {
    const councilHr = await person('emp-101');
    const policeHr = await person('emp-police-101');
    expect((await namedOverdueList({ store }, ORG, AS_AT, councilHr)).map((r) => r.name)).toEqual(['Hari Council']);
    expect((await namedOverdueList({ store }, ORG, AS_AT, policeHr)).map((r) => r.name)).toEqual(['Harriet Police']);
    expect(await trainingRates({ store }, ORG, AS_AT, 'course', policeHr)).toEqual([
      expect.objectContaining({ group: 'Safeguarding awareness', required: 2, withinValidity: 1 }),
      expect.objectContaining({ group: 'All', required: 2 }),
    ]);
    expect((await namedOverdueList({ store }, ORG, AS_AT, OPERATOR)).map((r) => r.name).sort()).toEqual(['Hari Council', 'Harriet Police']);
    expect((await namedOverdueList({ store }, ORG, AS_AT, OPERATOR, 'police')).map((r) => r.name)).toEqual(['Harriet Police']);
  });

  it('attack: HR of the police asking for the council’s figures is refused, whatever the route', async () => {
    const policeHr = await person('emp-police-101');
    await expect(namedOverdueList({ store }, ORG, AS_AT, policeHr, 'council')).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
    await expect(trainingRates({ store }, ORG, AS_AT, 'department', policeHr, 'council')).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
  });

  it('a self-reported course goes to the person’s own agency’s HR only, and the other agency’s HR can neither list nor decide it', async () => {
    const pat = await person('emp-police-100');
    const record = await selfReport({ store, clock }, { actor: pat, timeZone: 'Europe/London', data: { courseCode: 'SG-AWARE', completedOn: '2026-11-01' } });
    expect(record.agency).toBe('police');
    const told = await toArray(store.collection<{ id: string; orgId: string; recipient: { personId: string } }>('outbox').readAll());
    expect(told.map((m) => m.recipient.personId)).toEqual(['emp-police-101']);
    expect(await pendingSelfReports({ store }, await person('emp-101'))).toEqual([]);
    await expect(
      reviewSelfReport({ store, clock }, { actor: await person('emp-101'), decision: 'verified', data: { recordId: record.id } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await pendingSelfReports({ store }, await person('emp-police-101'))).map((r) => r.id)).toEqual([record.id]);
    await expect(
      reviewSelfReport({ store, clock }, { actor: await person('emp-police-101'), decision: 'verified', data: { recordId: record.id } }),
    ).resolves.toMatchObject({ review: { decision: 'verified' } });
  });

  it('a questionnaire HR of the police sends to "everyone" asks only the police, and the council’s HR cannot see its results', async () => {
    const policeHr = await person('emp-police-101');
    const councilHr = await person('emp-101');
    const campaign = await createCampaign(
      { store, clock, calendar: new WorkingCalendar() },
      { actor: policeHr, timeZone: 'Europe/London', data: { questionnaire: 'awareness', audience: { type: 'everyone' }, closesOn: '2026-12-04' } },
    );
    expect(campaign).toMatchObject({ agency: 'police', invited: 2 });
    expect((await audienceOf(store, campaign)).sort()).toEqual(['emp-police-100', 'emp-police-101']);
    await expect(campaignResults({ store }, ORG, campaign.id, councilHr)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(campaignResults({ store }, ORG, campaign.id, policeHr)).resolves.toMatchObject({ invited: 2 });
    expect((await campaignsVisibleTo({ store }, councilHr)).map((c) => c.id)).not.toContain(campaign.id);
    expect((await campaignsVisibleTo({ store }, policeHr)).map((c) => c.id)).toContain(campaign.id);
  });

  it('an import naming an agency that is not in the partnership is refused row by row; one for an unknown agency not at all', async () => {
    const report = await importPeople(
      { store, clock },
      {
        orgId: ORG,
        dryRun: true,
        table: table(PEOPLE_HEADERS, [
          ['200', 'Una Known', '', 'X', 'Y', 'Fire Service'],
          ['201', 'Pam', '', 'X', 'Y', 'police'],
        ]),
      },
    );
    expect(report).toMatchObject({
      created: 1,
      problems: [{ rowNumber: 2, reason: expect.stringMatching(/agency "Fire Service" is not one of the partnership's agencies/) }],
    });
    await expect(importPeople({ store, clock }, { orgId: ORG, agency: 'fire', dryRun: true, table: table(PEOPLE_HEADERS, []) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('an agency’s administrator manages its own leads’ actions and its own rounds', () => {
  let store: Store;
  const calendar = new WorkingCalendar();
  const admin = (id: string, agency: string) => person({ id, name: `Admin ${id}`, agency, roles: ['admin'] });
  const [councilAdmin, policeAdmin, healthAdmin] = [admin('ca', 'council'), admin('pa', 'police'), admin('ha', 'health')];
  const carol = person({ id: 'carol', name: 'Carol', agency: 'council' });
  const pat = person({ id: 'pat', name: 'Pat', agency: 'police' });
  const lead = (p: Person) => ({ leadIds: [p.id], leads: [{ name: p.name, personId: p.id }] });

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Police', 'Health']) await addAgency(store, clock, ORG, { name }, { timeZone: 'Europe/London' }, appEvents());
    await seed(store, {
      people: [councilAdmin, policeAdmin, healthAdmin, carol, pat],
      actions: [
        actionDoc({ id: 'council-action', ref: 'LP1.1', ...lead(carol) }),
        actionDoc({ id: 'police-action', ref: 'LP1.2', ...lead(pat) }),
        actionDoc({
          id: 'shared',
          ref: 'LP1.3',
          leadIds: ['carol', 'pat'],
          leads: [
            { name: 'Carol', personId: 'carol' },
            { name: 'Pat', personId: 'pat' },
          ],
        }),
      ],
    });
  });
  afterAll(() => store.close());

  it('may update the actions its people lead (shared ones too), not another agency’s; the lead agency’s administrator any', async () => {
    const may = async (who: Person, id: string) => canUpdate({ store }, who, (await store.collection<Action>('actions').read(ORG, id))!, AS_AT);
    expect(await may(policeAdmin, 'police-action')).toBe(true);
    expect(await may(policeAdmin, 'shared')).toBe(true);
    expect(await may(policeAdmin, 'council-action')).toBe(false);
    expect(await may(healthAdmin, 'shared')).toBe(false);
    expect(await may(councilAdmin, 'police-action')).toBe(true);
  });

  it('a round started by an agency’s administrator asks only its leads, is seen only within that agency, and does not block another agency’s', async () => {
    const started = await setUpRound(
      { store, clock },
      await startRound({ store, clock }, { actor: policeAdmin, dueBy: '2026-12-15', timeZone: 'Europe/London', calendar }),
    );
    expect(started).toMatchObject({ agency: 'police', leads: [{ personId: 'pat', actionIds: ['police-action', 'shared'] }] });
    await expect(startRound({ store, clock }, { actor: councilAdmin, dueBy: '2026-12-15', timeZone: 'Europe/London', calendar })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(startRound({ store, clock }, { actor: healthAdmin, dueBy: '2026-12-15', timeZone: 'Europe/London', calendar })).resolves.toMatchObject({
      agency: 'health',
      leads: [],
    });
    // “round status”: each agency's administrator follows their own agency's round, over its leads only.
    const followed = async (who: Person) => roundStatusFor({ store }, who);
    const police = await followed(policeAdmin);
    expect(police?.round.agency).toBe('police');
    const { responded, outstanding, unreachable } = police!.progress;
    expect([...responded, ...outstanding, ...unreachable]).toEqual(['Pat']);
    expect(await followed(healthAdmin)).toMatchObject({ round: { agency: 'health', leads: [] } });
    // The lead agency's administrator follows the partnership, so either agency's round is theirs to follow.
    expect(['health', 'police']).toContain((await followed(councilAdmin))?.round.agency);
    // Leads are asked, they do not follow: who has answered is for administrators.
    await expect(followed(pat)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('who is told of people the app cannot reach', () => {
  it('each agency’s administrators hear only of their own people; the partnership’s, of everyone', async () => {
    const store = await openTestStore();
    try {
      for (const name of ['Council', 'Police']) await addAgency(store, clock, ORG, { name }, { timeZone: 'Europe/London' }, appEvents());
      await seed(store, {
        people: [
          person({ id: 'ca', name: 'Council Admin', agency: 'council', roles: ['admin'] }),
          person({ id: 'pa', name: 'Police Admin', agency: 'police', roles: ['admin'] }),
          person({ id: 'carol', name: 'Carol Unreached', agency: 'council' }),
          person({ id: 'pat', name: 'Pat Unreached', agency: 'police' }),
        ],
      });
      expect(await enqueueUnreachableDigest(store, clock, ORG, '2026-11-23')).toMatchObject({ digests: 2 });
      const sent = await toArray(
        store.collection<{ id: string; orgId: string; recipient: { personId: string }; message: { text: string } }>('outbox').readAll(),
      );
      const to = (id: string) => sent.find((m) => m.recipient.personId === id)!.message.text;
      expect(to('ca')).toContain('Pat Unreached');
      expect(to('ca')).toContain('Carol Unreached');
      expect(to('pa')).toContain('Pat Unreached');
      expect(to('pa')).not.toContain('Carol');
      expect(to('pa')).not.toContain('Council Admin');
    } finally {
      await store.close();
    }
  });
});
