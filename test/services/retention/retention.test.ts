import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditEntry } from '../../../services/audit/model';
import { FixedClock } from '../../../services/core/clock';
import { loadConfig } from '../../../services/core/config';
import { projectRoot } from '../../../services/core/paths';
import type { ConversationRecord } from '../../../services/conversations/model';
import type { Escalation } from '../../../services/escalations/model';
import type { Person } from '../../../services/people/model';
import type { Table } from '../../../services/core/tabular';
import { applyRetention } from '../../../services/retention/housekeeping';
import { DEFAULT_RETENTION, RETENTION_SCHEDULE, retentionFromConfig } from '../../../services/store/retention-schedule';
import { eraseLeaver, exportSubject } from '../../../services/retention/subject';
import { CONTAINER_NAMES } from '../../../services/store/containers';
import { toArray, type Store } from '../../../services/store/ports';
import type { AudienceChunk, Campaign, RespondedMarker } from '../../../services/surveys/model';
import type { TrainingRecord } from '../../../services/training/model';
import { importPeople } from '../../../services/training/import';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const table = (headers: string[], rows: string[][]): Table => ({
  headers,
  rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(headers.map((h, c) => [h, cells[c] ?? ''])) })),
});
const ids = async (store: Store, container: Parameters<Store['collection']>[0]) =>
  (await toArray(store.collection(container).readAll())).map((d) => d.id).sort();

const escalation = (id: string, over: Partial<Escalation>): Escalation => ({
  id,
  orgId: ORG,
  kind: 'escalation',
  ref: id.toUpperCase(),
  cause: 'other-concern',
  source: 'raised',
  summary: 'Referral not acknowledged',
  immediateRisk: false,
  raisedBy: { personId: 'olly', name: 'Olly Officer' },
  raisedAt: '2020-01-01T09:00:00.000Z',
  involvedPersonIds: [],
  stage: 1,
  stageStartedAt: '2020-01-01T09:00:00.000Z',
  stageDeadline: '2020-01-02',
  highestStage: 1,
  status: 'open',
  history: [],
  version: 1,
  ...over,
});
const record = (id: string, personId: string): TrainingRecord => ({
  id,
  orgId: ORG,
  kind: 'record',
  personId,
  courseCode: 'SG-GEN',
  completedOn: '2018-05-01',
  status: 'completed',
  source: 'import',
  createdAt: '2018-05-02T00:00:00.000Z',
});
const auditAt = (id: string, at: string, who = 'hana'): AuditEntry => ({
  id,
  orgId: ORG,
  kind: 'audit',
  at,
  who,
  surface: 'cli',
  action: 'view',
  record: { kind: 'training-overdue-list', id: at.slice(0, 10) },
});

describe('the retention schedule', () => {
  it('is declared once: a line for each setting, on containers that exist, each a setting in env.sample with the documented default', async () => {
    expect(RETENTION_SCHEDULE.map((l) => l.key).sort()).toEqual(Object.keys(DEFAULT_RETENTION).sort());
    for (const line of RETENTION_SCHEDULE) expect(CONTAINER_NAMES).toContain(line.container);
    expect(retentionFromConfig(loadConfig({}))).toEqual(DEFAULT_RETENTION);
    const sample = await readFile(path.join(projectRoot(), 'env.sample'), 'utf8');
    const config = loadConfig({});
    for (const name of [
      'RETAIN_MESSAGE_BODY_DAYS',
      'RETAIN_DELIVERY_RECORD_DAYS',
      'RETAIN_UNLINKED_SIGN_IN_DAYS',
      'RETAIN_CLOSED_ESCALATION_YEARS',
      'RETAIN_LEAVER_TRAINING_YEARS',
      'RETAIN_CAMPAIGN_YEARS',
      'AUDIT_RETENTION_YEARS',
    ] as const) {
      expect(sample).toContain(`${name}=${config[name]}`);
    }
    expect(() => loadConfig({ RETAIN_MESSAGE_BODY_DAYS: 'a month' })).toThrow(/RETAIN_MESSAGE_BODY_DAYS/);
    expect(() => loadConfig({ AUDIT_RETENTION_YEARS: '0' })).toThrow(/AUDIT_RETENTION_YEARS/);
  });
});

describe('housekeeping applies the retention schedule', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('forgets an unlinked sign-in attempt 90 days after the last one, and never a linked person’s chat', async () => {
    const chat = (id: string, over: Partial<ConversationRecord>): ConversationRecord => ({
      id,
      orgId: ORG,
      kind: 'personal',
      tenantId: 't',
      conversationId: id,
      serviceUrl: 'https://smba.example/',
      botId: 'b',
      reachable: true,
      installedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...over,
    });
    const conversations = store.collection<ConversationRecord>('conversations');
    await conversations.upsert(
      chat('personal-old', {
        user: { aadObjectId: 'old', teamsUserId: '29:old', name: 'Someone' },
        unlinked: { firstTriedAt: '2026-01-01T00:00:00.000Z', lastTriedAt: '2026-01-02T00:00:00.000Z', reason: 'not in the directory' },
      }),
    );
    await conversations.upsert(
      chat('personal-recent', {
        unlinked: { firstTriedAt: '2026-01-01T00:00:00.000Z', lastTriedAt: '2026-03-01T00:00:00.000Z', reason: 'not in the directory' },
      }),
    );
    await conversations.upsert(chat('personal-linked', { personId: 'wes' }));

    expect((await applyRetention({ store, clock: new FixedClock('2026-04-01T00:00:00Z') }, ORG, DEFAULT_RETENTION)).unlinkedSignInDays).toBe(0); // 89 days
    expect((await applyRetention({ store, clock: new FixedClock('2026-04-03T00:00:00Z') }, ORG, DEFAULT_RETENTION)).unlinkedSignInDays).toBe(1);
    expect(await ids(store, 'conversations')).toEqual(['personal-linked', 'personal-recent']);
  });

  it('deletes an escalation 6 years after it closed, and never an open one', async () => {
    await store.collection<Escalation>('escalations').upsert(escalation('esc-old', { status: 'resolved', resolvedAt: '2020-11-20T12:00:00.000Z' }));
    await store.collection<Escalation>('escalations').upsert(escalation('esc-recent', { status: 'resolved', resolvedAt: '2020-11-25T12:00:00.000Z' }));
    await store.collection<Escalation>('escalations').upsert(escalation('esc-open', {}));
    const result = await applyRetention({ store, clock: new FixedClock('2026-11-23T03:30:00Z') }, ORG, DEFAULT_RETENTION);
    expect(result.closedEscalationYears).toBe(1);
    expect(await ids(store, 'escalations')).toEqual(['esc-open', 'esc-recent']);
  });

  it('keeps a leaver’s training records 6 years from the day the HR file first showed them leaving, and a current member of staff’s for as long as they stay', async () => {
    const headers = ['Employee number', 'Full name', 'Department', 'Status'];
    await importPeople(
      { store, clock: new FixedClock('2020-03-01T10:00:00Z') },
      {
        orgId: ORG,
        table: table(headers, [
          ['1', 'Lee Leaver', 'Children', 'active'],
          ['2', 'Stan Stays', 'Children', 'active'],
        ]),
        dryRun: false,
      },
    );
    await importPeople(
      { store, clock: new FixedClock('2020-06-15T10:00:00Z') },
      {
        orgId: ORG,
        table: table(headers, [
          ['1', 'Lee Leaver', 'Children', 'leaver'],
          ['2', 'Stan Stays', 'Children', 'active'],
        ]),
        dryRun: false,
      },
    );
    // A later file still showing them as a leaver does not move the day they left.
    await importPeople(
      { store, clock: new FixedClock('2021-01-10T10:00:00Z') },
      {
        orgId: ORG,
        table: table(headers, [
          ['1', 'Lee Leaver', 'Children', 'leaver'],
          ['2', 'Stan Stays', 'Children', 'active'],
        ]),
        dryRun: false,
      },
    );
    expect(await store.collection<Person>('people').read(ORG, 'emp-1')).toMatchObject({ active: false, leftOn: '2020-06-15' });
    expect((await store.collection<Person>('people').read(ORG, 'emp-2'))!.leftOn).toBeUndefined();
    for (const r of [record('rec-lee', 'emp-1'), record('rec-stan', 'emp-2')]) await store.collection<TrainingRecord>('training').upsert(r);

    expect((await applyRetention({ store, clock: new FixedClock('2026-06-14T03:30:00Z') }, ORG, DEFAULT_RETENTION)).leaverTrainingYears).toBe(0);
    expect((await applyRetention({ store, clock: new FixedClock('2026-06-16T03:30:00Z') }, ORG, DEFAULT_RETENTION)).leaverTrainingYears).toBe(1);
    expect(await ids(store, 'training')).toEqual(['rec-stan']);
  });

  it('removes who was asked and who responded 2 years after a questionnaire closed, keeping its anonymous figures', async () => {
    const campaign = (id: string, status: Campaign['status'], closesOn: string) =>
      ({
        id,
        orgId: ORG,
        kind: 'campaign',
        title: id,
        questionnaire: { key: 'awareness', version: 1 },
        audience: { kind: 'everyone' },
        anonymous: true,
        sendAt: '2024-01-01T09:00:00.000Z',
        closesOn,
        maxChasers: 2,
        chaserEveryWorkingDays: 3,
        status,
        createdBy: { name: 'HR' },
        createdAt: '2024-01-01T09:00:00.000Z',
        invited: 1,
      }) as unknown as Campaign;
    const surveys = store.collection<Campaign | AudienceChunk | RespondedMarker>('surveys');
    for (const [id, status, closesOn] of [
      ['old', 'closed', '2024-11-20'],
      ['recent', 'closed', '2024-11-25'],
    ] as const) {
      await surveys.upsert(campaign(id, status, closesOn));
      await surveys.upsert({ id: `audience-${id}-0`, orgId: ORG, kind: 'audience', campaignId: id, personIds: ['wes'] });
      await surveys.upsert({ id: `responded-${id}-wes`, orgId: ORG, kind: 'responded', campaignId: id, personId: 'wes' });
    }
    expect((await applyRetention({ store, clock: new FixedClock('2026-11-23T03:30:00Z') }, ORG, DEFAULT_RETENTION)).campaignYears).toBe(2);
    expect(await ids(store, 'surveys')).toEqual(['audience-recent-0', 'old', 'recent', 'responded-recent-wes']);
  });

  it('deletes audit entries after AUDIT_RETENTION_YEARS', async () => {
    for (const e of [auditAt('aud-old', '2020-11-22T10:00:00.000Z'), auditAt('aud-new', '2020-11-24T10:00:00.000Z')])
      await store.collection<AuditEntry>('audit').upsert(e);
    expect((await applyRetention({ store, clock: new FixedClock('2026-11-23T03:30:00Z') }, ORG, DEFAULT_RETENTION)).auditYears).toBe(1);
    expect(await ids(store, 'audit')).toEqual(['aud-new']);
    // Set to ten years, the same entry stays.
    await store.collection<AuditEntry>('audit').upsert(auditAt('aud-old', '2020-11-22T10:00:00.000Z'));
    expect((await applyRetention({ store, clock: new FixedClock('2026-11-23T03:30:00Z') }, ORG, { ...DEFAULT_RETENTION, auditYears: 10 })).auditYears).toBe(0);
  });
});

describe('people erase: a leaver past every retention period', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T10:00:00Z');
  beforeEach(async () => {
    store = await openTestStore();
    await seed(store, {
      people: [
        person({ id: 'lee', name: 'Lee Leaver', active: false, leftOn: '2019-03-01', aadObjectId: 'aad-lee' }),
        person({ id: 'new', name: 'Nia Newleaver', active: false, leftOn: '2024-03-01' }),
        person({ id: 'stan', name: 'Stan Stays', managerId: 'lee', leave: { until: '2027-01-01', delegateId: 'lee' } }),
        person({ id: 'ada', name: 'Ada Admin', roles: ['admin'] }),
        person({ id: 'olly', name: 'Olly Officer' }),
      ],
      actions: [
        actionDoc({
          id: 'a1',
          leads: [
            { name: 'Lee Leaver', personId: 'lee' },
            { name: 'Stan Stays', personId: 'stan' },
          ],
          leadIds: ['lee', 'stan'],
          history: [
            {
              id: 'u1',
              at: '2018-01-01T10:00:00.000Z',
              by: { name: 'Lee Leaver', personId: 'lee' },
              source: 'teams',
              previousStatus: 'A',
              status: 'G',
              progress: 'Done the audit',
            },
          ],
        }),
      ],
    });
    await store.collection<TrainingRecord>('training').upsert(record('rec-lee', 'lee'));
  });
  afterEach(() => store.close());

  it('refuses someone still within a period, naming what is kept and until when', async () => {
    await expect(eraseLeaver({ store, clock }, ORG, 'new', 'operator', DEFAULT_RETENTION, true)).rejects.toMatchObject({
      code: 'WITHIN_RETENTION',
      message: expect.stringMatching(/Nia Newleaver \(new\) cannot be erased yet\. Still kept: their training records until 2030-03-01/),
    });
    await expect(eraseLeaver({ store, clock }, ORG, 'stan', 'operator', DEFAULT_RETENTION, true)).rejects.toMatchObject({
      code: 'WITHIN_RETENTION',
      message: expect.stringMatching(/is not a leaver/),
    });
    // A case they raised, closed three years ago, is still part of the central record.
    await store
      .collection<Escalation>('escalations')
      .upsert(escalation('esc-lee', { raisedBy: { personId: 'lee', name: 'Lee Leaver' }, status: 'resolved', resolvedAt: '2023-05-01T10:00:00.000Z' }));
    await expect(eraseLeaver({ store, clock }, ORG, 'lee', 'operator', DEFAULT_RETENTION, false)).rejects.toMatchObject({
      code: 'WITHIN_RETENTION',
      message: expect.stringMatching(/escalation ESC-LEE until 2029-05-01/),
    });
    expect(await store.collection<Person>('people').read(ORG, 'lee')).toBeDefined();
  });

  it('refuses anyone but the partnership’s administrators, and says who is unknown', async () => {
    const olly = (await store.collection<Person>('people').read(ORG, 'olly'))!;
    await expect(eraseLeaver({ store, clock }, ORG, 'lee', olly, DEFAULT_RETENTION, true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(exportSubject({ store, clock }, ORG, 'lee', olly)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(eraseLeaver({ store, clock }, ORG, 'nobody', 'operator', DEFAULT_RETENTION, true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a dry run says what it will do and changes nothing; the erasure removes them and leaves the plan naming a former member of staff', async () => {
    const before = await toArray(store.collection('people').readAll());
    const plan = await eraseLeaver({ store, clock }, ORG, 'lee', 'operator', DEFAULT_RETENTION, true);
    expect(plan.steps).toEqual(
      expect.arrayContaining([
        { what: 'training records and summary', count: 1, how: 'deleted' },
        { what: 'actions they led (their name as lead and on their updates)', count: 1, how: 'anonymised' },
        { what: 'people they managed or covered for (the reference to them)', count: 1, how: 'anonymised' },
        { what: 'directory record', count: 1, how: 'deleted' },
      ]),
    );
    expect(await toArray(store.collection('people').readAll())).toEqual(before);
    expect(await ids(store, 'training')).toEqual(['rec-lee']);

    const admin = (await store.collection<Person>('people').read(ORG, 'ada'))!;
    await eraseLeaver({ store, clock }, ORG, 'lee', admin, DEFAULT_RETENTION, false);
    expect(await store.collection<Person>('people').read(ORG, 'lee')).toBeUndefined();
    expect(await ids(store, 'training')).toEqual([]);
    const action = (await store.collection('actions').read(ORG, 'a1')) as unknown as { leads: unknown[]; leadIds: string[]; history: { by: unknown }[] };
    expect(action.leads).toEqual([{ name: 'Former member of staff' }, { name: 'Stan Stays', personId: 'stan' }]);
    expect(action.leadIds).toEqual(['stan']);
    expect(action.history[0]!.by).toEqual({ name: 'Former member of staff' });
    const stan = (await store.collection<Person>('people').read(ORG, 'stan'))!;
    expect(stan.managerId).toBeUndefined();
    expect(stan.leave).toBeUndefined();
    expect(JSON.stringify(await toArray(store.collection('people').readAll()))).not.toContain('Lee Leaver');
  });
});
