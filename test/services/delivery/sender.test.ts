import { retryAfterMs } from '../../../bot/teams-messenger';
import { FixedClock, systemClock } from '../../../services/core/clock';
import type { ConversationRecord } from '../../../services/conversations/model';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import type { Messenger } from '../../../services/delivery/ports';
import { DeliverySender } from '../../../services/delivery/sender';
import { enqueueUnreachableDigest, noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { silentLogger } from '../../../services/core/logger';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector, TEAMS_RATE_LIMITS } from '../../harness/fake-connector';
import { ORG, person, seed } from '../../harness/fixtures';
import { personalConversationId } from '../../harness/teams-activities';
import { openTestStore } from '../../harness/store';

const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 32 };
const note = (i: number) => ({ kind: 'notice' as const, title: `Message ${i}`, text: 'x' });

describe('delivery engine against a fake Bot Connector', () => {
  let store: Store;
  let connector: FakeConnector;
  const clock = new FixedClock('2026-11-22T09:00:00Z');

  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  const sender = (limits = FAST, messenger: Messenger = localMessenger()) =>
    new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger, logger: silentLogger }, limits);
  const item = (id: string, personId: string, i = 0) => ({ id, orgId: ORG, purpose: 'reminder' as const, recipient: { personId }, message: note(i) });
  const titlesSent = () => connector.activities().map((a) => a.attachments[0].content.body[0].text);

  it('enqueueing the same message twice stores it once', async () => {
    const [p] = await installedPeople(store, connector.serviceUrl, 1);
    expect((await enqueue(store, clock, item('m1', p!.id))).created).toBe(true);
    expect((await enqueue(store, clock, item('m1', p!.id))).created).toBe(false);
    expect((await deliveryStatus(store, ORG)).items).toHaveLength(1);
  });

  it('sends each due message once to the person’s stored conversation and records it', async () => {
    const people = await installedPeople(store, connector.serviceUrl, 5);
    for (const p of people) await enqueue(store, clock, item(`m-${p.id}`, p.id));
    expect(await sender().drain(ORG)).toMatchObject({ sent: 5, failed: 0 });
    expect(connector.activities()).toHaveLength(5);
    const { counts, items } = await deliveryStatus(store, ORG);
    expect(counts.sent).toBe(5);
    expect(items.every((i) => i.activityId && i.sentAt && i.conversationKey)).toBe(true);
    expect(await sender().drain(ORG)).toMatchObject({ sent: 0 }); // a second run finds nothing to do
  });

  it('a 429 storm with Retry-After is ridden out: everything arrives once, nothing lost', async () => {
    const people = await installedPeople(store, connector.serviceUrl, 20);
    for (const p of people) await enqueue(store, clock, item(`m-${p.id}`, p.id));
    connector.fail({ status: 429, retryAfterSeconds: 1 }, { times: 30 });
    const report = await sender().drain(ORG, { waitMs: 30_000 });
    expect(report.sent).toBe(20);
    expect(report.retried).toBeGreaterThan(0);
    expect(connector.calls.filter((c) => c.status === 429).length).toBe(30);
    expect(connector.activities()).toHaveLength(20);
    expect(new Set(connector.activities().map((a) => a.conversation.id)).size).toBe(20);
  }, 60_000);

  it('502, 503 and 504 are retried; 500 is not', async () => {
    const [a, b] = await installedPeople(store, connector.serviceUrl, 2);
    await enqueue(store, clock, item('retried', a!.id));
    connector.fail({ status: 502 }, { times: 1 });
    connector.fail({ status: 503 }, { times: 1 });
    connector.fail({ status: 504 }, { times: 1 });
    const s = sender();
    expect(await s.drain(ORG, { waitMs: 30_000 })).toMatchObject({ sent: 1, retried: 3 });
    expect(connector.calls.map((c) => c.status)).toEqual([502, 503, 504, 201]);
    await enqueue(store, clock, item('broken', b!.id));
    connector.fail({ status: 500 }, { times: 1 });
    expect(await s.drain(ORG, { waitMs: 30_000 })).toMatchObject({ sent: 0, failed: 1 });
    const broken = (await deliveryStatus(store, ORG)).items.find((i) => i.id === 'broken')!;
    expect(broken).toMatchObject({ status: 'failed', attempts: 1, lastError: { status: 500 } });
  }, 60_000);

  it('a connector that hangs past the send timeout, then answers 503 without Retry-After: retried with backoff, delivered once', async () => {
    const [p] = await installedPeople(store, connector.serviceUrl, 1, { prefix: 'slow' });
    await enqueue(store, clock, item('slow-1', p!.id));
    connector.fail({ hangMs: 2_000 }, { times: 1 });
    connector.fail({ status: 503 }, { times: 2 });
    const report = await sender(FAST, localMessenger(300)).drain(ORG, { waitMs: 60_000 });
    expect(report).toMatchObject({ sent: 1, failed: 0, retried: 3 });
    const attempts = connector.calls.filter((c) => c.conversationId === connector.calls.at(-1)!.conversationId);
    // The hung request is answered 504 by the connector only after the sender gave up on it.
    expect(attempts.map((c) => c.status)).toEqual([504, 503, 503, 201]);
    // Backoff, not a hammering: at least half of 2 s, 4 s between the 503s and the next try.
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1_900);
    expect(attempts[3]!.at - attempts[2]!.at).toBeGreaterThanOrEqual(3_900);
    expect(connector.activities({ conversationId: attempts[0]!.conversationId! })).toHaveLength(1);
    expect((await deliveryStatus(store, ORG)).items.find((i) => i.id === 'slow-1')).toMatchObject({ status: 'sent', attempts: 4 });
  }, 90_000);

  it('reads Retry-After as seconds or a date; no header is no advice, not "now"', () => {
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('')).toBeUndefined();
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('2026-10-21T07:28:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('a 403 marks the person unreachable, stops sending, and administrators hear of it in one daily digest, not a card each', async () => {
    const [blocked] = await installedPeople(store, connector.serviceUrl, 1, { prefix: 'b' });
    const [admin] = await installedPeople(store, connector.serviceUrl, 1, { prefix: 'admin', roles: ['admin'] });
    const blockedChat = personalConversationId({ id: '29:b0' });
    await enqueue(store, clock, item('first', blocked!.id, 1));
    await enqueue(store, clock, item('second', blocked!.id, 2));
    connector.fail(
      { status: 403, body: { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } } },
      { times: 1, match: (c) => c.conversationId === blockedChat },
    );
    await sender().drain(ORG, { waitMs: 5_000 });
    await enqueue(store, clock, item('third', blocked!.id, 3));
    await sender().drain(ORG, { waitMs: 5_000 });

    expect(await store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-b0')).toMatchObject({ reachable: false });
    expect(connector.calls.filter((c) => c.conversationId === blockedChat)).toHaveLength(1); // later messages are not attempted
    const { items } = await deliveryStatus(store, ORG);
    expect(items.filter((i) => 'personId' in i.recipient && i.recipient.personId === 'b0').map((i) => i.status)).toEqual([
      'unreachable',
      'unreachable',
      'unreachable',
    ]);
    expect(connector.activities().filter((a) => a.conversation.id === personalConversationId({ id: `29:${admin!.id}` }))).toHaveLength(0);

    // Ten more people found unreachable the same day still make one digest for the administrator.
    await seed(store, { people: Array.from({ length: 10 }, (_, i) => person({ id: `never${i}`, name: `Never ${i}` })) });
    expect(await enqueueUnreachableDigest(store, clock, ORG, '2026-11-23')).toEqual({ unreachable: 11, emailed: 0, digests: 1 });
    expect(await enqueueUnreachableDigest(store, clock, ORG, '2026-11-23')).toEqual({ unreachable: 11, emailed: 0, digests: 0 }); // a rerun adds nothing
    await sender().drain(ORG, { waitMs: 5_000 });
    const digests = connector.activities({ conversationId: personalConversationId({ id: `29:${admin!.id}` }) });
    expect(digests).toHaveLength(1);
    const text = JSON.stringify(digests[0].attachments[0].content);
    expect(text).toContain('People Teams cannot reach: 11');
    expect(text).toContain('Person b0: the bot is blocked or not installed (403)');
    expect(text).toContain('Never 3: not linked to a Microsoft 365 account');
  });

  it('someone who never installed the app is unreachable without any call to Teams', async () => {
    await seed(store, { people: [person({ id: 'never', name: 'Never Installed' })] });
    await enqueue(store, clock, item('m', 'never'));
    expect(await sender().drain(ORG)).toMatchObject({ unreachable: 1, sent: 0 });
    expect(connector.calls).toHaveLength(0);
  });

  it('a crash mid-run (sender stops answering) then a restart delivers every message exactly once', async () => {
    const people = await installedPeople(store, connector.serviceUrl, 30);
    for (const p of people) await enqueue(store, clock, item(`m-${p.id}`, p.id));
    const real = localMessenger();
    let calls = 0;
    // The "process" dies after 12 messages: later sends never happen and never complete.
    const dying: Messenger = {
      send: (c, m) => (++calls <= 12 ? real.send(c, m) : new Promise(() => undefined)),
      update: (c, id, m) => real.update(c, id, m),
    };
    void sender(FAST, dying).drain(ORG);
    await connector.waitForActivities(12);
    await new Promise((r) => setTimeout(r, 200));

    // The restarted process sees the dead one's claims only once their lease has run out.
    const later = { now: () => new Date(systemClock.now().getTime() + 61_000) };
    const restarted = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: real, logger: silentLogger, wallClock: later },
      FAST,
    );
    await restarted.drain(ORG);
    expect(connector.activities()).toHaveLength(30);
    expect(new Set(connector.activities().map((a) => a.conversation.id)).size).toBe(30);
    expect((await deliveryStatus(store, ORG)).counts.sent).toBe(30);
  });

  it('keeps under Teams’ limits: 120 messages against a connector that enforces them, paced, with next to no 429s and nothing lost', async () => {
    await connector.close();
    connector = await FakeConnector.start({ limits: TEAMS_RATE_LIMITS });
    const people = await installedPeople(store, connector.serviceUrl, 120);
    for (const p of people) await enqueue(store, clock, item(`m-${p.id}`, p.id));
    const started = Date.now();
    expect(await sender({ perSecond: 48, conversationIntervalMs: 2_000, maxConcurrent: 32 }).drain(ORG, { waitMs: 10_000 })).toMatchObject({ sent: 120 });
    // Pacing keeps within the limits; arrival jitter on a loaded machine can still trip a few (up to 5%),
    // which are retried after their Retry-After. Unpaced, about half of these would be refused.
    expect(connector.calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(6);
    expect(connector.activities()).toHaveLength(120);
    expect(new Set(connector.activities().map((a) => a.conversation.id)).size).toBe(120);
    expect(Date.now() - started).toBeGreaterThan(2_000); // 120 at ≤ 48/s cannot take less than 2.5 s
  }, 30_000);

  it('a summary that refreshes in place updates the sent message instead of sending another', async () => {
    const [admin] = await installedPeople(store, connector.serviceUrl, 1);
    await enqueue(store, clock, item('summary', admin!.id, 1));
    await sender().drain(ORG);
    await enqueue(store, clock, { ...item('summary-v2', admin!.id, 2), replaces: { outboxId: 'summary' } });
    await sender().drain(ORG);
    const puts = connector.calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1);
    const original = (await store.collection<OutboxItem>('outbox').read(ORG, 'summary'))!;
    expect(puts[0]!.activityId).toBe(original.activityId);
    expect(titlesSent()).toEqual(['Message 1', 'Message 2']);
  });
});
