import { silentLogger } from '../../../services/core/logger';
import type { OutboxItem } from '../../../services/delivery/model';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { OutboxRepository } from '../../../services/delivery/repository';
import { DeliverySender } from '../../../services/delivery/sender';
import { renderEmail } from '../../../services/reach/email';
import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import type { Store } from '../../../services/store/ports';
import { installedPeople, localMessenger } from '../../harness/delivery';
import { FakeConnector } from '../../harness/fake-connector';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const FAST = { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 4 };

/**
 * The messages as a deployed outbox holds them, written before each feature module declared its
 * own message kinds: the kind at the top with its fields beside it. They are JSON here, as the
 * store returns them, not built by today's code, so a change to the producers cannot hide a
 * change to what an already queued item must still be.
 */
const STORED: Record<string, string> = {
  'reminder-digest':
    '{"kind":"reminder-digest","heading":"Your actions due soon","intro":"Two of your actions need an update.","lines":[{"actionId":"a1","ref":"LP1.1","description":"Train councillors","why":"due today (23 Nov 2026)","status":"A","dueToday":true},{"actionId":"a2","ref":"LP2.3","description":"Audit files","why":"overdue","status":"R"}],"snoozeChoices":[1,7],"outboxId":"reminders-2026-11-23-p0","dueToday":true}',
  'round-summary':
    '{"kind":"round-summary","roundId":"r1","heading":"Open update round (started by Ann Admin)","dueBy":"2026-12-04","responded":["Val Johnson"],"outstanding":["Sam Lee"],"unreachable":[],"asAt":"2026-11-23T09:00:00Z"}',
  'questionnaire-invite':
    '{"kind":"questionnaire-invite","campaignId":"c1","title":"Safeguarding awareness","closesOn":"2026-12-04","anonymous":true,"chaser":1}',
  'escalation-alert':
    '{"kind":"escalation-alert","escalationId":"esc-1","heading":"Action rated Red (stage 1: Practitioner)","role":"act","acknowledged":false,"stage":"1 of 4: Practitioner","deadline":"2026-11-27","summary":"LP1.1 was rated Red.","facts":[{"title":"Reference","value":"ESC-0001"}]}',
  'escalation-channel-alert':
    '{"kind":"escalation-channel-alert","escalationId":"esc-1","ref":"ESC-0001","stage":"1 of 4: Practitioner","deadline":"2026-11-27","resolved":false}',
};

const storedItem = (kind: string, personId: string): OutboxItem => ({
  id: `old-${kind}`,
  orgId: ORG,
  purpose: 'reminder',
  recipient: { personId },
  message: JSON.parse(STORED[kind]!),
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '',
  createdAt: '2026-11-20T09:00:00.000Z',
});

describe('outbox items queued under the kinds that predate feature modules still send', () => {
  let store: Store;
  let connector: FakeConnector;
  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    await connector.close();
    await store.close();
  });

  const drain = () =>
    new DeliverySender({ store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger }, FAST).drain(ORG);

  it('each stored kind goes out as its card, rendered by the module that declares it, and notifies as before', async () => {
    const [p] = await installedPeople(store, connector.serviceUrl, 1);
    for (const kind of Object.keys(STORED)) await new OutboxRepository(store).createOrRead(storedItem(kind, p!.id));

    expect(await drain()).toMatchObject({ sent: 5, failed: 0 });
    const sent = new Map(connector.activities().map((a) => [JSON.stringify(a.attachments[0].content), a]));
    const cardWith = (text: string) => [...sent.entries()].find(([json]) => json.includes(text));

    // The digest: its lines, a snooze per line, paging from its own outbox item; due today, so it notifies.
    const [digest, digestActivity] = cardWith('Your actions due soon')!;
    expect(digest).toContain('LP2.3');
    expect(digest).toContain('"verb":"action.snooze"');
    expect(digestActivity.channelData).toEqual({ notification: { alert: true } });
    // The round summary, with London time for a summary queued before it carried a time zone.
    const [summary, summaryActivity] = cardWith('Open update round')!;
    expect(summary).toContain('Sam Lee');
    expect(summary).toContain('23 Nov 2026 at 09:00');
    expect(summaryActivity.channelData).toBeUndefined();
    // A questionnaire chaser, answerable from the card.
    expect(cardWith('Reminder: Safeguarding awareness')![0]).toContain('"verb":"survey.open"');
    // The alert to act: Acknowledge offered, and it notifies.
    const [alert, alertActivity] = cardWith('Action rated Red')!;
    expect(alert).toContain('"verb":"esc.acknowledge"');
    expect(alertActivity.channelData).toEqual({ notification: { alert: true } });
    // The channel's alert: the reference and the way to the 1:1 chat, no details.
    const [channel] = cardWith('Escalation ESC-0001 needs attention')!;
    expect(channel).not.toContain('LP1.1 was rated Red');

    const { items } = await deliveryStatus(store, ORG);
    expect(items.map((i) => i.status)).toEqual(Array(5).fill('sent'));
  });

  it('each stored kind still reads as its email', () => {
    const links = { teamsChat: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot' };
    const email = (kind: string) => renderEmail(JSON.parse(STORED[kind]!), links);
    expect(email('reminder-digest').subject).toBe('Your actions due soon');
    expect(email('reminder-digest').html).toContain('<strong>LP2.3</strong> (Red): Audit files');
    expect(email('round-summary').html).toContain('<li>Outstanding: 1</li>');
    expect(email('questionnaire-invite').subject).toBe('Reminder: questionnaire "Safeguarding awareness"');
    expect(email('escalation-alert').subject).toBe('A safeguarding escalation to see in Teams');
    expect(email('escalation-alert').html).toContain('read and acknowledge');
    expect(email('escalation-channel-alert').html).not.toContain('ESC-0001');
  });

  it('an item of a kind no module declares any more fails alone, with the reason, and the rest still go', async () => {
    const [p] = await installedPeople(store, connector.serviceUrl, 1);
    const gone = { ...storedItem('round-summary', p!.id), id: 'old-retired', message: JSON.parse('{"kind":"retired-kind","title":"x"}') };
    await new OutboxRepository(store).createOrRead(gone);
    await new OutboxRepository(store).createOrRead(storedItem('questionnaire-invite', p!.id));

    expect(await drain()).toMatchObject({ sent: 1, failed: 1 });
    const { items } = await deliveryStatus(store, ORG);
    expect(items.find((i) => i.id === 'old-retired')).toMatchObject({ status: 'failed' });
    expect(items.find((i) => i.id === 'old-retired')!.lastError!.message).toMatch(/No feature module renders messages of kind "retired-kind"/);
  });
});
