import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import type { ConversationRecord } from '../../../services/conversations/model';
import { DeliverySender } from '../../../services/delivery/sender';
import { actOnEscalation, openEscalations, raiseEscalation } from '../../../services/escalations/escalations';
import type { Escalation } from '../../../services/escalations/model';
import { DEFAULT_LADDER } from '../../../services/organisation/escalation-ladder';
import { escalationReport } from '../../../services/escalations/report';
import { OPERATOR } from '../../../services/access/policy';
import type { Person } from '../../../services/people/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Organisation } from '../../../services/organisation/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { toArray } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { actionDoc, ORG, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { personalConversationId, TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';
import { domainEvents } from '../../../bot/modules';

const TZ = 'Europe/London';
const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 32 };
const CHANNEL = 'channel-19:leads@thread.tacv2';

describe('escalations up the ladder', () => {
  let store: Store;
  let connector: FakeConnector;
  let sender: DeliverySender;
  let organisation: Organisation;
  const calendar = new WorkingCalendar();
  const people: Record<string, Person> = {};
  const chat = (id: string) => personalConversationId({ id: `29:${id}` });
  const alertsTo = (conversationId: string) => connector.activities({ conversationId }).map((a) => JSON.stringify(a.attachments[0].content));
  const deps = (iso: string) => ({ store, clock: new FixedClock(iso), calendar });
  const job = async (iso: string) => {
    const clock = new FixedClock(iso);
    const result = await runJob('escalations', { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
    await sender.drain(ORG);
    return result;
  };
  const redUpdate = async (iso: string, version: number) => {
    await submitStatusUpdate(
      { ...deps(iso), events: domainEvents(calendar) },
      {
        actor: people.val!,
        timeZone: TZ,
        data: { actionId: 'A1', version, status: 'R', progress: 'Stalled', reason: 'No venue.', remedialAction: 'Ask the director' },
      },
    );
    await sender.drain(ORG);
  };
  const stored = async (): Promise<Escalation[]> =>
    toArray(
      store
        .collection<Escalation>('escalations')
        .query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation'", parameters: [{ name: '@orgId', value: ORG }] }),
    );

  beforeAll(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    sender = new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST);
    const roles: [string, Person['roles']][] = [
      ['val', ['officer']],
      ['sgl', ['safeguarding-lead']],
      ['mgr', ['manager']],
      ['bm', ['business-manager']],
      ['hos', ['head-of-service']],
      ['other', ['officer']],
    ];
    for (const [id, r] of roles) {
      const [p] = await installedPeople(store, connector.serviceUrl, 1, { prefix: id, roles: r });
      people[id] = p!;
    }
    people.val = await store.collection<Person>('people').update(ORG, 'val0', (p) => ({ ...p, managerId: 'mgr0' }));
    await store.collection<ConversationRecord>('conversations').upsert({
      id: CHANNEL,
      orgId: ORG,
      kind: 'channel',
      tenantId: TEST_TENANT_ID,
      conversationId: '19:leads@thread.tacv2',
      serviceUrl: connector.serviceUrl,
      botId: `28:${TEST_BOT_ID}`,
      team: { id: '19:leads@thread.tacv2', name: 'Safeguarding leads' },
      reachable: true,
      installedAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    });
    await seed(store, { actions: [actionDoc({ id: 'A1', ref: 'LP2.3', leadIds: ['val0'], leads: [{ name: 'Person val0', personId: 'val0' }] })] });
    await ensureOrganisation(store, new FixedClock('2026-11-01T00:00:00Z'), ORG, { timeZone: TZ });
    organisation = await store.collection<Organisation>('organisations').update(ORG, ORG, (o) => ({
      ...o,
      escalationLadder: DEFAULT_LADDER.map((s, i) => (i === 1 ? { ...s, channelKeys: [CHANNEL] } : s)),
    }));
  });
  afterAll(async () => {
    await connector.close();
    await store.close();
  });

  it('an action turning Red alerts stage 1 (the action’s lead) within 3 working days', async () => {
    await redUpdate('2026-11-23T10:00:00Z', 1); // Monday
    const [e] = await openEscalations(store, ORG);
    expect(e).toMatchObject({ cause: 'action-red', stage: 1, stageDeadline: '2026-11-26', actionRef: 'LP2.3', ref: 'ESC-2026-0001' });
    expect(alertsTo(chat('val0')).filter((c) => /Action turned Red \(stage 1/.test(c))).toHaveLength(1);
    // The lead ended the reason with a full stop and the remedial action without one: each sentence ends once.
    expect(e!.summary).toMatch(/ Reason: No venue\. Remedial action: Ask the director\.$/);
  });

  it('repeated nightly runs open no duplicates, and a replayed Red update opens nothing new', async () => {
    await redUpdate('2026-11-23T10:01:00Z', 1);
    await job('2026-11-24T08:30:00Z');
    await job('2026-11-24T08:30:00Z');
    await job('2026-11-25T08:30:00Z');
    expect(await stored()).toHaveLength(1);
  });

  it('someone who is not a recipient of the stage cannot act on it', async () => {
    const [e] = await openEscalations(store, ORG);
    await expect(
      actOnEscalation(deps('2026-11-25T11:00:00Z'), { actor: people.other!, organisation, step: 'acknowledge', data: { escalationId: e!.id } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' }); // nor see it
    expect((await openEscalations(store, ORG))[0]!.acknowledged).toBeUndefined();
  });

  it('ignored past its deadline, it moves to stage 2 by itself: managers, leads and the channel are alerted, the business manager informed', async () => {
    await job('2026-11-26T08:30:00Z'); // the deadline day itself: not yet
    expect((await openEscalations(store, ORG))[0]!.stage).toBe(1);
    const result = await job('2026-11-27T08:30:00Z');
    expect(result).toMatchObject({ moved: 1 });
    const [e] = await openEscalations(store, ORG);
    expect(e).toMatchObject({ stage: 2, highestStage: 2, stageDeadline: '2026-12-01' });
    expect(e!.history.at(-1)).toMatchObject({ what: 'auto-moved', stage: 2, text: 'Stage 1 was not acknowledged by 26 Nov 2026.' });
    for (const who of ['mgr0', 'sgl0'])
      expect(alertsTo(chat(who)).some((c) => /stage 2/.test(c) && /Moved up automatically/.test(c) && /esc\.acknowledge/.test(c))).toBe(true);
    // The channel is told the reference, stage and deadline only.
    expect(
      alertsTo('19:leads@thread.tacv2').some(
        (c) => /ESC-2026-0001 needs attention/.test(c) && /2 of 4: Managers and named safeguarding leads/.test(c) && !/LP2\.3|Person val0/.test(c),
      ),
    ).toBe(true);
    const informed = alertsTo(chat('bm0'));
    expect(informed).toHaveLength(1);
    expect(informed[0]).toMatch(/For information/);
    expect(informed[0]).not.toMatch(/esc\.acknowledge/);
  });

  it('acknowledging stops the timer', async () => {
    const [e] = await openEscalations(store, ORG);
    await actOnEscalation(deps('2026-11-27T11:00:00Z'), { actor: people.mgr!, organisation, step: 'acknowledge', data: { escalationId: e!.id } });
    await job('2026-12-02T08:30:00Z');
    await job('2026-12-08T08:30:00Z');
    expect((await openEscalations(store, ORG))[0]).toMatchObject({ stage: 2, acknowledged: { by: { personId: 'mgr0' } } });
  });

  it('resolving requires an outcome; with one it is closed and every step is on record', async () => {
    const [e] = await openEscalations(store, ORG);
    await expect(
      actOnEscalation(deps('2026-12-09T11:00:00Z'), { actor: people.sgl!, organisation, step: 'resolve', data: { escalationId: e!.id, text: ' ' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: 'Resolving needs the outcome.' });
    await actOnEscalation(deps('2026-12-09T11:00:00Z'), {
      actor: people.sgl!,
      organisation,
      step: 'resolve',
      data: { escalationId: e!.id, text: 'Director found a venue; back to Amber.' },
    });
    const [closed] = await stored();
    expect(closed).toMatchObject({ status: 'resolved', outcome: 'Director found a venue; back to Amber.' });
    expect(closed!.history.map((h) => `${h.what}@${h.stage}:${h.by.personId ?? 'system'}`)).toEqual([
      'raised@1:system',
      'auto-moved@2:system',
      'acknowledged@2:mgr0',
      'resolved@2:sgl0',
    ]);
  });

  it('a raised concern with identifying details is refused and nothing is stored', async () => {
    const before = (await stored()).length;
    for (const asked of ['Child born on 12 March 2015', 'DOB 12/03/2015', 'NHS number 943 476 5919', 'Call mum on 07700 900123', 'Ring 01865 252209']) {
      await expect(
        raiseEscalation(deps('2026-12-10T10:00:00Z'), {
          actor: people.val!,
          organisation,
          data: { category: 'referral-outcome', agency: 'MASH', caseReference: 'MASH-2026-0042', asked, wanted: 'Feedback on the referral' },
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'asked' }] });
    }
    await expect(
      raiseEscalation(deps('2026-12-10T10:00:00Z'), {
        actor: people.val!,
        organisation,
        data: { category: 'referral-outcome', agency: 'MASH', caseReference: 'Jane Smith', asked: 'x', wanted: 'y' },
      }),
    ).rejects.toMatchObject({ fields: [{ field: 'caseReference' }] });
    expect(await stored()).toHaveLength(before);
  });

  it('a raised concern goes to the raiser’s manager at stage 1, or straight to stage 2 when there is immediate risk', async () => {
    const { escalation: normal } = await raiseEscalation(deps('2026-12-10T10:00:00Z'), {
      actor: people.val!,
      organisation,
      data: {
        category: 'referral-outcome',
        agency: 'MASH',
        caseReference: 'MASH-2026-0042',
        asked: 'Outcome of the referral made in November',
        wanted: 'Feedback within a week',
      },
    });
    expect(normal).toMatchObject({ stage: 1, involvedPersonIds: ['mgr0'], ref: 'ESC-2026-0002' });
    const { escalation: urgent } = await raiseEscalation(deps('2026-12-10T10:05:00Z'), {
      actor: people.val!,
      organisation,
      data: {
        category: 'professional-disagreement',
        agency: 'Children’s social care',
        caseReference: 'CSC/2026/77',
        asked: 'Strategy meeting',
        wanted: 'Meeting this week',
        immediateRisk: 'true',
      },
    });
    expect(urgent.stage).toBe(2);
    await sender.drain(ORG);
    expect(alertsTo(chat('mgr0')).some((c) => /Concern about a referral outcome \(stage 1/.test(c))).toBe(true);
    expect(alertsTo('19:leads@thread.tacv2').some((c) => /ESC-2026-0003 needs attention/.test(c))).toBe(true);
    expect(alertsTo('19:leads@thread.tacv2').join('\n')).not.toMatch(/Immediate risk|Professional disagreement|CSC\/2026\/77|Children’s social care/);
  });

  it('feedback that does not arrive by its date escalates like a missed deadline', async () => {
    const e = (await openEscalations(store, ORG)).find((x) => x.cause === 'referral-outcome')!;
    await actOnEscalation(deps('2026-12-10T12:00:00Z'), { actor: people.mgr!, organisation, step: 'acknowledge', data: { escalationId: e.id } });
    await actOnEscalation(deps('2026-12-10T12:00:00Z'), {
      actor: people.mgr!,
      organisation,
      step: 'request-feedback',
      data: { escalationId: e.id, feedbackFrom: 'MASH', feedbackDue: '2026-12-14' },
    });
    await job('2026-12-14T08:30:00Z');
    expect((await store.collection<Escalation>('escalations').read(ORG, e.id))!.stage).toBe(1);
    await job('2026-12-15T08:30:00Z');
    const after = (await store.collection<Escalation>('escalations').read(ORG, e.id))!;
    expect(after).toMatchObject({ stage: 2 });
    expect(after.history.at(-1)).toMatchObject({ what: 'feedback-overdue', text: 'Feedback from MASH was due by 14 Dec 2026 and has not arrived.' });
  });
  it('an action overdue 10 working days with no update opens one "overdue" escalation, whatever the number of runs', async () => {
    await seed(store, {
      actions: [
        actionDoc({
          id: 'A2',
          ref: 'LP3.1',
          leadIds: ['val0'],
          due: { dates: ['2027-01-04'], ongoing: null, text: '4 January 2027' },
          nextDueDate: '2027-01-04',
        }),
      ],
    });
    await job('2027-01-15T08:30:00Z'); // 9 working days after Mon 4 Jan
    expect((await stored()).filter((e) => e.actionId === 'A2')).toHaveLength(0);
    await job('2027-01-18T08:30:00Z'); // 10
    await job('2027-01-18T08:30:00Z');
    await job('2027-01-19T08:30:00Z');
    expect((await stored()).filter((e) => e.actionId === 'A2').map((e) => e.cause)).toEqual(['overdue']);
    await job('2027-01-25T08:30:00Z'); // 15 working days overdue: the due-day reminder and three chasers unanswered
    expect(
      (await stored())
        .filter((e) => e.actionId === 'A2')
        .map((e) => e.cause)
        .sort(),
    ).toEqual(['no-response', 'overdue']);
    for (const e of (await stored()).filter((x) => x.actionId === 'A2')) {
      await actOnEscalation(deps('2027-01-25T09:00:00Z'), {
        actor: people.sgl!,
        organisation,
        step: 'resolve',
        data: { escalationId: e.id, text: 'Chased by phone' },
      });
    }
  });
});

describe('the central record’s three-monthly review', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('matches figures computed by hand over a seeded quarter', async () => {
    const base = {
      orgId: ORG,
      kind: 'escalation' as const,
      source: 'raised' as const,
      summary: 's',
      immediateRisk: false,
      raisedBy: { name: 'x' },
      involvedPersonIds: [],
      stageStartedAt: '',
      stageDeadline: '',
      version: 1,
    };
    const step = (stage: number) => [{ at: '', by: { name: 'x' }, what: 'raised' as const, stage }];
    const seeded: Escalation[] = [
      // 1. raised 1 Jul, acknowledged after 2 days, resolved after 10; stayed at stage 1
      {
        ...base,
        id: 'e1',
        ref: 'R1',
        cause: 'action-red',
        raisedAt: '2026-07-01T09:00:00Z',
        firstAcknowledgedAt: '2026-07-03T09:00:00Z',
        resolvedAt: '2026-07-11T09:00:00Z',
        status: 'resolved',
        stage: 1,
        highestStage: 1,
        history: step(1),
      },
      // 2. raised 15 Aug, acknowledged after 1 day, went to stage 3, resolved after 20 days; feedback arrived on time
      {
        ...base,
        id: 'e2',
        ref: 'R2',
        cause: 'referral-outcome',
        raisedAt: '2026-08-15T09:00:00Z',
        firstAcknowledgedAt: '2026-08-16T09:00:00Z',
        resolvedAt: '2026-09-04T09:00:00Z',
        status: 'resolved',
        stage: 3,
        highestStage: 3,
        history: step(1),
        feedback: { from: 'MASH', dueBy: '2026-08-25', requestedAt: '2026-08-16T09:00:00Z', receivedAt: '2026-08-24T09:00:00Z' },
      },
      // 3. raised 30 Sep (immediate risk, started at 2), never acknowledged, still open; feedback still awaited
      {
        ...base,
        id: 'e3',
        ref: 'R3',
        cause: 'professional-disagreement',
        raisedAt: '2026-09-30T15:00:00Z',
        status: 'open',
        stage: 2,
        highestStage: 2,
        history: step(2),
        feedback: { from: 'Police', dueBy: '2026-10-07', requestedAt: '2026-09-30T16:00:00Z' },
      },
      // 4. raised 20 Sep, acknowledged after 3 days, moved 1→2, still open; feedback arrived late
      {
        ...base,
        id: 'e4',
        ref: 'R4',
        cause: 'action-red',
        raisedAt: '2026-09-20T09:00:00Z',
        firstAcknowledgedAt: '2026-09-23T09:00:00Z',
        status: 'open',
        stage: 2,
        highestStage: 2,
        history: step(1),
        feedback: { from: 'ICB', dueBy: '2026-09-25', requestedAt: '2026-09-21T09:00:00Z', receivedAt: '2026-09-29T09:00:00Z' },
      },
      // 30 Jun 23:30 UTC is 1 Jul 00:30 in London (BST), so it is in the quarter
      { ...base, id: 'e5', ref: 'R5', cause: 'overdue', raisedAt: '2026-06-30T23:30:00Z', status: 'open', stage: 1, highestStage: 1, history: step(1) },
      // outside the quarter: 1 Oct
      { ...base, id: 'e6', ref: 'R6', cause: 'overdue', raisedAt: '2026-10-01T09:00:00Z', status: 'open', stage: 1, highestStage: 1, history: step(1) },
    ];
    for (const e of seeded) await store.collection<Escalation>('escalations').upsert(e);
    const organisation = await ensureOrganisation(store, new FixedClock('2026-10-01T00:00:00Z'), ORG, { timeZone: TZ });
    const report = await escalationReport(store, organisation, '2026-07-01', '2026-09-30', OPERATOR);
    expect(report).toEqual({
      from: '2026-07-01',
      to: '2026-09-30',
      raised: 5, // e1–e5
      byCause: { 'action-red': 2, 'referral-outcome': 1, 'professional-disagreement': 1, overdue: 1 },
      byHighestStage: { '1': 2, '2': 2, '3': 1 },
      acknowledged: 3,
      meanDaysToAcknowledge: 2, // (2 + 1 + 3) / 3
      resolved: 2,
      meanDaysToResolve: 15, // (10 + 20) / 2
      feedback: { requested: 3, onTime: 1, late: 1, awaited: 1 },
      escalationNeeded: 2, // e2 (1→3) and e4 (1→2); e3 started at 2
      stillOpen: 3, // e3, e4, e5
    });
  });
});
