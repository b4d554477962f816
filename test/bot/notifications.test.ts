import type { ConversationRecord } from '../../services/conversations/model';
import type { OutboundMessage } from '../../services/delivery/messages';
import { installedPeople, localMessenger } from '../harness/delivery';
import { FakeConnector } from '../harness/fake-connector';
import { ORG } from '../harness/fixtures';
import { openTestStore } from '../harness/store';
import type { Store } from '../../services/store/ports';

/**
 * A Teams message notifies (the activity feed, a toast) only when it says so. What must not wait
 * for someone to open the chat says so: an escalation alert and a digest with something due today.
 * Sent by the real messenger to a fake Bot Connector, which records what Teams would receive.
 */
describe('messages that notify', () => {
  let store: Store;
  let connector: FakeConnector;
  let conversation: ConversationRecord;
  const messenger = localMessenger();

  beforeAll(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    await installedPeople(store, connector.serviceUrl, 1);
    conversation = (await store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-p0'))!;
  });
  afterAll(async () => {
    await connector.close();
    await store.close();
  });
  beforeEach(() => connector.reset());

  const sent = async (message: OutboundMessage) => {
    await messenger.send(conversation, message);
    return connector.activities().at(-1);
  };
  const line = { actionId: 'a1', ref: 'LP1.1', description: 'Review the plan', status: 'G' as const };
  const digest = (dueToday: boolean): OutboundMessage => ({
    kind: 'reminder-digest',
    heading: 'Actions',
    intro: 'Hello',
    snoozeChoices: [1],
    lines: [{ ...line, why: dueToday ? 'due today (24 Dec 2026)' : 'due in 7 working days', ...(dueToday ? { dueToday } : {}) }],
    ...(dueToday ? { dueToday } : {}),
  });

  it('an escalation alert, to act or for information, goes to the activity feed', async () => {
    for (const role of ['act', 'inform'] as const) {
      const activity = await sent({
        kind: 'escalation-alert',
        escalationId: 'esc-1',
        role,
        heading: 'Action rated Red',
        stage: '1 of 4',
        deadline: '2026-12-01',
        summary: 'LP1.1 was rated Red.',
        facts: [],
      });
      expect(activity.channelData).toEqual({ notification: { alert: true } });
    }
  });

  it('a digest with something due today notifies; one of actions due later arrives quietly in the chat', async () => {
    expect((await sent(digest(true))).channelData).toEqual({ notification: { alert: true } });
    expect((await sent(digest(false))).channelData).toBeUndefined();
  });

  it('a notice, a questionnaire invitation and a round summary do not notify', async () => {
    for (const message of [
      { kind: 'notice', title: 'Done', text: 'All good.' },
      { kind: 'questionnaire-invite', campaignId: 'c1', title: 'Survey', closesOn: '2026-12-04', anonymous: true, chaser: 0 },
      {
        kind: 'round-summary',
        roundId: 'r',
        heading: 'Round',
        dueBy: '2026-12-04',
        responded: [],
        outstanding: [],
        unreachable: [],
        asAt: '2026-11-23T09:00:00Z',
      },
    ] as OutboundMessage[]) {
      expect((await sent(message)).channelData).toBeUndefined();
    }
  });

  it('a card updated in place (a refreshed summary) does not notify again', async () => {
    const alert: OutboundMessage = {
      kind: 'escalation-alert',
      escalationId: 'esc-1',
      role: 'act',
      heading: 'Action rated Red',
      stage: '1 of 4',
      deadline: '2026-12-01',
      summary: 'LP1.1 was rated Red.',
      facts: [],
    };
    const { activityId } = await messenger.send(conversation, alert);
    await messenger.update(conversation, activityId, { ...alert, acknowledged: true });
    expect(connector.activities().at(-1).channelData).toBeUndefined();
  });
});
