import { mapConcurrently } from '../../services/core/concurrency';
import type { Escalation } from '../../services/escalations/model';
import type { Person } from '../../services/people/model';
import type { Action } from '../../services/plan/model';
import { openRounds, roundUpkeep } from '../../services/rounds/rounds';
import { RequestMeter } from '../../services/store/azure-profile';
import { startTestApp, type TestApp } from '../harness/app';
import { installedPeople } from '../harness/delivery';
import { actionDoc, ORG } from '../harness/fixtures';
import { cardText, invokeActionExecute, messageActivity, TEST_TENANT_ID, type TeamsUser } from '../harness/teams-activities';

/**
 * What one user request costs the store, counted by the Azure profile's meter: every call is a
 * round trip to Cosmos DB (5–10 ms in the region), so a request's calls, not its data, decide
 * whether Teams hears back inside its 15 s. The data set is a county's update round: 2,000 leads
 * with two open actions each. A request whose store work follows the number of leads or actions
 * (a loop of reads, or a query paging through them all) cannot stay under the bound here.
 */
const LEADS = 2_000;
const ACTIONS_PER_LEAD = 2;
const ESCALATIONS = 300;
const MAX_CALLS = 20;

function openEscalation(i: number): Escalation {
  const by = { name: `Person lead${i}`, personId: `lead${i}` };
  const raisedAt = '2026-11-20T09:00:00.000Z';
  return {
    id: `esc-${i}`,
    orgId: ORG,
    kind: 'escalation',
    ref: `ESC-2026-${String(i + 1).padStart(4, '0')}`,
    cause: 'action-red',
    source: 'automatic',
    actionId: `act-${i}-0`,
    actionRef: `LP${i + 1}.1`,
    summary: 'Rated Red at the last update.',
    immediateRisk: false,
    raisedBy: by,
    raisedAt,
    involvedPersonIds: [by.personId],
    stage: 1,
    stageStartedAt: raisedAt,
    stageDeadline: '2026-11-24',
    highestStage: 1,
    status: 'open',
    history: [{ at: raisedAt, by, what: 'raised', stage: 1 }],
    version: 1,
  };
}

const teamsUserOf = (personId: string, name: string): TeamsUser => ({ id: `29:${personId}`, aadObjectId: `aad-${personId}`, name });

describe(`store calls per user request, during an update round of ${LEADS.toLocaleString('en-GB')} leads`, () => {
  const meter = new RequestMeter();
  let t: TestApp;
  let admin: TeamsUser;

  /** The store calls and RU `work` costs. Nothing else uses the store meanwhile: no scheduler, and delivery only when a test asks. */
  async function cost(work: () => Promise<unknown>): Promise<{ calls: number; ru: number }> {
    const [calls, ru] = [meter.requests, meter.totalRu];
    await work();
    const spent = { calls: meter.requests - calls, ru: Math.round((meter.totalRu - ru) * 10) / 10 };
    if (process.env.SHOW_STORE_COSTS) process.stdout.write(`${expect.getState().currentTestName}: ${JSON.stringify(spent)}\n`);
    return spent;
  }

  async function say(user: TeamsUser, text: string): Promise<string> {
    const before = t.connector.activities().length;
    const res = await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user, text }));
    expect(res.status).toBeLessThan(300);
    const sent = await t.connector.waitForActivities(before + 1);
    return cardText(sent.at(-1).attachments?.[0]?.content);
  }

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID, DELIVERY_INTERVAL_SECONDS: '3600' }, { meter });
    const [administrator] = await installedPeople(t.store, t.connector.serviceUrl, 1, { prefix: 'admin', roles: ['admin'] });
    admin = teamsUserOf(administrator!.id, administrator!.name);
    const leads = await installedPeople(t.store, t.connector.serviceUrl, LEADS, { prefix: 'lead' });
    const actions = leads.flatMap((lead, i) =>
      Array.from({ length: ACTIONS_PER_LEAD }, (_, k) =>
        actionDoc({
          id: `act-${i}-${k}`,
          ref: `LP${(i % 900) + 1}.${k + 1}`,
          leadIds: [lead.id],
          leads: [{ name: lead.name, personId: lead.id }],
          description: `Action ${k + 1} of ${lead.name}: ${'review the arrangements and report back. '.repeat(5)}`,
        }),
      ),
    );
    await mapConcurrently(actions, 16, (a) => t.store.collection<Action>('actions').upsert(a));
    // Open escalations nobody has acknowledged yet: the list says, for each, whether its alert was seen.
    await mapConcurrently(
      Array.from({ length: ESCALATIONS }, (_, i) => i),
      16,
      (i) => t.store.collection<Escalation>('escalations').upsert(openEscalation(i)),
    );
  }, 600_000);
  afterAll(() => t.close());

  it('"start round" answers at once, whatever the number of leads; the requests follow from the round upkeep', async () => {
    const spent = await cost(async () => expect(await say(admin, 'start round 2026-12-15')).toMatch(/Update round started/));
    expect(spent.calls).toBeLessThanOrEqual(MAX_CALLS);
    // What the command set going in the background (the app's round upkeep): every lead asked, every action stamped.
    await t.app.roundUpkeepNow();
    const [round] = await openRounds(t.store, ORG);
    expect(round?.leads).toHaveLength(LEADS);
    expect((await t.store.collection<Action>('actions').read(ORG, 'act-1999-1'))?.roundIds).toEqual([round!.id]);
  }, 600_000);

  it('a card answer during the round makes at most 20 store calls, over HTTP as Teams sends it', async () => {
    const lead = (await t.store.collection<Person>('people').read(ORG, 'lead7'))!;
    const action = (await t.store.collection<Action>('actions').read(ORG, 'act-7-0'))!;
    const spent = await cost(async () => {
      const res = await t.post(
        invokeActionExecute({
          serviceUrl: t.connector.serviceUrl,
          user: teamsUserOf(lead.id, lead.name),
          verb: 'action.update',
          data: { actionId: action.id, version: action.version, status: 'G', progress: 'Reviewed with the team' },
        }),
      );
      expect(cardText(res.body?.value)).toMatch(/Updated to Green/);
    });
    expect(spent.calls).toBeLessThanOrEqual(MAX_CALLS);
    expect(spent.ru).toBeLessThanOrEqual(100);
  }, 600_000);

  it('the answer reaches the administrator’s summary within a minute, by the round upkeep', async () => {
    const lead = (await t.store.collection<Person>('people').read(ORG, 'lead7'))!;
    const other = (await t.store.collection<Action>('actions').read(ORG, 'act-7-1'))!;
    await t.post(
      invokeActionExecute({
        serviceUrl: t.connector.serviceUrl,
        user: teamsUserOf(lead.id, lead.name),
        verb: 'action.update',
        data: { actionId: other.id, version: other.version, status: 'G', progress: 'Done' },
      }),
    );
    t.clock.advance(60_000);
    // Background work, unbounded by the request limit: a few set queries and one rewrite of the round.
    await cost(() => roundUpkeep({ store: t.store, clock: t.clock }, ORG));
    expect(await say(admin, 'round status')).toMatch(/Responded: Person lead7/);
  }, 600_000);

  it.each(['round status', 'my actions', 'my training', 'escalations', 'surveys'])(
    'typed "%s" makes at most 20 store calls',
    async (text) => {
      const user = text === 'my actions' || text === 'my training' ? teamsUserOf('lead7', 'Person lead7') : admin;
      const spent = await cost(() => say(user, text));
      expect(spent.calls).toBeLessThanOrEqual(MAX_CALLS);
    },
    600_000,
  );
});
