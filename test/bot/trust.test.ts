import { appEvents } from '../harness/partnership';
import { CARD_ROUTES, TEXT_COMMANDS } from '../../bot/card-routes';
import type { ConversationRecord } from '../../services/conversations/model';
import { seedDemo } from '../../services/demo/seed-demo';
import type { OutboxItem } from '../../services/delivery/model';
import type { Escalation } from '../../services/escalations/model';
import type { Person } from '../../services/people/model';
import { openEscalation, raiseEscalation } from '../../services/escalations/escalations';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Organisation } from '../../services/organisation/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { toArray } from '../../services/store/ports';
import { startTestApp, type TestApp } from '../harness/app';
import { ORG, person, seed } from '../harness/fixtures';
import { countingStore } from '../harness/store';
import { cardText, TEST_TEAM_ID, TEST_TENANT_ID, installationUpdate, invokeActionExecute, messageActivity, type TeamsUser } from '../harness/teams-activities';

/** A partner agency's tenant: allowed to use the bot, but its users' names and emails prove nothing. */
const PARTNER_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const HOME_DOMAIN = 'council.example';

describe('trust over real HTTP: who someone is, and where the bot answers', () => {
  let t: TestApp;
  const serviceUrl = () => t.connector.serviceUrl;
  const people = () => t.store.collection<Person>('people');
  const conversations = () => t.store.collection<ConversationRecord>('conversations');

  // Val is linked by the object id an HR import gave her; Tim, an administrator, is not linked yet.
  const VAL: TeamsUser = { id: '29:val', aadObjectId: '0b0e0c6a-0000-4000-8000-00000000a001', name: 'Val Johnson' };

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: `${TEST_TENANT_ID},${PARTNER_TENANT}`, HOME_TENANT_ID: TEST_TENANT_ID, VERIFIED_DOMAINS: HOME_DOMAIN });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await people().update(ORG, 'demo-val-johnson', (p) => ({ ...p, aadObjectId: VAL.aadObjectId, aadTenantId: TEST_TENANT_ID }));
    await people().update(ORG, 'demo-tim-sadler', (p) => ({ ...p, email: `tim.sadler@${HOME_DOMAIN}` }));
  });
  afterAll(() => t.close());
  beforeEach(() => t.connector.reset());

  async function say(user: TeamsUser, text: string, where: { tenantId?: string; teamId?: string } = {}): Promise<any> {
    const before = t.connector.activities().length;
    const res = await t.post(messageActivity({ serviceUrl: serviceUrl(), user, text, ...where }));
    expect(res.status).toBe(200);
    const sent = await t.connector.waitForActivities(before + 1);
    return sent[sent.length - 1].attachments?.[0]?.content;
  }

  async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>, where: { tenantId?: string; teamId?: string } = {}): Promise<any> {
    const res = await t.post(invokeActionExecute({ serviceUrl: serviceUrl(), user, verb, data, ...where }));
    expect(res.status).toBe(200);
    return res.body.value;
  }

  describe('identity is a verified key, never a name', () => {
    it('a partner-tenant user called "Tim Sadler", whose Teams email and UPN are Tim’s, is not linked, sees nothing, and nothing is written', async () => {
      const claimant: TeamsUser = { id: '29:claimant', aadObjectId: '0b0e0c6a-0000-4000-8000-0000000bad01', name: 'Tim Sadler', tenantId: PARTNER_TENANT };
      t.connector.setMember({
        id: claimant.id,
        aadObjectId: claimant.aadObjectId,
        name: claimant.name,
        email: `tim.sadler@${HOME_DOMAIN}`,
        userPrincipalName: `tim.sadler@${HOME_DOMAIN}`,
      });
      await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: claimant, action: 'add' }));
      const [welcome] = await t.connector.waitForActivities(1);
      expect(cardText(welcome.attachments[0].content)).toMatch(/not linked to anyone in the organisation's people directory yet[\s\S]*Ask your administrator/);
      expect(JSON.stringify(welcome)).not.toContain('"verb"');
      const overdue = cardText(await say(claimant, 'training overdue'));
      expect(overdue).toMatch(/not linked to anyone in this organisation’s people directory[\s\S]*Ask your administrator/);
      expect(overdue).not.toMatch(/Overdue training/);
      const tim = await people().read(ORG, 'demo-tim-sadler');
      expect(tim?.aadObjectId).toBeUndefined();
      expect((await conversations().read(ORG, `personal-${claimant.aadObjectId}`))?.personId).toBeUndefined();
      // Nothing about Tim, and no member look-up either: a partner's UPN could never link anyone.
      expect(t.connector.calls.filter((c) => c.path.includes('/members/'))).toHaveLength(0);
    });

    it('in the home tenant, a UPN outside the verified domains does not link, even when the email Teams reports matches', async () => {
      const other: TeamsUser = { id: '29:other', aadObjectId: '0b0e0c6a-0000-4000-8000-0000000bad02', name: 'Tim Sadler' };
      t.connector.setMember({
        id: other.id,
        aadObjectId: other.aadObjectId,
        name: other.name,
        email: `tim.sadler@${HOME_DOMAIN}`,
        userPrincipalName: 'tim.sadler@guest.example',
      });
      expect(cardText(await say(other, 'my actions'))).toMatch(/not linked/);
      expect((await people().read(ORG, 'demo-tim-sadler'))?.aadObjectId).toBeUndefined();
    });

    it('in the home tenant, a UPN in a verified domain links the person it names, with the tenant kept on the link', async () => {
      const tim: TeamsUser = { id: '29:tim', aadObjectId: '0b0e0c6a-0000-4000-8000-00000000a002', name: 'T. Sadler' };
      t.connector.setMember({ id: tim.id, aadObjectId: tim.aadObjectId, name: tim.name, userPrincipalName: `Tim.Sadler@${HOME_DOMAIN}` });
      expect(cardText(await say(tim, 'my actions'))).toMatch(/Your open actions/);
      expect(await people().read(ORG, 'demo-tim-sadler')).toMatchObject({ aadObjectId: tim.aadObjectId, aadTenantId: TEST_TENANT_ID });
    });

    it('an object id linked in the home tenant is refused when a request names another tenant', async () => {
      const card = await say({ ...VAL, tenantId: PARTNER_TENANT }, 'my actions');
      expect(cardText(card)).toMatch(/not linked/);
      expect(cardText(await say(VAL, 'my actions'))).toMatch(/Your open actions/);
    });

    it('an unlinked user’s repeated messages are looked up once, and they are listed for an administrator', async () => {
      const newcomer: TeamsUser = { id: '29:newcomer', aadObjectId: '0b0e0c6a-0000-4000-8000-0000000c0003', name: 'New Starter' };
      t.connector.setMember({ id: newcomer.id, aadObjectId: newcomer.aadObjectId, name: newcomer.name, userPrincipalName: `new.starter@${HOME_DOMAIN}` });
      await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: newcomer, action: 'add' }));
      t.connector.reset();
      t.connector.setMember({ id: newcomer.id, aadObjectId: newcomer.aadObjectId, name: newcomer.name, userPrincipalName: `new.starter@${HOME_DOMAIN}` });
      for (let i = 0; i < 3; i++) expect(cardText(await say(newcomer, 'my training'))).toMatch(/not linked/);
      expect(t.connector.calls.filter((c) => c.path.includes('/members/'))).toHaveLength(1);
      const record = await conversations().read(ORG, `personal-${newcomer.aadObjectId}`);
      expect(record).toMatchObject({ kind: 'personal', tenantId: TEST_TENANT_ID, unlinked: { reason: 'not-linked' } });
      expect(record?.personId).toBeUndefined();
    });
  });

  describe('personal data only in a 1:1 chat', () => {
    const inChannel = { teamId: TEST_TEAM_ID };

    it('every typed command declares its scope and has an example it matches', () => {
      for (const command of TEXT_COMMANDS) {
        expect(['personal', 'anywhere']).toContain(command.scope);
        expect(command.example).toMatch(command.pattern);
      }
      expect(TEXT_COMMANDS.filter((c) => c.scope === 'anywhere').map((c) => c.example)).toEqual(['help']);
      for (const [verb, route] of Object.entries(CARD_ROUTES)) expect([verb, route.scope]).toEqual([verb, verb === 'help.show' ? 'anywhere' : 'personal']);
    });

    it.each(TEXT_COMMANDS.filter((c) => c.scope === 'personal').map((c) => [c.example]))(
      '"%s" in a team channel answers only the pointer to the 1:1 chat',
      async (example) => {
        const card = await say(VAL, example, inChannel);
        const text = cardText(card);
        expect(text).toMatch(/Let’s talk in a 1:1 chat/);
        expect(text).toContain('https://teams.microsoft.com/l/chat/0/0?users=28:');
        expect(JSON.stringify(card)).not.toMatch(/Action\.Execute|Input\./);
      },
    );

    it.each(
      Object.keys(CARD_ROUTES)
        .filter((v) => CARD_ROUTES[v]!.scope === 'personal')
        .map((v) => [v]),
    )('card verb %s pressed in a team channel is replaced by the pointer, nothing stored', async (verb) => {
      const before = await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'));
      const card = await invoke(
        VAL,
        verb,
        {
          actionId: 'x',
          escalationId: 'x',
          campaignId: 'x',
          recordId: 'x',
          category: 'other-concern',
          agency: 'Police',
          caseReference: 'CASE-1',
          asked: 'a',
          wanted: 'b',
        },
        inChannel,
      );
      expect(cardText(card)).toMatch(/Let’s talk in a 1:1 chat/);
      expect(await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'))).toHaveLength(
        before.length,
      );
    });

    it('in a group chat too, only help answers', async () => {
      const group = (text: string) => {
        const a = messageActivity({ serviceUrl: serviceUrl(), user: VAL, text });
        a.conversation = { isGroup: true, conversationType: 'groupChat', tenantId: TEST_TENANT_ID, id: '19:group-chat@thread.v2' };
        return a;
      };
      await t.post(group('my actions'));
      await t.post(group('help'));
      const [pointer, help] = (await t.connector.waitForActivities(2)).map((a: any) => cardText(a.attachments[0].content));
      expect(pointer).toMatch(/Let’s talk in a 1:1 chat/);
      expect(help).toMatch(/my actions/);
    });

    it('a channel escalation alert carries the reference, stage, deadline and a link: not the case, the agency or anyone’s name', async () => {
      await t.post(installationUpdate({ serviceUrl: serviceUrl(), user: VAL, action: 'add', scope: 'team', teamId: TEST_TEAM_ID }));
      const channelKey = (
        await toArray(
          conversations().query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'channel'", parameters: [{ name: '@orgId', value: ORG }] }),
        )
      )[0]!.id;
      const organisation = await ensureOrganisation(t.store, t.clock, ORG, { timeZone: 'Europe/London' });
      await t.store.collection<Organisation>('organisations').upsert({
        ...organisation,
        escalationLadder: [
          { name: 'Practitioner to practitioner', respondWithinWorkingDays: 3, roles: [], channelKeys: [channelKey] },
          { name: 'Managers and named safeguarding leads', respondWithinWorkingDays: 2, roles: ['manager', 'safeguarding-lead'] },
        ],
      });
      const raiser = person({ id: 'raiser', name: 'Rae Iser', managerId: 'demo-val-johnson' });
      await seed(t.store, { people: [raiser] });
      const organisationNow = (await t.store.collection<Organisation>('organisations').read(ORG, organisation.id))!;
      await raiseEscalation(
        { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
        {
          actor: raiser,
          organisation: organisationNow,
          data: {
            category: 'professional-disagreement',
            agency: 'Thames Police',
            caseReference: 'CASE-7781',
            asked: 'Strategy meeting',
            wanted: 'Joint visit',
          },
        },
      );
      const items = await toArray(
        t.store.collection<OutboxItem>('outbox').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }),
      );
      expect(items.filter((i) => 'conversationKey' in i.recipient && i.recipient.conversationKey === channelKey)).toHaveLength(1);
      await t.app.deliverNow();
      const posted = (await t.connector.waitForActivities(2, { conversationId: TEST_TEAM_ID })).at(-1);
      const text = cardText(posted.attachments[0].content);
      expect(text).toMatch(/Escalation ESC-2026-\d{4} needs attention[\s\S]*Stage[\s\S]*1 of 2[\s\S]*Respond by/);
      expect(text).toContain('https://teams.microsoft.com/l/chat/0/0?users=28:');
      expect(JSON.stringify(posted)).not.toMatch(/CASE-7781|Thames Police|Rae Iser|Strategy meeting|Joint visit|disagreement|Action\.Execute/i);
    });
  });
});

describe('a user who sends commands faster than the limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID, COMMANDS_PER_MINUTE: '3' });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await t.store.collection<Person>('people').update(ORG, 'demo-val-johnson', (p) => ({ ...p, aadObjectId: 'aad-val' }));
  });
  afterAll(() => t.close());

  it('is asked to slow down on a card (no 5xx, no work done), and others are not held up', async () => {
    const val: TeamsUser = { id: '29:val', aadObjectId: 'aad-val', name: 'Val Johnson' };
    const other: TeamsUser = { id: '29:other', aadObjectId: 'aad-other', name: 'Someone Else' };
    for (let i = 0; i < 4; i++) expect((await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: val, text: 'my actions' }))).status).toBe(200);
    const invoke = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: val, verb: 'myActions.show', data: {} }));
    expect(invoke.status).toBe(200);
    expect(cardText(invoke.body.value)).toMatch(/slow down[\s\S]*RATE_LIMITED/);
    await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: other, text: 'my actions' }));
    const texts = (await t.connector.waitForActivities(5)).map((a: any) => cardText(a.attachments[0].content));
    expect(texts.slice(0, 3).every((x) => /Your open actions/.test(x))).toBe(true);
    expect(texts[3]).toMatch(/slow down/);
    expect(texts[4]).toMatch(/not linked/);
  });
});

describe('work before the rate limit: a press the limiter refuses, or whose verb is unknown, costs no store work', () => {
  let t: TestApp;
  let storeCalls: string[] = [];
  const val: TeamsUser = { id: '29:val', aadObjectId: 'aad-val', name: 'Val Johnson' };
  const tim: TeamsUser = { id: '29:tim', aadObjectId: 'aad-tim', name: 'Tim Sadler' };
  beforeAll(async () => {
    t = await startTestApp(
      { ALLOWED_TENANT_IDS: TEST_TENANT_ID, COMMANDS_PER_MINUTE: '3' },
      {
        appStore: (store) => {
          const counted = countingStore(store);
          storeCalls = counted.calls;
          return counted.store;
        },
      },
    );
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
    await t.store.collection<Person>('people').update(ORG, 'demo-val-johnson', (p) => ({ ...p, aadObjectId: val.aadObjectId }));
    await t.store.collection<Person>('people').update(ORG, 'demo-tim-sadler', (p) => ({ ...p, aadObjectId: tim.aadObjectId }));
  });
  afterAll(() => t.close());

  /** Presses a button on a card the bot sent earlier (replyToId), and says what the store was asked meanwhile. */
  async function press(user: TeamsUser, verb: string): Promise<{ card: string; storeCalls: string[] }> {
    storeCalls.length = 0;
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user, verb, data: {}, replyToId: '1:earlier-card' }));
    expect(res.status).toBe(200);
    return { card: cardText(res.body.value), storeCalls: [...storeCalls] };
  }

  it('an unknown verb is refused without a store call, counts against the limit, and a press past the limit reads and writes nothing', async () => {
    // A known verb from someone within their limit does its work: the press is recorded as seen (an outbox query) and the route runs.
    const timsPress = await press(tim, 'myActions.show');
    expect(timsPress.card).toMatch(/Your open actions/);
    expect(timsPress.storeCalls).toContain('outbox.query');

    // Val presses buttons of a card no version of the app ever had: each is refused, and nothing is looked up.
    for (let i = 0; i < 3; i++) expect(await press(val, 'action.delete')).toEqual({ card: expect.stringMatching(/UNKNOWN_VERB/), storeCalls: [] });
    // Those three used up her limit: a real button now is refused before the seen record or the route.
    expect(await press(val, 'myActions.show')).toEqual({ card: expect.stringMatching(/slow down[\s\S]*RATE_LIMITED/), storeCalls: [] });
    expect(await press(val, 'action.delete')).toEqual({ card: expect.stringMatching(/RATE_LIMITED/), storeCalls: [] });

    // A typed command past the limit is refused the same way.
    storeCalls.length = 0;
    const before = t.connector.activities().length;
    expect((await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: val, text: 'my actions' }))).status).toBe(200);
    const sent = await t.connector.waitForActivities(before + 1);
    expect(cardText(sent[sent.length - 1].attachments[0].content)).toMatch(/RATE_LIMITED/);
    expect(storeCalls).toEqual([]);
  });
});

describe('escalations by role reach the people related to the case, not every holder of the role', () => {
  let t: TestApp;
  const TVP = 'Thames Valley Police';
  const who = (id: string, roles: Person['roles'], extra: Partial<Person> = {}): Person =>
    person({ id, name: `Person ${id}`, roles, aadObjectId: `aad-${id}`, aadTenantId: TEST_TENANT_ID, ...extra });
  const teamsUser = (id: string): TeamsUser => ({ id: `29:${id}`, aadObjectId: `aad-${id}`, name: `Person ${id}` });
  const CS = 'Children’s Services';

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    await seed(t.store, {
      people: [
        who('lead', ['officer'], { department: CS, managerId: 'teamlead' }),
        who('teamlead', ['manager'], { department: CS, managerId: 'director' }),
        who('director', ['officer'], { department: CS }),
        who('sgl', ['safeguarding-lead'], { department: 'Policy' }),
        who('hos-cs', ['head-of-service'], { department: CS }),
        // Same roles, no connection to the case.
        who('officer2', ['officer'], { department: CS }),
        who('police-manager', ['manager'], { agency: TVP }),
        who('police-sgl', ['safeguarding-lead'], { agency: TVP }),
        who('hos-housing', ['head-of-service'], { department: 'Housing' }),
      ],
    });
    const organisation = await ensureOrganisation(t.store, t.clock, ORG, { timeZone: 'Europe/London' });
    for (const stage of [1, 2, 3]) {
      await openEscalation({ store: t.store, clock: t.clock, calendar: new WorkingCalendar() }, organisation, {
        id: `esc-stage-${stage}`,
        cause: 'action-red',
        source: 'automatic',
        actionId: 'A1',
        actionRef: 'LP1.1',
        summary: 'LP1.1 turned Red.',
        immediateRisk: false,
        raisedBy: { name: 'Safeguarding Action Tracker' },
        involvedPersonIds: ['lead'],
        startStage: stage,
      });
    }
  });
  afterAll(() => t.close());

  const invoke = async (id: string, verb: string, data: Record<string, unknown>) => {
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: teamsUser(id), verb, data }));
    expect(res.status).toBe(200);
    return JSON.stringify(res.body.value);
  };

  it.each([
    [1, ['lead'], ['officer2']],
    [2, ['teamlead', 'sgl'], ['police-manager', 'police-sgl']],
    [3, ['hos-cs', 'sgl'], ['hos-housing', 'police-sgl', 'police-manager']],
  ])('stage %i: %j may open and act; same-role outsiders %j cannot open, move or resolve it', async (stage, insiders, outsiders) => {
    const escalationId = `esc-stage-${stage}`;
    const before = (await t.store.collection<Escalation>('escalations').read(ORG, escalationId))!;
    for (const outsider of outsiders) {
      expect(await invoke(outsider, 'esc.open', { escalationId })).toMatch(/does not exist or is not yours to see/);
      // Acting on a case one may not see is answered as opening it is: it does not exist for them.
      expect(await invoke(outsider, 'esc.move', { escalationId, moveReason: 'Needs the next stage' })).toMatch(/does not exist or is not yours to see/);
      expect(await invoke(outsider, 'esc.resolve', { escalationId, outcome: 'Closed by an outsider' })).toMatch(/does not exist or is not yours to see/);
    }
    expect((await t.store.collection<Escalation>('escalations').read(ORG, escalationId))!.version).toBe(before.version);
    for (const insider of insiders) expect(await invoke(insider, 'esc.open', { escalationId })).toContain('"verb":"esc.acknowledge"');
  });

  it('the outbox alerts only the related holders of each stage’s roles', async () => {
    const items = await toArray(
      t.store.collection<OutboxItem>('outbox').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }),
    );
    const alerted = (stage: number) =>
      items
        .filter((i) => i.id.startsWith(`esc-stage-${stage}-`) && 'personId' in i.recipient)
        .map((i) => (i.recipient as { personId: string }).personId)
        .sort();
    expect(alerted(2)).toEqual(['sgl', 'teamlead']);
    expect(alerted(3)).toEqual(['hos-cs']);
  });
});
