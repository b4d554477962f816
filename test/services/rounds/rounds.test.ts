import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import type { Person } from '../../../services/people/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Action } from '../../../services/plan/model';
import { openRounds, startRound } from '../../../services/rounds/rounds';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { personalConversationId } from '../../harness/teams-activities';
import { openTestStore } from '../../harness/store';
import { domainEvents } from '../../../services/events/handlers';

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
    await expect(startRound({ store, clock }, { actor: await lead('lead0'), dueBy: '2026-12-04', timeZone: TZ, calendar })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(startRound({ store, clock }, { actor: await admin(), dueBy: '2026-11-20', timeZone: TZ, calendar })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await openRounds(store, ORG)).toHaveLength(0);
  });

  it('starting a round asks every lead with open actions and gives the administrator a live summary', async () => {
    const round = await startRound({ store, clock: at('2026-11-23T09:00:00Z') }, { actor: await admin(), dueBy: '2026-12-04', timeZone: TZ, calendar });
    expect(round.leads.map((l) => l.personId).sort()).toEqual(['lead0', 'lead1', 'nochat']);
    await sender.drain(ORG);
    expect(text(cardsTo('lead0')[0])).toMatch(/Update round: please update your actions by 4 Dec 2026[\s\S]*LP1\.1[\s\S]*LP1\.2/);
    expect(text(cardsTo('lead1')[0])).not.toMatch(/LP3\.2/); // closed actions are not asked about
    const summary = text(cardsTo('admin0').find((c) => /update round/.test(text(c))));
    expect(summary).toMatch(/"text":"0".*"text":"responded".*"text":"2".*"text":"outstanding".*"text":"1".*"text":"unreachable"/);
    expect(summary).toMatch(/Cannot be reached in Teams: Lead Without Teams/);
    await expect(startRound({ store, clock: at('2026-11-23T10:00:00Z') }, { actor: await admin(), dueBy: '2026-12-11', timeZone: TZ, calendar })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('as a lead answers, the administrator’s summary is refreshed in place', async () => {
    const clock = at('2026-11-24T14:00:00Z');
    for (const id of ['a1', 'a2']) {
      const a = (await store.collection<Action>('actions').read(ORG, id))!;
      await submitStatusUpdate({ store, clock, events: domainEvents(calendar) }, { actor: await lead('lead0'), timeZone: TZ, data: { actionId: id, version: a.version, status: 'G', progress: 'On track' } });
    }
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
      await runJob('round-chasers', { store, clock, orgId: ORG, organisation: await ensureOrganisation(store, clock, ORG, { timeZone: TZ }), calendar, logger: silentLogger });
      await sender.drain(ORG);
    }
    expect(cardsTo('lead0')).toHaveLength(before);
    const chasers = (await deliveryStatus(store, ORG, { purpose: 'round-chaser' })).items.map((i) => i.id.replace(/^round-[^-]+-[^-]+-[^-]+-[^-]+-/, ''));
    expect(chasers.sort()).toEqual(['chase-2026-11-25-lead1', 'chase-2026-11-25-nochat', 'chase-2026-11-27-lead1', 'chase-2026-11-27-nochat', 'chase-2026-12-01-lead1', 'chase-2026-12-01-nochat', 'chase-2026-12-03-lead1', 'chase-2026-12-03-nochat', 'chase-2026-12-04-lead1', 'chase-2026-12-04-nochat']);
    expect(text(cardsTo('lead1').at(-1))).toMatch(/Reminder: your update is due by 4 Dec 2026/);
  });

  it('after the deadline the round closes with a final summary', async () => {
    const clock = at('2026-12-07T10:00:00Z');
    await runJob('round-chasers', { store, clock, orgId: ORG, organisation: await ensureOrganisation(store, clock, ORG, { timeZone: TZ }), calendar, logger: silentLogger });
    await sender.drain(ORG);
    expect(await openRounds(store, ORG)).toHaveLength(0);
    expect(text(connector.activities({ conversationId: chatOf('admin0') }).at(-1).attachments[0].content)).toMatch(/Closed update round/);
  });
});
