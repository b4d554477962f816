import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import type { UpdateRound } from '../../../services/rounds/model';
import { DeliverySender } from '../../../services/delivery/sender';
import type { Person } from '../../../services/people/model';
import type { Action } from '../../../services/plan/model';
import { openRounds, roundUpkeep, startRound } from '../../../services/rounds/rounds';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { personalConversationId } from '../../harness/teams-activities';
import { runJobAt } from '../../harness/jobs';
import { openTestStore } from '../../harness/store';
import { domainEvents } from '../../../bot/modules';

const TZ = 'Europe/London';
const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 32 };

describe('an update round before the Named Safeguarding Officers meeting', () => {
  let store: Store;
  let connector: FakeConnector;
  let sender: DeliverySender;
  const calendar = new WorkingCalendar();
  const at = (iso: string) => new FixedClock(iso);
  const chatOf = (personId: string) => personalConversationId({ id: `29:${personId}` });
  const cardsTo = (personId: string) => connector.activities({ conversationId: chatOf(personId) }).map((a) => a.attachments[0].content);
  const text = (card: unknown) => JSON.stringify(card);

  beforeAll(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    sender = new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST);
    await installedPeople(store, connector.serviceUrl, 1, { prefix: 'admin', roles: ['admin'] });
    await installedPeople(store, connector.serviceUrl, 2, { prefix: 'lead' });
    await seed(store, {
      people: [person({ id: 'nochat', name: 'Lead Without Teams' })],
      actions: [
        actionDoc({ id: 'a1', ref: 'LP1.1', leadIds: ['lead0'] }),
        actionDoc({ id: 'a2', ref: 'LP1.2', leadIds: ['lead0'] }),
        actionDoc({ id: 'a3', ref: 'LP2.1', leadIds: ['lead1'] }),
        actionDoc({ id: 'a4', ref: 'LP3.1', leadIds: ['nochat'] }),
        actionDoc({ id: 'done', ref: 'LP3.2', leadIds: ['lead1'], status: 'B', open: false }),
      ],
    });
  });
  afterAll(async () => {
    await connector.close();
    await store.close();
  });

  const admin = async () => (await store.collection<Person>('people').read(ORG, 'admin0'))!;
  const lead = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;

  it('only a plan administrator can start a round, and only with a future deadline', async () => {
    const clock = at('2026-11-23T09:00:00Z');
    await expect(startRound({ store, clock }, { actor: await lead('lead0'), dueBy: '2026-12-04', timeZone: TZ, calendar })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(startRound({ store, clock }, { actor: await admin(), dueBy: '2026-11-20', timeZone: TZ, calendar })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await openRounds(store, ORG)).toHaveLength(0);
  });

  it('starting a round asks every lead with open actions and gives the administrator a live summary', async () => {
    const clock = at('2026-11-23T09:00:00Z');
    const started = await startRound({ store, clock }, { actor: await admin(), dueBy: '2026-12-04', timeZone: TZ, calendar });
    // Starting only opens the round; the app's round upkeep asks the leads, outside the command.
    expect(started.leads).toEqual([]);
    expect(await roundUpkeep({ store, clock }, ORG)).toEqual({ setUp: 1, refreshed: 0 });
    const [round] = await openRounds(store, ORG);
    expect(round!.leads.map((l) => l.personId).sort()).toEqual(['lead0', 'lead1', 'nochat']);
    expect((await store.collection<Action>('actions').read(ORG, 'a1'))?.roundIds).toEqual([round!.id]);
    expect((await store.collection<Action>('actions').read(ORG, 'done'))?.roundIds).toBeUndefined();
    await sender.drain(ORG);
    expect(text(cardsTo('lead0')[0])).toMatch(/Update round: please update your actions by 4 Dec 2026[\s\S]*LP1\.1[\s\S]*LP1\.2/);
    expect(text(cardsTo('lead1')[0])).not.toMatch(/LP3\.2/); // closed actions are not asked about
    const summary = text(cardsTo('admin0').find((c) => /update round/.test(text(c))));
    expect(summary).toMatch(/"text":"0".*"text":"responded".*"text":"2".*"text":"outstanding".*"text":"1".*"text":"unreachable"/);
    expect(summary).toMatch(/Cannot be reached in Teams: Lead Without Teams/);
    await expect(
      startRound({ store, clock: at('2026-11-23T10:00:00Z') }, { actor: await admin(), dueBy: '2026-12-11', timeZone: TZ, calendar }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('as a lead answers, the administrator’s summary is refreshed in place within a minute, once for a burst of answers', async () => {
    const clock = at('2026-11-24T14:00:00Z');
    const summaries = async () => (await deliveryStatus(store, ORG, { purpose: 'round-summary' })).items.length;
    const before = await summaries();
    for (const id of ['a1', 'a2']) {
      const a = (await store.collection<Action>('actions').read(ORG, id))!;
      await submitStatusUpdate(
        { store, clock, events: domainEvents(calendar) },
        { actor: await lead('lead0'), timeZone: TZ, data: { actionId: id, version: a.version, status: 'G', progress: 'On track' } },
      );
    }
    // The answers only noted the change; the next minute's upkeep refreshes the summary once.
    expect(await summaries()).toBe(before);
    expect(await roundUpkeep({ store, clock }, ORG)).toEqual({ setUp: 0, refreshed: 1 });
    expect(await summaries()).toBe(before + 1);
    expect(await roundUpkeep({ store, clock }, ORG)).toEqual({ setUp: 0, refreshed: 0 });
    await sender.drain(ORG);
    const updates = connector.calls.filter((c) => c.method === 'PUT' && c.conversationId === chatOf('admin0'));
    expect(updates.length).toBeGreaterThanOrEqual(1);
    const latest = text(connector.activities({ conversationId: chatOf('admin0') }).at(-1).attachments[0].content);
    expect(latest).toMatch(/Outstanding: Person lead1/);
    expect(latest).toMatch(/Responded: Person lead0/);
  });

  it('chasers go only to leads who have not answered, every second working day and on the deadline', async () => {
    const before = cardsTo('lead0').length;
    for (const day of ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']) {
      const clock = at(`${day}T10:00:00Z`);
      await runJobAt('round-chasers', store, clock, { timeZone: TZ, calendar });
      await sender.drain(ORG);
    }
    expect(cardsTo('lead0')).toHaveLength(before);
    const chasers = (await deliveryStatus(store, ORG, { purpose: 'round-chaser' })).items.map((i) => i.id.replace(/^round-[^-]+-[^-]+-[^-]+-[^-]+-/, ''));
    expect(chasers.sort()).toEqual([
      'chase-2026-11-25-lead1',
      'chase-2026-11-25-nochat',
      'chase-2026-11-27-lead1',
      'chase-2026-11-27-nochat',
      'chase-2026-12-01-lead1',
      'chase-2026-12-01-nochat',
      'chase-2026-12-03-lead1',
      'chase-2026-12-03-nochat',
      'chase-2026-12-04-lead1',
      'chase-2026-12-04-nochat',
    ]);
    expect(text(cardsTo('lead1').at(-1))).toMatch(/Reminder: your update is due by 4 Dec 2026/);
  });

  it('an answer soon after a refresh waits for the next minute, and is then in the summary', async () => {
    const clock = at('2026-12-04T10:00:30Z'); // half a minute after the deadline day's chasers refreshed the summary
    const a3 = (await store.collection<Action>('actions').read(ORG, 'a3'))!;
    const answer = await submitStatusUpdate(
      { store, clock, events: domainEvents(calendar) },
      { actor: await lead('lead1'), timeZone: TZ, data: { actionId: 'a3', version: a3.version, status: 'G', progress: 'Audit booked' } },
    );
    expect(answer.kind).toBe('saved');
    expect(await roundUpkeep({ store, clock }, ORG)).toEqual({ setUp: 0, refreshed: 0 });
    clock.advance(30_000);
    expect(await roundUpkeep({ store, clock }, ORG)).toEqual({ setUp: 0, refreshed: 1 });
    await sender.drain(ORG);
    expect(text(connector.activities({ conversationId: chatOf('admin0') }).at(-1).attachments[0].content)).toMatch(/Responded: Person lead0, Person lead1/);
  });

  it('after the deadline the round closes with a final summary', async () => {
    const clock = at('2026-12-07T10:00:00Z');
    await runJobAt('round-chasers', store, clock, { timeZone: TZ, calendar });
    await sender.drain(ORG);
    expect(await openRounds(store, ORG)).toHaveLength(0);
    expect(text(connector.activities({ conversationId: chatOf('admin0') }).at(-1).attachments[0].content)).toMatch(/Closed update round/);
    // A closed round's stamps come off: an answer now notes nothing.
    expect((await store.collection<Action>('actions').read(ORG, 'a3'))?.roundIds).toEqual([]);
  });
});

describe('a round open when this version was deployed (asked and stamped by the request itself)', () => {
  it('is taken up by the upkeep without asking anyone twice, and keeps its summary card', async () => {
    const store = await openTestStore();
    try {
      const clock = new FixedClock('2026-11-23T09:00:00Z');
      await seed(store, {
        people: [person({ id: 'admin', name: 'Ada Admin', roles: ['admin'] }), person({ id: 'pat', name: 'Pat Police', agency: 'police' })],
        actions: [actionDoc({ id: 'p1', leadIds: ['pat'], roundIds: ['round-2026-11-20-0badc0de'] })],
      });
      const legacy = {
        id: 'round-2026-11-20-0badc0de',
        orgId: ORG,
        kind: 'update-round',
        dueBy: '2026-12-04',
        startedAt: '2026-11-20T09:00:00.000Z',
        startedBy: { personId: 'admin', name: 'Ada Admin' },
        status: 'open',
        leads: [{ personId: 'pat', name: 'Pat Police', actionIds: ['p1'] }],
        summaryVersion: 1,
        summaryHash: 'abc',
      } as const;
      await store.collection<UpdateRound>('rounds').create({ ...legacy, leads: [...legacy.leads.map((l) => ({ ...l, actionIds: [...l.actionIds] }))] });
      await enqueue(store, clock, {
        id: `${legacy.id}-request-pat`,
        orgId: ORG,
        purpose: 'round-request',
        recipient: { personId: 'pat' },
        message: { kind: 'reminder-digest', heading: 'Update round', intro: '', lines: [], snoozeChoices: [] },
      });
      expect(await roundUpkeep({ store, clock }, ORG)).toEqual({ setUp: 1, refreshed: 0 });
      expect((await deliveryStatus(store, ORG, { purpose: 'round-request' })).items).toHaveLength(1);
      const [round] = await openRounds(store, ORG);
      expect(round?.leads).toEqual([expect.objectContaining({ personId: 'pat', agency: 'police', state: 'unreachable' })]);
      // The summary card it had is refreshed in place, not sent again.
      const summaries = (await deliveryStatus(store, ORG, { purpose: 'round-summary' })).items;
      expect(summaries.map((i) => i.id)).toEqual([`${legacy.id}-summary-v2`]);
      expect((await store.collection<Action>('actions').read(ORG, 'p1'))?.roundIds).toEqual([legacy.id]);
    } finally {
      await store.close();
    }
  });
});
