import https from 'node:https';
import { FixedClock } from '../../../services/core/clock';
import type { ConversationRecord } from '../../../services/conversations/model';
import { HttpGraphGateway } from '../../../services/reach/graph';
import { reachPeople } from '../../../services/reach/reach';
import type { Store } from '../../../services/store/ports';
import { FakeConnector } from '../../harness/fake-connector';
import { FakeGraph } from '../../harness/fake-graph';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore, withChangeBeforeFirstWrite } from '../../harness/store';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../../harness/teams-activities';

const CLIENT = { tenantId: TEST_TENANT_ID, clientId: TEST_BOT_ID, clientSecret: 'test-only-client-secret' };
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';

/**
 * Installing the app through Graph makes Teams tell the bot at once, and the bot records the chat
 * with who it is (the Teams user) while the reach run is still writing its own record of the same
 * chat. The reach run's record used to replace the bot's whole.
 */
describe('the bot and the reach run record the same new chat at the same moment', () => {
  let store: Store;
  let connector: FakeConnector;
  let graph: FakeGraph;
  let agent: https.Agent;
  beforeEach(async () => {
    store = await openTestStore();
    connector = await FakeConnector.start();
    graph = await FakeGraph.start(CLIENT);
    agent = new https.Agent({ ca: graph.ca });
  });
  afterEach(async () => {
    agent.destroy();
    await graph.close();
    await connector.close();
    await store.close();
  });

  it('what the bot recorded of the chat (the Teams user, when it was installed) is kept', async () => {
    await seed(store, { people: [person({ id: 'p0', name: 'Person 0', aadObjectId: 'aad-p0', email: 'p0@council.example' })] });
    graph.setUser({ id: 'aad-p0', blocked: false });
    const botRecord: ConversationRecord = {
      id: 'personal-aad-p0',
      orgId: ORG,
      kind: 'personal',
      tenantId: TEST_TENANT_ID,
      conversationId: 'a:chat-from-teams',
      serviceUrl: connector.serviceUrl,
      botId: `28:${TEST_BOT_ID}`,
      user: { aadObjectId: 'aad-p0', teamsUserId: '29:p0', name: 'Person 0' },
      personId: 'p0',
      reachable: true,
      installedAt: '2026-11-23T07:59:59.000Z',
      updatedAt: '2026-11-23T07:59:59.000Z',
    };
    const racing = withChangeBeforeFirstWrite(store, 'conversations', async () => {
      await store.collection<ConversationRecord>('conversations').create(botRecord);
    });
    const deps = {
      store: racing,
      clock: new FixedClock('2026-11-23T08:00:00Z'),
      graph: new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT }, { agent, retryDelayInMs: 10 }),
      settings: {
        tenantId: TEST_TENANT_ID,
        catalogAppId: CATALOG_APP,
        botId: `28:${TEST_BOT_ID}`,
        serviceUrl: connector.serviceUrl,
        installsPerSecond: 1000,
        retryDays: 7,
      },
    };

    expect(await reachPeople(deps, ORG)).toMatchObject({ installed: 1 });

    const stored = await store.collection<ConversationRecord>('conversations').read(ORG, 'personal-aad-p0');
    expect(stored).toMatchObject({
      user: botRecord.user,
      installedAt: botRecord.installedAt,
      conversationId: 'a:chat-from-teams',
      personId: 'p0',
      reachable: true,
    });
  });
});
