import https from 'node:https';
import { loadConfig } from '../../../services/core/config';
import { reachFromConfig } from '../../../services/reach/setup';
import { FakeGraph } from '../../harness/fake-graph';

const TENANT = '8f2d5c1a-0000-4000-8000-0000000c0c11';
const IDENTITY = '2b7e4c3d-0000-4000-8000-00000000b07a';
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';

/**
 * As infra/azure.bicep deploys it: the bot is a user-assigned managed identity with no secret, and
 * Graph tokens come from App Service's local identity endpoint, not from Entra ID with a secret.
 */
describe('Microsoft Graph as the deployment’s managed identity', () => {
  let graph: FakeGraph;
  let agent: https.Agent;
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };

  beforeEach(async () => {
    graph = await FakeGraph.start({ tenantId: TENANT, clientId: IDENTITY, clientSecret: 'not-used-by-a-managed-identity' });
    agent = new https.Agent({ ca: graph.ca });
    graph.setUser({ id: 'u-alice' });
    Object.assign(process.env, await graph.startManagedIdentityEndpoint());
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    agent.destroy();
    await graph.close();
  });

  const config = () =>
    loadConfig({
      MicrosoftAppId: IDENTITY,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: TENANT,
      ALLOWED_TENANT_IDS: TENANT,
      TEAMS_CATALOG_APP_ID: CATALOG_APP,
      GRAPH_BASE_URL: graph.baseUrl,
      GRAPH_AUTHORITY_HOST: graph.authorityHost,
    });

  it('the configuration accepts Graph features with a managed identity and no secret', () => {
    expect(() => config()).not.toThrow();
    expect(() =>
      loadConfig({
        MicrosoftAppId: IDENTITY,
        MicrosoftAppType: 'MultiTenant',
        MicrosoftAppPassword: '',
        ALLOWED_TENANT_IDS: TENANT,
        TEAMS_CATALOG_APP_ID: CATALOG_APP,
      }),
    ).toThrow(/MicrosoftAppPassword/);
  });

  it('installs the app for a person with a token from the identity endpoint, asked for by the identity’s client id', async () => {
    const reach = reachFromConfig(config(), { agent });
    expect(reach).toBeDefined();
    await reach!.graph.installApp('u-alice', CATALOG_APP);
    expect(graph.installationsFor('u-alice')).toHaveLength(1);
    expect(graph.identityRequests).toEqual([
      expect.objectContaining({ clientId: IDENTITY, resource: expect.stringMatching(/^https:\/\/graph\.microsoft\.com\/?$/) }),
    ]);
    // No client-credentials request reached Entra ID: there is no secret to send.
    expect(graph.calls.filter((c) => c.path.endsWith('/oauth2/v2.0/token'))).toEqual([]);
  });
});
