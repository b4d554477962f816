import { appEvents } from '../harness/partnership';
import { startTestApp, type TestApp } from '../harness/app';
import { buttonData, PlaygroundChat } from '../harness/playground';
import { cardText } from '../harness/teams-activities';
import { seedDemo, seedDemoTraining } from '../../services/demo/seed-demo';
import { createCampaign } from '../../services/surveys/campaigns';
import { Directory } from '../../services/people/repository';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { deliveryStatus } from '../../services/delivery/outbox';
import { ORG } from '../harness/fixtures';

/**
 * The README's walk in the Microsoft 365 Agents Playground, exactly as written: `npm start` with
 * LOCAL_ACT_AS="Val Johnson", the Playground opens its chat, and then help → my actions → Red →
 * the escalation alert arrives → Acknowledge, and a questionnaire invitation arrives. Over real
 * HTTP, with the fake connector standing in for the Playground's.
 */
describe('trying the bot in the Agents Playground as the README says', () => {
  let t: TestApp;
  let chat: PlaygroundChat;
  beforeEach(async () => {
    t = await startTestApp({ LOCAL_ACT_AS: 'Val Johnson' });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await seedDemoTraining(t.store, ORG);
    chat = new PlaygroundChat(t.app.url, t.connector.serviceUrl);
  });
  afterEach(() => t.close());

  /** Cards the bot has sent to the Playground's chat so far. */
  const inChat = () => t.connector.activities({ conversationId: chat.conversationId }).map((a) => a.attachments?.[0]?.content);
  /** Waits for the next `n` cards in the Playground's chat after `before`. */
  const next = async (before: number, n = 1) =>
    (await t.connector.waitForActivities(before + n, { conversationId: chat.conversationId })).slice(before).map((a) => a.attachments?.[0]?.content);

  it('opening the chat shows one welcome, by name, for the acted-as person', async () => {
    await chat.open();
    await t.connector.waitForActivities(1, { conversationId: chat.conversationId });
    await new Promise((r) => setTimeout(r, 300)); // a second welcome would have arrived by now
    const welcomes = inChat();
    expect(welcomes).toHaveLength(1);
    expect(cardText(welcomes[0])).toMatch(/^Welcome, Val Johnson\n/);
    expect(cardText(welcomes[0])).toMatch(/You lead \d+ open action\(s\)/);
    expect(cardText(welcomes[0])).not.toMatch(/not linked/);
  });

  it('help → my actions → Red → the alert arrives → Acknowledge, and a questionnaire invitation arrives', async () => {
    await chat.open();
    await t.connector.waitForActivities(1, { conversationId: chat.conversationId });

    let before = inChat().length;
    await chat.say('help');
    expect(cardText((await next(before))[0])).toMatch(/my actions/);

    before = inChat().length;
    await chat.say('my actions');
    const mine = (await next(before))[0];
    expect(cardText(mine)).toMatch(/Your open actions \(\d+[,)]/);

    // Open the first action and send it in as Red, with the reason and remedial action Red needs.
    const form = await chat.press('action.open', buttonData(mine, 'action.open')!);
    const submit = buttonData(form, 'action.update')!;
    const updated = await chat.press('action.update', {
      ...submit,
      status: 'R',
      progress: 'Venue fell through',
      reason: 'No venue for the training day',
      remedialAction: 'Booking the town hall instead',
    });
    expect(cardText(updated)).toMatch(/Updated to Red by Val Johnson/);

    // The delivery loop's next run sends the alert; Val leads the action, so stage 1 alerts her, here.
    before = inChat().length;
    await t.app.deliverNow();
    const alert = (await next(before))[0];
    expect(cardText(alert)).toMatch(/^Action turned Red \(stage 1/);
    const acknowledged = await chat.press('esc.acknowledge', buttonData(alert, 'esc.acknowledge')!);
    expect(cardText(acknowledged)).toMatch(/Acknowledged by Val Johnson/);

    // What `tracker survey send awareness --as vjohnson@oxford.gov.uk --audience everyone --closes …` does.
    const val = (await new Directory(t.store).byEmail({ orgId: ORG }, 'vjohnson@oxford.gov.uk'))!;
    await createCampaign(
      { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
      { actor: val, timeZone: 'Europe/London', data: { questionnaire: 'awareness', audience: { type: 'everyone' }, closesOn: '2026-12-11' } },
    );
    before = inChat().length;
    await t.app.deliverNow();
    const invitation = (await next(before))[0];
    expect(buttonData(invitation, 'survey.open')).toBeDefined();

    // `delivery status`: what reached Val went to the Playground's chat, none of it unreachable.
    const { items } = await deliveryStatus(t.store, ORG);
    const toVal = items.filter((i) => 'personId' in i.recipient && i.recipient.personId === 'demo-val-johnson');
    expect(toVal.map((i) => i.purpose)).toEqual(expect.arrayContaining(['escalation', 'questionnaire']));
    expect(toVal.filter((i) => i.status !== 'sent')).toEqual([]);
  });
});
