import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import https from 'node:https';
import { FixedClock } from '../../../services/core/clock';
import { loadConfig, type Config } from '../../../services/core/config';
import { silentLogger } from '../../../services/core/logger';
import type { ConversationRecord } from '../../../services/conversations/model';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { DeliverySender } from '../../../services/delivery/sender';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Person } from '../../../services/people/model';
import type { ReachState } from '../../../services/reach/model';
import { reachStateId } from '../../../services/reach/reach';
import { mailerFromConfig, reachFromConfig, type ReachWiring } from '../../../services/reach/setup';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob, type JobContext } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { FakeGraph, type GraphCall } from '../../harness/fake-graph';
import { actionLedBy, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';

const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';
const MAILBOX = 'safeguarding-tracker@council.example';
const INSTALL_PERMISSION = 'TeamsAppInstallation.ReadWriteSelfForUser.All';
const MONDAY = '2026-11-23';

/**
 * The "done means", end to end over HTTP: the embedded store, a fake Microsoft Graph
 * (HTTPS, with its Entra token endpoint) and a fake Bot Connector. The reach wiring and the mailer
 * come from configuration as the app builds them; the jobs run as the scheduler runs them; the
 * outbox sends with the app's sender at a test pace (installs and emails are paced far faster
 * than Graph and Exchange allow, so the run takes seconds).
 */
describe('a working morning for 200 directory people none of whom has opened the app', () => {
  let store: Store;
  let connector: FakeConnector;
  let graph: FakeGraph;
  let agent: https.Agent;
  let config: Config;
  const clock = new FixedClock(`${MONDAY}T08:00:00Z`);

  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    graph = await FakeGraph.start(CLIENT);
    graph.limitMailTo(MAILBOX);
    agent = new https.Agent({ ca: graph.ca, keepAlive: true });
    // The settings an administrator gives the app, with the fakes' addresses.
    config = loadConfig({
      ...graph.appSettings(),
      LOG_LEVEL: 'silent',
      DEFAULT_ORG_ID: ORG,
      ALLOWED_TENANT_IDS: TEST_TENANT_ID,
      TEAMS_CATALOG_APP_ID: CATALOG_APP,
      MAIL_SENDER: MAILBOX,
      TEAMS_SERVICE_URL: connector.serviceUrl,
    });
  });
  afterEach(async () => {
    agent.destroy();
    await graph.close();
    await connector.close();
    await store.close();
  });

  /** The reach job's wiring as the app builds it, installing at a test pace. */
  const reachWiring = (): ReachWiring => {
    const wiring = reachFromConfig(config, { agent })!;
    return { ...wiring, settings: { ...wiring.settings, installsPerSecond: 1000 } };
  };
  const sender = () =>
    new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger, mailer: mailerFromConfig(config, { agent })! },
      { perSecond: 500, conversationIntervalMs: 0, maxConcurrent: 32, emailsPerMinute: 60_000 },
    );
  const jobContext = async (reach: ReachWiring): Promise<JobContext> => ({
    store,
    clock,
    orgId: ORG,
    organisation: await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' }),
    calendar: new WorkingCalendar(),
    logger: silentLogger,
    reach,
    emailEnabled: !!config.MAIL_SENDER,
  });
  /** The scheduler's morning: the reach job at 08:00, the reminders at 09:00, then the outbox is sent. */
  const morning = async (day: string, ctx: JobContext, send: DeliverySender) => {
    clock.set(`${day}T08:00:00Z`);
    const reach = await runJob('reach', ctx);
    clock.set(`${day}T09:00:00Z`);
    const reminders = await runJob('daily-reminders', ctx);
    const sent = await send.drain(ORG, { waitMs: 15_000 });
    return { reach, reminders, sent };
  };
  /** Each owner leads one action due on the day, so each is owed exactly one reminder. */
  const ownActionsDue = (owners: Person[], day: string) =>
    seed(store, {
      actions: owners.map((p) => actionLedBy(p, day)),
    });
  const installPosts = () => graph.graphCalls({ method: 'POST', pathEndsWith: '/installedApps' });
  const chatOf = (p: Person) => graph.installationsFor(p.aadObjectId!)[0]!.chatId;
  /** Whether each call answered 429 was tried again no sooner than its Retry-After (in seconds) said. */
  const waitedAfter429 = (calls: GraphCall[], seconds: number) =>
    calls
      .filter((c) => c.status === 429)
      .map((throttled) => {
        const retry = graph.calls.find(
          (c) => c !== throttled && c.method === throttled.method && c.path === throttled.path && c.at >= throttled.at && c.status !== 429,
        );
        return retry ? retry.at - throttled.at >= seconds * 1000 - 5 : false;
      });

  it('installs the app for the home tenant and reaches them in Teams, emails the rest, marks the one blocked person once, sends the administrator one digest; a rerun sends nothing twice', async () => {
    // 170 council staff, one of them the plan administrator, one for whom a Teams policy blocks the app (and who has no email address);
    // 30 partner-agency officers Graph does not know in this tenant, 27 of them with an email address.
    const staff = Array.from({ length: 170 }, (_, i) =>
      person({
        id: `staff${i}`,
        name: `Staff ${i}`,
        aadObjectId: `aad-staff${i}`,
        ...(i === 17 ? {} : { email: `staff${i}@council.example` }),
        roles: i === 0 ? ['admin'] : ['officer'],
      }),
    );
    const partners = Array.from({ length: 30 }, (_, i) =>
      person({ id: `partner${i}`, name: `Partner ${i}`, aadObjectId: `aad-partner${i}`, ...(i < 27 ? { email: `partner${i}@police.example` } : {}) }),
    );
    const [admin, blocked] = [staff[0]!, staff[17]!];
    await seed(store, { people: [...staff, ...partners] });
    for (const p of staff) graph.setUser({ id: p.aadObjectId!, blocked: p === blocked });
    await ownActionsDue([...staff, ...partners], MONDAY);
    // Graph throttles twice while installing and once while sending mail, each time asking for a second's rest.
    graph.fail({ status: 429, retryAfterSeconds: 1 }, { times: 2, match: (c) => c.method === 'POST' && c.path.endsWith('/installedApps') });
    graph.fail({ status: 429, retryAfterSeconds: 1 }, { times: 1, match: (c) => c.path.endsWith('/sendMail') });
    const ctx = await jobContext(reachWiring());
    const send = sender();

    const first = await morning(MONDAY, ctx, send);
    expect(first.reach).toMatchObject({
      installed: 169,
      alreadyReachable: 0,
      notReachable: { blocked: 1, 'not-in-tenant': 30 },
      unreachable: 4,
      emailed: 27,
      digests: 1,
    });
    expect(first.reminders).toMatchObject({ enqueued: 200 });

    // In Teams: one reminder in each installed person's new chat, and the administrator's digest beside theirs.
    for (const p of staff.filter((s) => s !== blocked && s !== admin)) expect(connector.activities({ conversationId: chatOf(p) })).toHaveLength(1);
    const adminChat = connector.activities({ conversationId: chatOf(admin) });
    expect(adminChat).toHaveLength(2);
    expect(connector.activities()).toHaveLength(169 + 1);

    // By email, from the shared mailbox: one to each partner officer with an address, nobody else.
    expect(graph.mails.map((m) => m.mailbox.toLowerCase())).toEqual(Array(27).fill(MAILBOX));
    expect(graph.mails.map((m) => m.message.toRecipients[0].emailAddress.address).sort()).toEqual(
      partners
        .slice(0, 27)
        .map((p) => p.email)
        .sort(),
    );

    // The blocked person: tried once, recorded with why and when to try again, their reminder marked unreachable.
    expect(installPosts().filter((c) => c.path.includes(blocked.aadObjectId!))).toHaveLength(1);
    expect(await store.collection<ReachState>('reach').read(ORG, reachStateId(blocked.id))).toMatchObject({
      outcome: 'blocked',
      attempts: 1,
      retryAfter: '2026-11-30T08:00:00.000Z',
    });
    const reminders = await deliveryStatus(store, ORG, { purpose: 'reminder' });
    expect(reminders.counts).toMatchObject({ sent: 169 + 27, unreachable: 4, failed: 0, pending: 0 });
    expect(reminders.items.find((i) => i.id.endsWith(blocked.id))).toMatchObject({ status: 'unreachable' });

    // Throttling ridden out: every 429 retried after the second Graph asked for, and each install made once.
    expect(graph.calls.filter((c) => c.status === 429)).toHaveLength(3);
    expect(waitedAfter429(graph.calls, 1)).toEqual([true, true, true]);
    for (const p of staff.filter((s) => s !== blocked)) expect(graph.installationsFor(p.aadObjectId!)).toHaveLength(1);

    // One digest naming the four nobody reaches, not a card per person.
    const notices = (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items;
    expect(notices.map((n) => n.id)).toEqual([`reach-digest-${MONDAY}-to-${admin.id}`]);
    const digest = JSON.stringify(adminChat.find((a) => JSON.stringify(a).includes('People Teams cannot reach')));
    expect(digest).toContain('People Teams cannot reach: 4');
    for (const name of [blocked.name, 'Partner 27', 'Partner 28', 'Partner 29']) expect(digest).toContain(name);
    expect(digest).toContain('(27 more are reached by email instead.)');

    // The morning runs again (a second instance, a retry after a crash): nothing installed, sent or emailed twice.
    const before = { activities: connector.activities().length, mails: graph.mails.length, posts: installPosts().length };
    const again = await morning(MONDAY, ctx, send);
    expect(again.reach).toMatchObject({ installed: 0, alreadyReachable: 169, notReachable: { blocked: 1 }, digests: 0 });
    expect(again.sent).toMatchObject({ sent: 0, emailed: 0 });
    expect({ activities: connector.activities().length, mails: graph.mails.length, posts: installPosts().length }).toEqual(before);
    expect(installPosts().filter((c) => c.path.includes(blocked.aadObjectId!))).toHaveLength(1);
    expect(await store.collection<ReachState>('reach').read(ORG, reachStateId(blocked.id))).toMatchObject({ outcome: 'blocked', attempts: 1 });
  }, 60_000);

  it('when the install permission has not been granted, the administrator gets one notice, not one per person, however many mornings it lasts', async () => {
    // The administrator set the app up, so has a chat with it; 200 others have none.
    const [admin] = await installedPeople(store, connector.serviceUrl, 1, { prefix: 'admin', roles: ['admin'] });
    const people = Array.from({ length: 200 }, (_, i) =>
      person({ id: `staff${i}`, name: `Staff ${i}`, aadObjectId: `aad-staff${i}`, email: `staff${i}@council.example` }),
    );
    await seed(store, { people });
    for (const p of people) graph.setUser({ id: p.aadObjectId! });
    await ownActionsDue(people, MONDAY);
    graph.revoke(INSTALL_PERMISSION);
    const ctx = await jobContext(reachWiring());
    const send = sender();

    const first = await morning(MONDAY, ctx, send);
    expect(first.reach).toMatchObject({ installed: 0, permissionMissing: expect.stringContaining(INSTALL_PERMISSION) });
    expect(installPosts()).toHaveLength(1); // no point asking for the other 199
    await morning('2026-11-24', ctx, send);
    expect(installPosts()).toHaveLength(2);

    // One notice, in the administrator's chat, saying what to grant.
    const adminChat = (await store.collection<ConversationRecord>('conversations').read(ORG, `personal-${admin!.aadObjectId}`))!.conversationId;
    expect(connector.activities()).toHaveLength(1);
    const [notice] = connector.activities({ conversationId: adminChat });
    expect(JSON.stringify(notice)).toContain('The tracker cannot install itself for people in Teams');
    expect(JSON.stringify(notice)).toContain(`${INSTALL_PERMISSION} with admin consent`);
    expect((await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items.filter((n) => n.id.startsWith('reach-permission-'))).toHaveLength(1);
    // Meanwhile nobody is left without their reminder: each went by email, once.
    const reminders = await deliveryStatus(store, ORG, { purpose: 'reminder' });
    expect(reminders.counts).toMatchObject({ sent: reminders.items.length, failed: 0, pending: 0 });
    expect(reminders.items.every((i) => i.channel === 'email')).toBe(true);
    expect(new Set(reminders.items.map((i) => ('personId' in i.recipient ? i.recipient.personId : ''))).size).toBe(reminders.items.length);
    expect(graph.mails).toHaveLength(reminders.items.length);
  }, 60_000);
});
