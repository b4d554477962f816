import { appEvents } from '../harness/partnership';
import type { ConversationRecord } from '../../services/conversations/model';
import type { OutboxItem } from '../../services/delivery/model';
import { toArray } from '../../services/store/ports';
import { seedDemo } from '../../services/demo/seed-demo';
import { setUpTraining } from '../../services/training/catalogue';
import type { Person } from '../../services/people/model';
import { ActionPlan } from '../../services/plan/repository';
import { isOverdue, type Action } from '../../services/plan/model';
import { startTestApp, type TestApp } from '../harness/app';
import { linkDemoPeople, ORG, person, seed } from '../harness/fixtures';
import {
  cardText,
  TEST_TENANT_ID,
  conversationUpdateMembersAdded,
  installationUpdate,
  invokeActionExecute,
  messageActivity,
  type TeamsUser,
} from '../harness/teams-activities';

const VAL: TeamsUser = { id: '29:val', aadObjectId: 'aad-val', name: 'Val Johnson' };
const TIM: TeamsUser = { id: '29:tim', aadObjectId: 'aad-tim', name: 'Tim Sadler' };
const RICHARD: TeamsUser = { id: '29:richard', aadObjectId: 'aad-richard', name: 'Richard Adams' };
const NOBODY: TeamsUser = { id: '29:nobody', aadObjectId: 'aad-nobody', name: 'Not In Directory' };

const attachmentCard = (activity: any) => activity.attachments?.[0]?.content;

describe('the bot in Teams, over real HTTP', () => {
  let t: TestApp;
  let plan: ActionPlan;
  const serviceUrl = () => t.connector.serviceUrl;

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await linkDemoPeople(t.store);
    plan = new ActionPlan(t.store);
  });
  afterAll(() => t.close());
  beforeEach(() => t.connector.reset());

  async function say(user: TeamsUser, text: string): Promise<any> {
    const before = t.connector.activities().length;
    const res = await t.post(messageActivity({ serviceUrl: serviceUrl(), user, text }));
    expect(res.status).toBeLessThan(300);
    const sent = await t.connector.waitForActivities(before + 1);
    return attachmentCard(sent[sent.length - 1]);
  }

  async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>): Promise<any> {
    const res = await t.post(invokeActionExecute({ serviceUrl: serviceUrl(), user, verb, data }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    return res.body.value;
  }

  async function valsActions(): Promise<Action[]> {
    return plan.openActionsLedBy(ORG, 'demo-val-johnson');
  }

  it('install → conversation stored, linked by the object id HR recorded (its tenant stamped), welcome card sent once', async () => {
    await t.post(conversationUpdateMembersAdded({ serviceUrl: serviceUrl(), user: VAL }));
    await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: VAL, action: 'add' }));
    const sent = await t.connector.waitForActivities(1);
    expect(sent).toHaveLength(1);
    expect(cardText(attachmentCard(sent[0]))).toMatch(/Welcome, Val Johnson[\s\S]*You lead \d+ open action/);
    const conversation = await t.store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-val');
    expect(conversation).toMatchObject({ kind: 'personal', personId: 'demo-val-johnson', reachable: true, serviceUrl: serviceUrl(), tenantId: TEST_TENANT_ID });
    expect(await t.store.collection<Person>('people').read(ORG, 'demo-val-johnson')).toMatchObject({ aadObjectId: 'aad-val', aadTenantId: TEST_TENANT_ID });
  });

  it('a display name that matches one directory person links no one', async () => {
    await seed(t.store, { people: [person({ id: 'jo', name: 'Jo Smith' })] });
    const jo: TeamsUser = { id: '29:jo', aadObjectId: 'aad-jo', name: 'Jo Smith' };
    await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: jo, action: 'add' }));
    const sent = await t.connector.waitForActivities(1);
    expect(cardText(attachmentCard(sent[0]))).toMatch(/not linked to anyone in the organisation's people directory[\s\S]*Ask your administrator/);
    expect((await t.store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-jo'))?.personId).toBeUndefined();
    expect((await t.store.collection<Person>('people').read(ORG, 'jo'))?.aadObjectId).toBeUndefined();
  });

  it('"my actions" lists the lead’s open actions from the seed plan, soonest due first, five at a time, overdue ones marked as the tab marks them', async () => {
    const expected = await valsActions();
    expect(expected.length).toBeGreaterThan(5);
    const day = t.clock.now().toISOString().slice(0, 10);
    const overdue = expected.filter((a) => isOverdue(a, day));
    expect(overdue.length).toBeGreaterThan(0);
    let card = await say(VAL, 'my actions');
    expect(cardText(card)).toContain(`Your open actions (${expected.length}, ${overdue.length} overdue)`);
    // Press "Show 5 more" until the last page: every action appears once, in order, with its Update button.
    const seen: string[] = [];
    for (;;) {
      const text = cardText(card);
      const refs = [...text.matchAll(/^(LP\d+\.\d+) · /gm)].map((m) => m[1]!);
      expect(refs.length).toBeLessThanOrEqual(5);
      for (const ref of refs) {
        const marked = new RegExp(`^${ref.replace('.', '\\.')} · .*\\n⚠ Overdue: was due `, 'm').test(text);
        expect([ref, marked]).toEqual([ref, overdue.some((a) => a.ref === ref)]);
        expect(JSON.stringify(card)).toContain(`"title":"Update ${ref}"`);
      }
      seen.push(...refs);
      const more = (card.actions ?? []).find((a: any) => /^Show \d+ more$/.test(a.title));
      if (!more) break;
      card = await invoke(VAL, more.verb, more.data);
    }
    expect(seen).toEqual(expected.map((a) => a.ref));
  });

  it('unknown text gets help, not silence', async () => {
    expect(cardText(await say(VAL, 'what is the weather'))).toMatch(/I did not understand[\s\S]*my actions/);
  });

  it('"action LP1.1" opens that action’s update form for its lead', async () => {
    const card = await say(VAL, 'action lp1.1');
    expect(cardText(card)).toContain('Update LP1.1');
    expect(JSON.stringify(card)).toContain('"verb":"action.update"');
  });

  it('someone not in the directory is told so, not shown anything', async () => {
    expect(cardText(await say(NOBODY, 'my actions'))).toMatch(/not linked to anyone in this organisation’s people directory[\s\S]*Ask your administrator/);
  });

  describe('RAG update card', () => {
    let target: Action;
    beforeEach(async () => {
      target = (await valsActions())[0]!;
    });
    const current = async () => (await plan.getAction(ORG, target.id))!;

    it('a Green update is stored with history and the card turns read-only', async () => {
      const card = await invoke(VAL, 'action.update', { actionId: target.id, version: target.version, status: 'G', progress: 'Minutes circulated' });
      expect(cardText(card)).toMatch(/Updated to Green by Val Johnson on 22 Nov 2026 at 10:00/);
      const after = await current();
      expect(after).toMatchObject({ status: 'G', progress: 'Minutes circulated', version: target.version + 1 });
      expect(after.history.at(-1)).toMatchObject({ by: { personId: 'demo-val-johnson', name: 'Val Johnson' }, status: 'G', source: 'teams' });
    });

    it('owner submits Red without remedial action → card shows the error by the field, input kept, nothing stored', async () => {
      const card = await invoke(VAL, 'action.update', { actionId: target.id, version: target.version, status: 'R', progress: 'Blocked', reason: 'No venue' });
      const body = card.body as any[];
      const at = body.findIndex((b) => b.id === 'remedialAction');
      expect(body[at + 1]).toMatchObject({ text: '⚠ Red needs the remedial action being taken.', weight: 'Bolder' });
      expect(body.find((b) => b.id === 'reason').value).toBe('No venue');
      expect(await current()).toEqual(expect.objectContaining({ version: target.version, status: target.status }));
    });

    it('a non-owner’s invoke is refused and nothing is stored', async () => {
      const card = await invoke(RICHARD, 'action.update', { actionId: target.id, version: target.version, status: 'B', progress: 'Done', evidence: 'x' });
      expect(cardText(card)).toMatch(/Not allowed[\s\S]*Only the action’s lead, their cover, or a plan administrator/);
      expect((await current()).version).toBe(target.version);
    });

    it('a stale card does not overwrite: it shows the newer state and asks again', async () => {
      await invoke(TIM, 'action.update', { actionId: target.id, version: target.version, status: 'G', progress: 'Admin checked' });
      const card = await invoke(VAL, 'action.update', {
        actionId: target.id,
        version: target.version,
        status: 'A',
        progress: 'Late',
        reason: 'r',
        remedialAction: 'm',
      });
      expect(cardText(card)).toMatch(/Someone updated this action after this card was shown/);
      expect(cardText(card)).toContain('Admin checked');
      expect(await current()).toMatchObject({ progress: 'Admin checked', version: target.version + 1 });
    });

    it('a double submit stores once', async () => {
      const data = { actionId: target.id, version: target.version, status: 'G', progress: 'Clicked twice' };
      const [a, b] = await Promise.all([invoke(VAL, 'action.update', data), invoke(VAL, 'action.update', data)]);
      expect(cardText(a)).toMatch(/Updated to Green/);
      expect(cardText(b)).toMatch(/Updated to Green/);
      const after = await current();
      expect(after.history.filter((h) => h.progress === 'Clicked twice')).toHaveLength(1);
      expect(after.version).toBe(target.version + 1);
    });

    it('forged card data naming another user or another person’s action changes nothing', async () => {
      const notVals = (await plan.actionsOfPlan(ORG, 'action-plan-2015-16')).find(
        (a) => !a.leadIds.includes('demo-val-johnson') && !a.leadIds.includes('demo-richard-adams'),
      )!;
      const forged = {
        actionId: notVals.id,
        version: notVals.version,
        status: 'B',
        progress: 'Done',
        evidence: 'x',
        by: 'demo-tim-sadler',
        personId: 'demo-tim-sadler',
        aadObjectId: 'aad-tim',
      };
      expect(cardText(await invoke(RICHARD, 'action.update', forged))).toMatch(/Not allowed/);
      expect((await plan.getAction(ORG, notVals.id))?.version).toBe(notVals.version);
    });

    it('an unknown verb gets an error card, not a crash', async () => {
      expect(cardText(await invoke(VAL, 'action.delete', { actionId: target.id }))).toMatch(/UNKNOWN_VERB/);
    });

    it('a non-lead opening an action sees it read-only', async () => {
      const card = await invoke(RICHARD, 'action.open', { actionId: target.id });
      expect(JSON.stringify(card)).not.toContain('action.update');
    });
  });

  it('an activity from another tenant is rejected and nothing is sent or stored', async () => {
    const intruder: TeamsUser = { id: '29:x', aadObjectId: 'aad-x', name: 'Val Johnson' };
    const res = await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: intruder, action: 'add', tenantId: 'another-tenant' }));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'TENANT_NOT_ALLOWED' } });
    expect(t.connector.calls).toHaveLength(0);
    expect(await t.store.collection('conversations').read(ORG, 'personal-aad-x')).toBeUndefined();
  });

  it('uninstall marks the person unreachable', async () => {
    await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: VAL, action: 'remove' }));
    expect(await t.store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-val')).toMatchObject({
      reachable: false,
      unreachableReason: 'app uninstalled',
    });
  });

  it('a team install stores the channel reference for later alerts', async () => {
    await t.post(
      installationUpdate({
        serviceUrl: serviceUrl(),
        user: TIM,
        action: 'add',
        scope: 'team',
        teamId: '19:team@thread.tacv2',
        channelId: '19:team@thread.tacv2',
      }),
    );
    const channels = [];
    for await (const c of t.store
      .collection<ConversationRecord>('conversations')
      .query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = "channel"', parameters: [{ name: '@orgId', value: ORG }] }))
      channels.push(c);
    expect(channels).toEqual([expect.objectContaining({ kind: 'channel', team: expect.objectContaining({ id: '19:team@thread.tacv2' }), reachable: true })]);
    // The team is told who added the bot and exactly what it will post in their channel.
    const [told] = await t.connector.waitForActivities(1, { conversationId: '19:team@thread.tacv2' });
    expect(cardText(told.attachments[0].content)).toMatch(
      /^Safeguarding Action Tracker added\nTim Sadler added me to this team\. I post here only escalation alerts for the stages of the escalation ladder that name this channel, each with its reference, stage and deadline and a link to my 1:1 chat: never a name, a case reference or what the concern is about\. Everything else \(reminders, updates, reports\) I answer only in a 1:1 chat with me\./,
    );
  });

  describe('reminder and round commands', () => {
    it('a lead snoozes an action’s reminders from a digest line', async () => {
      const [target] = await valsActions();
      const card = await invoke(VAL, 'action.snooze', { actionId: target!.id, days: 3 });
      expect(cardText(card)).toMatch(new RegExp(`Reminders for ${target!.ref.replace('.', '\\.')} snoozed[\\s\\S]*until after 25 Nov 2026`));
      expect((await plan.getAction(ORG, target!.id))?.snoozedUntil).toBe('2026-11-25');
    });

    it('a snooze length the policy does not offer is refused', async () => {
      const [target] = await valsActions();
      expect(cardText(await invoke(VAL, 'action.snooze', { actionId: target!.id, days: 400 }))).toMatch(/Snooze for 1, 3, 7 working days/);
    });

    it('an owner sets leave cover by name, and the delegate may then update their actions', async () => {
      expect(cardText(await say(VAL, 'leave until 2026-12-31 delegate Richard Adams'))).toMatch(/Leave cover set[\s\S]*Richard Adams gets your reminders/);
      const [target] = await valsActions();
      const card = await invoke(RICHARD, 'action.update', {
        actionId: target!.id,
        version: target!.version,
        status: 'G',
        progress: 'Covered while Val is away',
      });
      expect(cardText(card)).toMatch(/Updated to Green by Richard Adams/);
      expect(cardText(await say(VAL, 'back from leave'))).toMatch(/Welcome back/);
    });

    it('leave cover with an unknown delegate is refused with the reason', async () => {
      expect(cardText(await say(VAL, 'leave until 2026-12-31 delegate Nobody Known'))).toMatch(/No one called "Nobody Known" is in the directory/);
    });

    it('only an administrator can start an update round from the chat', async () => {
      expect(cardText(await say(RICHARD, 'start round 2026-12-15'))).toMatch(/Only a plan administrator can start an update round/);
      expect(cardText(await say(TIM, 'start round 2026-12-15'))).toMatch(
        /Update round started[\s\S]*Every lead with open actions is being asked to update their actions by 15 Dec 2026/,
      );
      await t.app.roundUpkeepNow();
      expect(cardText(await say(TIM, 'round status'))).toMatch(/Open update round[\s\S]*outstanding/);
    });
  });

  describe('escalations from the chat', () => {
    it('"raise concern" shows the form with the warning about identifying details', async () => {
      expect(cardText(await say(RICHARD, 'raise concern'))).toMatch(/Do not enter children’s names or identifying details/);
    });

    it('a form with a phone number in it comes back with the problem by the field, answers kept, nothing stored', async () => {
      const data = { category: 'referral-outcome', agency: 'MASH', caseReference: 'MASH-2026-0042', asked: 'Please call 07700 900123', wanted: 'Feedback' };
      const card = await invoke(RICHARD, 'esc.raise', data);
      const body = card.body as any[];
      const at = body.findIndex((b) => b.id === 'asked');
      expect(body[at].value).toBe('Please call 07700 900123');
      expect(body[at + 1]).toMatchObject({ text: expect.stringMatching(/^⚠ .*looks like a phone number/), weight: 'Bolder' });
      expect(await t.store.collection('escalations').read(ORG, 'x')).toBeUndefined();
    });

    it('a valid concern is raised, leads see it under "escalations", and only stage recipients or leads may act', async () => {
      const raised = await invoke(RICHARD, 'esc.raise', {
        category: 'referral-outcome',
        agency: 'MASH',
        caseReference: 'MASH-2026-0042',
        asked: 'Outcome of the November referral',
        wanted: 'Feedback this week',
      });
      expect(cardText(raised)).toMatch(/Raised as ESC-2026-\d{4}/);
      const list = await say(VAL, 'escalations');
      expect(cardText(list)).toMatch(/Open escalations \(\d+\)[\s\S]*Concern about a referral outcome/);
      const id = JSON.stringify(list).match(/"escalationId":"(esc-raised-[^"]+)"/)![1]!;
      const jen: TeamsUser = { id: '29:jen', aadObjectId: 'aad-jen', name: 'Jennifer Kotilaine' };
      expect(cardText(await invoke(jen, 'esc.acknowledge', { escalationId: id }))).toMatch(/does not exist or is not yours to see|Only the people alerted/);
      expect(cardText(await invoke(VAL, 'esc.resolve', { escalationId: id, outcome: '' }))).toMatch(/Resolving needs the outcome/);
      expect(cardText(await invoke(VAL, 'esc.acknowledge', { escalationId: id }))).toMatch(/Acknowledged by Val Johnson/);
    });
  });

  describe('training in the chat', () => {
    it('"my training" lists the courses a role needs; a completion reported by the officer waits for HR, who verifies it', async () => {
      await setUpTraining(t.store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
      expect(cardText(await say(RICHARD, 'my training'))).toMatch(/Safeguarding awareness[\s\S]*required, not yet done/);
      expect(cardText(await say(RICHARD, 'report training'))).toMatch(/Report a completed course/);
      expect(cardText(await invoke(RICHARD, 'training.selfReport', { courseCode: 'SG-AWARE', completedOn: '2027-01-01' }))).toMatch(
        /must be a real date, not in the future/,
      );
      expect(cardText(await invoke(RICHARD, 'training.selfReport', { courseCode: 'SG-AWARE', completedOn: '2026-11-02' }))).toMatch(/Sent to HR/);
      expect(cardText(await say(RICHARD, 'my training'))).toMatch(/reported, awaiting HR/);

      const simon: TeamsUser = { id: '29:simon', aadObjectId: 'aad-simon', name: 'Simon Howick' }; // HR in the demo directory
      expect(cardText(await say(RICHARD, 'training to verify'))).toMatch(/Only HR can verify/);
      const list = await say(simon, 'training to verify');
      const recordId = JSON.stringify(list).match(/"recordId":"([^"]+)"/)![1]!;
      expect(cardText(await invoke(RICHARD, 'training.verify', { recordId }))).toMatch(/Not allowed/);
      expect(cardText(await invoke(simon, 'training.verify', { recordId }))).toMatch(/Training to verify \(0\)/);
      expect(cardText(await say(RICHARD, 'my training'))).toMatch(/Safeguarding awareness[\s\S]*done; last 2 Nov 2026; valid until 2 Nov 2029/);
    });

    it('an officer cannot see the named overdue list; HR sees names and rates', async () => {
      expect(cardText(await say(RICHARD, 'training overdue'))).toMatch(/Only HR and administrators can see who is overdue by name/);
      const simon: TeamsUser = { id: '29:simon', aadObjectId: 'aad-simon', name: 'Simon Howick' };
      expect(cardText(await say(simon, 'training overdue'))).toMatch(/Overdue training \(\d+\)[\s\S]*Jennifer Kotilaine/);
      expect(cardText(await say(simon, 'training report by course'))).toMatch(
        /Training completion by course[\s\S]*Safeguarding awareness[\s\S]*% within validity/,
      );
    });
  });
});

describe('read tracking: "seen" on the round summary', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await linkDemoPeople(t.store);
  });
  afterAll(() => t.close());

  async function say(user: TeamsUser, text: string): Promise<any> {
    const before = t.connector.activities().length;
    await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text }));
    const sent = await t.connector.waitForActivities(before + 1);
    return attachmentCard(sent[sent.length - 1]);
  }

  it('a lead pressing any button on their round request marks it seen; someone else pressing it does not', async () => {
    for (const user of [VAL, TIM, RICHARD]) await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user, action: 'add' }));
    expect(cardText(await say(TIM, 'start round 2026-12-15'))).toMatch(/Update round started/);
    await t.app.roundUpkeepNow();
    await t.app.sender.drain(ORG);
    const requests = await toArray(
      t.store.collection<OutboxItem>('outbox').query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.purpose = 'round-request' AND c.conversationKey = 'personal-aad-val'",
        parameters: [{ name: '@orgId', value: ORG }],
      }),
    );
    const activityId = requests[0]?.activityId;
    expect(activityId).toBeDefined();
    expect(cardText(await say(TIM, 'round status'))).toMatch(/Val Johnson \(not yet seen\)/);

    const [target] = await new ActionPlan(t.store).openActionsLedBy(ORG, 'demo-val-johnson');
    const press = (user: TeamsUser) =>
      t.post(
        invokeActionExecute({
          serviceUrl: t.connector.serviceUrl,
          user,
          verb: 'action.snooze',
          data: { actionId: target!.id, days: 1 },
          replyToId: activityId!,
        }),
      );
    // Richard replays the id of Val's card: it was not sent to him, so nothing is marked.
    expect((await press(RICHARD)).status).toBe(200);
    expect(cardText(await say(TIM, 'round status'))).toMatch(/Val Johnson \(not yet seen\)/);

    expect((await press(VAL)).status).toBe(200);
    expect((await t.store.collection<OutboxItem>('outbox').read(ORG, requests[0]!.id))?.seenAt).toBe(t.clock.now().toISOString());
    // The summary catches up at the round upkeep's next minute.
    t.clock.advance(60_000);
    await t.app.roundUpkeepNow();
    expect(cardText(await say(TIM, 'round status'))).toMatch(/Val Johnson \(seen\)/);
  });

  it('"notify by email" on a server with no email set up is refused, saying so; the next message still comes in Teams', async () => {
    expect(cardText(await say(VAL, 'notify by email'))).toMatch(/Email is not set up on this server, so messages keep coming here in Teams/);
    expect((await t.store.collection<Person>('people').read(ORG, 'demo-val-johnson'))?.notifyBy).toBeUndefined();
    expect(cardText(await say(VAL, 'notify me by teams'))).toMatch(/here in Teams/);
  });

  it('the escalation list says whether an unacknowledged stage’s alert has been seen', async () => {
    const raise = await t.post(
      invokeActionExecute({
        serviceUrl: t.connector.serviceUrl,
        user: RICHARD,
        verb: 'esc.raise',
        data: { category: 'referral-outcome', agency: 'MASH', caseReference: 'MASH-2026-0077', asked: 'Outcome of the referral', wanted: 'Feedback' },
      }),
    );
    expect(cardText(raise.body.value)).toMatch(/Raised as ESC-/);
    await t.app.sender.drain(ORG);
    const [alert] = await toArray(
      t.store.collection<OutboxItem>('outbox').query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.purpose = 'escalation' AND c.conversationKey = 'personal-aad-val' AND c.status = 'sent'",
        parameters: [{ name: '@orgId', value: ORG }],
      }),
    );
    expect(alert?.activityId).toBeDefined();
    const escalationId = (alert!.message as { escalationId: string }).escalationId;
    expect(cardText(await say(VAL, 'escalations'))).toMatch(/Concern about a referral outcome[\s\S]*alert not yet seen/);

    await t.post(
      invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: VAL, verb: 'esc.open', data: { escalationId }, replyToId: alert!.activityId! }),
    );
    expect(cardText(await say(VAL, 'escalations'))).toMatch(/alert seen by 1 of \d+/);
  });
});
