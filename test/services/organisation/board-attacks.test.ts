import { appEvents } from '../../harness/partnership';
import https from 'node:https';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { OPERATOR } from '../../../services/access/policy';
import { deliveryStatus, enqueue } from '../../../services/delivery/outbox';
import { channelConversationKey, type ConversationRecord } from '../../../services/conversations/model';
import { DeliverySender } from '../../../services/delivery/sender';
import { addAgency } from '../../../services/organisation/agencies';
import { partnershipReport } from '../../../services/dashboard/partnership-report';
import type { Person } from '../../../services/people/model';
import { enqueueUnreachableDigest, noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import type { Store } from '../../../services/store/ports';
import { setUpTraining } from '../../../services/training/catalogue';
import type { TrainingRecord } from '../../../services/training/model';
import { rebuildTrainingSummaries } from '../../../services/training/summaries';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { openEscalation } from '../../../services/escalations/escalations';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { createCampaign } from '../../../services/surveys/campaigns';
import { answerSurvey, openSurvey } from '../../../services/surveys/responses';
import { campaignResults } from '../../../services/surveys/results';
import { AnswerSeal } from '../../../services/surveys/seal';
import { runJob } from '../../../bot/jobs';
import { localMessenger } from '../../harness/delivery';
import { FakeGraph } from '../../harness/fake-graph';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';

/*
 * An attacker's reading of what the partnership sends beyond one agency: the board paper (figures
 * that go to every agency) and the daily list of who cannot be reached (names, for administrators).
 */
const TZ = 'Europe/London';
const clock = new FixedClock('2026-11-23T09:00:00Z');

const staff = (agency: string, n: number, extra: Partial<Person> = {}): Person[] =>
  Array.from({ length: n }, (_, i) =>
    person({
      id: `${agency}-${i}`,
      name: `${agency[0]!.toUpperCase()}${agency.slice(1)} Officer ${i}`,
      agency,
      department: 'Safeguarding',
      jobTitle: 'Officer',
      ...extra,
    }),
  );

describe('the board report does not give away a small agency’s training', () => {
  let store: Store;
  // Twelve council officers, six police officers, and a school of two: the head and the deputy.
  const council = staff('council', 12);
  const police = staff('police', 6);
  const school = staff('school', 2);
  const report = async (asAt: string) =>
    (await partnershipReport({ store, clock }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt })).find((r) => r.title === 'Training by agency')!;
  const done = (p: Person, on: string): TrainingRecord => ({
    id: `rec-${p.id}`,
    orgId: ORG,
    kind: 'record',
    personId: p.id,
    agency: p.agency!,
    courseCode: 'SG-AWARE',
    completedOn: on,
    status: 'completed',
    source: 'import',
    createdAt: `${on}T00:00:00Z`,
  });

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Police', 'School']) await addAgency(store, clock, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [...council, ...police, ...school] });
    await setUpTraining(store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['Officer'] }] });
    // Half the council, half the police; the school's head trained in June, the deputy on 1 December.
    for (const p of [...council.slice(0, 6), ...police.slice(0, 3), school[0]!])
      await store.collection<TrainingRecord>('training').upsert(done(p, '2026-06-01'));
    await store.collection<TrainingRecord>('training').upsert(done(school[1]!, '2026-12-01'));
    await rebuildTrainingSummaries(store, ORG);
  });
  afterAll(() => store.close());

  it('the school’s two staff show no rate, nor can they be worked out from the total: the next smallest agency is blanked too', async () => {
    const section = await report('2026-11-23');
    expect(section.rows).toEqual([
      ['Council', 12, 6, 50, 6, 50],
      ['Police', null, null, null, null, null],
      ['School', null, null, null, null, null],
      ['All agencies', 20, 10, 50, 10, 50],
    ]);
    expect(section.notes!.join(' ')).toMatch(/Blank: fewer than 5 staff/);
  });

  it('comparing the board paper before and after the deputy head’s training tells only that someone outside the council trained', async () => {
    const before = await report('2026-11-23');
    const after = await report('2026-12-02');
    const row = (section: typeof before, agency: string) => section.rows.find((r) => r[0] === agency);
    for (const agency of ['Police', 'School']) {
      expect(row(before, agency)).toEqual([agency, null, null, null, null, null]);
      expect(row(after, agency)).toEqual([agency, null, null, null, null, null]);
    }
    expect(row(after, 'All agencies')).toEqual(['All agencies', 20, 11, 55, 11, 55]);
  });

  it('a concern raised by the school’s head shows no school row, nor a police row that All agencies less the council would turn into the school’s', async () => {
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
    const raise = (id: string, subject: Person) =>
      openEscalation({ store, clock, calendar: new WorkingCalendar() }, organisation, {
        id,
        cause: 'professional-disagreement',
        source: 'raised',
        summary: 'Disagreement about a referral',
        immediateRisk: false,
        raisedBy: { name: subject.name, personId: subject.id },
        involvedPersonIds: [],
        startStage: 1,
      });
    await raise('esc-school', school[0]!);
    await raise('esc-council', council[0]!);
    const rows = (await partnershipReport({ store, clock }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt: '2026-11-23' })).find(
      (r) => r.title === 'Escalations by agency and stage',
    )!.rows;
    expect(rows.map((r) => r[0])).toEqual(['Council', 'All agencies']);
    expect(rows.find((r) => r[0] === 'Council')![2]).toBe(1);
    expect(rows.find((r) => r[0] === 'All agencies')![2]).toBe(2);
  });

  it('names no one, in any section', async () => {
    const text = JSON.stringify(await partnershipReport({ store, clock }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt: '2026-11-23' }));
    for (const p of [...council, ...police, ...school]) expect(text).not.toContain(p.name);
  });
});

describe('the daily list of who cannot be reached, in a partnership', () => {
  const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
  const MAILBOX = 'safeguarding-tracker@council.example';
  let store: Store;
  let graph: FakeGraph;
  let agent: https.Agent;
  let sender: DeliverySender;
  // Nobody has opened the app yet: everyone is missed, and everyone has an email address.
  const council = staff('council', 3);
  const police = staff('police', 3);
  const councilAdmin = person({ id: 'council-admin', name: 'Ada Council-Admin', agency: 'council', roles: ['admin'], email: 'ada@council.example' });
  const policeAdmin = person({ id: 'police-admin', name: 'Percy Police-Admin', agency: 'police', roles: ['admin'], email: 'percy@police.example' });
  const policeHr = person({ id: 'police-hr', name: 'Harold Police-HR', agency: 'police', roles: ['hr'], email: 'harold@police.example' });

  beforeAll(async () => {
    store = await openTestStore();
    graph = await FakeGraph.start(CLIENT);
    const wired = graph.mailerFor(MAILBOX);
    agent = wired.agent;
    sender = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger, mailer: wired.mailer },
      { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 16, emailsPerMinute: 6000 },
    );
    for (const name of ['Council', 'Police']) await addAgency(store, clock, ORG, { name }, { timeZone: TZ }, appEvents());
    // Email is set up, but the staff have no address: they are missed, and the digest names them to their administrators.
    await seed(store, { people: [...council, ...police, councilAdmin, policeAdmin, policeHr] });
    expect(await enqueueUnreachableDigest(store, clock, ORG, '2026-11-23', { emailEnabled: true })).toMatchObject({ digests: 2 });
  });
  afterAll(async () => {
    agent.destroy();
    await graph.close();
    await store.close();
  });

  const digestTo = async (personId: string) =>
    (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items.find((i) => 'personId' in i.recipient && i.recipient.personId === personId);

  it('the police administrator’s list names the police’s people and none of the council’s, in their personal chat', async () => {
    const item = (await digestTo('police-admin'))!;
    expect(item.recipient).toEqual({ personId: 'police-admin' });
    const text = (item.message as { text: string }).text;
    for (const p of police) expect(text).toContain(p.name);
    for (const p of [...council, councilAdmin]) expect(text).not.toContain(p.name);
  });

  it('the partnership’s administrator (the lead agency’s) hears of everyone; the police’s HR hears nothing', async () => {
    const text = ((await digestTo('council-admin'))!.message as { text: string }).text;
    for (const p of [...council, ...police]) expect(text).toContain(p.name);
    expect(await digestTo('police-hr')).toBeUndefined();
  });

  it('an administrator Teams cannot reach gets an email that says where to look, and names no one', async () => {
    await sender.drain(ORG, { waitMs: 10_000 });
    const mails = graph.mails.filter((m) =>
      m.message.toRecipients.some((r: { emailAddress: { address: string } }) => r.emailAddress.address === 'percy@police.example'),
    );
    expect(mails).toHaveLength(1);
    const html: string = mails[0]!.message.body.content;
    expect(html).toContain('People Teams cannot reach: 3');
    expect(html).toMatch(/in Teams only/);
    for (const p of [...police, ...council]) expect(html).not.toContain(p.name);
  });
});

describe('the board’s questionnaire figures, read beside the campaign’s own results', () => {
  let store: Store;
  const seal = AnswerSeal.random();
  const calendar = new WorkingCalendar();
  const sent = new FixedClock('2026-11-23T09:00:00Z');
  const closed = new FixedClock('2026-12-07T08:00:00Z');
  // A named (not anonymous) questionnaire to the whole partnership: 14 of the council, 8 of the police, 3 health visitors.
  const council = staff('council', 14);
  const police = staff('police', 8);
  const health = staff('health', 3);
  const admin = person({
    id: 'council-admin',
    name: 'Ada Council-Admin',
    agency: 'council',
    roles: ['admin'],
    department: 'Safeguarding',
    jobTitle: 'Manager',
  });
  const policeHr = person({ id: 'police-hr', name: 'Harold Police-HR', agency: 'police', roles: ['hr'], department: 'HR', jobTitle: 'Manager' });
  const confident = (p: Person) => (p.agency === 'health' ? 'not-very' : 'quite');
  let campaignId = '';

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Police', 'Health']) await addAgency(store, sent, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [admin, policeHr, ...council, ...police, ...health] });
    const campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: admin,
        timeZone: TZ,
        data: {
          questionnaire: 'training-follow-up',
          title: 'Follow-up',
          audience: { type: 'role', jobTitle: 'Officer' },
          anonymous: false,
          closesOn: '2026-12-04',
        },
      },
    );
    campaignId = campaign.id;
    for (const p of [...council, ...police, ...health]) {
      const opened = await openSurvey({ store, clock: sent, seal }, { actor: p, timeZone: TZ, campaignId });
      if (opened.kind !== 'page') throw new Error('expected a page');
      const answers = {
        'practice-change': 'x',
        confidence: confident(p),
        'used-procedure': 'yes',
        'know-how-to-report': 'yes',
        'know-dso-name': 'yes',
        'training-useful': '4',
        'support-needed': 'supervision',
      };
      await answerSurvey(
        { store, clock: sent, seal },
        { actor: p, timeZone: TZ, data: { campaignId, page: 1, move: 'submit', carried: JSON.stringify(answers), answerKey: opened.answerKey } },
      );
    }
    const organisation = await ensureOrganisation(store, closed, ORG, { timeZone: TZ });
    await runJob('questionnaires', { store, clock: closed, orgId: ORG, organisation, calendar, logger: silentLogger, seal });
  }, 60_000);
  afterAll(() => store.close());

  it('the police’s HR, holding the campaign’s whole results, cannot take the council’s and the police’s board rows away to leave the three health visitors’ answers', async () => {
    // The police's HR sees a partnership campaign's results in the tab: the whole campaign's headlines.
    const whole = await campaignResults({ store }, ORG, campaignId, policeHr);
    expect(whole.highlights.find((h) => h.label === 'Quite or very confident')).toMatchObject({ count: 22, of: 25 });
    const rows = (await partnershipReport({ store, clock: closed }, { orgId: ORG, requester: OPERATOR, timeZone: TZ, asAt: '2026-12-07' })).find(
      (r) => r.title === 'Questionnaires by agency',
    )!.rows;
    const confidentOf = (agency: string) => rows.find((r) => r[1] === agency && r[2] === 'Quite or very confident (%)');
    expect(confidentOf('Council')).toEqual(['Follow-up', 'Council', 'Quite or very confident (%)', 14, 14, 100]);
    // Health's three are blank, and so is the police's row: 22 − 14 − 8 would say none of health's three is confident.
    expect(confidentOf('Health')).toEqual(['Follow-up', 'Health', 'Quite or very confident (%)', null, null, null]);
    expect(confidentOf('Police')).toEqual(['Follow-up', 'Police', 'Quite or very confident (%)', null, null, null]);
    for (const agency of ['Police', 'Health']) for (const r of rows.filter((x) => x[1] === agency)) expect([r[3], r[5]]).toEqual([null, null]);
  });

  it('nor can the police’s HR do it with the campaign’s own results by agency in the tab: the police’s group is hidden with health’s', async () => {
    const results = await campaignResults({ store }, ORG, campaignId, policeHr);
    expect(results.breakdowns.filter((g) => g.by === 'agency').map((g) => [g.group, g.suppressed, g.responses])).toEqual([
      ['Council', false, 14],
      ['Health', true, 0],
      ['Police', true, 0],
    ]);
  });
});

describe('a team channel Teams can no longer reach, in a partnership', () => {
  const COUNCIL_TENANT = 'c0c0c0c0-0000-4000-8000-000000000001';
  const POLICE_TENANT = 'b0b0b0b0-0000-4000-8000-000000000002';
  let store: Store;
  let sender: DeliverySender;
  const councilAdmin = person({ id: 'council-admin', name: 'Ada Council-Admin', agency: 'council', roles: ['admin'] });
  const policeAdmin = person({ id: 'police-admin', name: 'Percy Police-Admin', agency: 'police', roles: ['admin'] });

  /** A channel removed from its team, and an escalation alert that then cannot reach it. */
  async function alertLostChannel(name: string, tenantId: string): Promise<string[]> {
    const key = channelConversationKey(`19:${name.replace(/\W/g, '')}@thread.tacv2`);
    await store.collection<ConversationRecord>('conversations').upsert({
      id: key,
      orgId: ORG,
      kind: 'channel',
      tenantId,
      conversationId: key,
      serviceUrl: 'https://smba.example/',
      botId: '28:bot',
      team: { id: `team-${name}`, name },
      reachable: false,
      unreachableReason: 'the app was removed from the team',
      installedAt: '2026-11-01T00:00:00Z',
      updatedAt: '2026-11-20T00:00:00Z',
    });
    await enqueue(store, clock, {
      id: `esc-${name}-channel`,
      orgId: ORG,
      purpose: 'escalation',
      recipient: { conversationKey: key },
      message: { kind: 'escalation-channel-alert', escalationId: `esc-${name}`, ref: 'ESC-1', stage: '2 of 3', deadline: '2026-11-25', resolved: false },
    });
    await sender.drain(ORG);
    return (await deliveryStatus(store, ORG, { purpose: 'admin-notice' })).items
      .filter((i) => (i.message as { title: string }).title.startsWith(name))
      .map((i) => ('personId' in i.recipient ? i.recipient.personId : ''))
      .sort();
  }

  beforeAll(async () => {
    store = await openTestStore();
    sender = new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { perSecond: 200, conversationIntervalMs: 0, maxConcurrent: 16 },
    );
    await addAgency(store, clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, { timeZone: TZ }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [councilAdmin, policeAdmin] });
  });
  afterAll(() => store.close());

  it('the council’s lost channel (and that an alert went to it) is told to the partnership’s administrators, not the police’s', async () => {
    expect(await alertLostChannel('Council Children MASH', COUNCIL_TENANT)).toEqual(['council-admin']);
  });

  it('the police’s lost channel is told to the police’s administrator and the partnership’s', async () => {
    expect(await alertLostChannel('Police Public Protection', POLICE_TENANT)).toEqual(['council-admin', 'police-admin']);
  });
});
