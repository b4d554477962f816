import https from 'node:https';
import { FakeGraph } from '../../harness/fake-graph';
import { GraphFailure, HttpGraphGateway } from '../../../services/reach/graph';

const TENANT = '8f2d5c1a-0000-4000-8000-0000000c0c11';
const CLIENT = { tenantId: TENANT, clientId: '2b7e4c3d-0000-4000-8000-00000000b07a', clientSecret: 'test-only-client-secret' };
const CATALOG_APP = 'c4a1b2d3-0000-4000-8000-0000000a99c1';

describe('the Graph adapter against a fake Microsoft Graph', () => {
  let graph: FakeGraph;
  let agent: https.Agent;
  const gateway = (overrides?: Partial<typeof CLIENT>) =>
    new HttpGraphGateway({ baseUrl: graph.baseUrl, authorityHost: graph.authorityHost, ...CLIENT, ...overrides }, { agent, retryDelayInMs: 10 });

  beforeEach(async () => {
    graph = await FakeGraph.start(CLIENT);
    agent = new https.Agent({ ca: graph.ca });
    graph.setUser({ id: 'u-alice' });
  });
  afterEach(async () => {
    agent.destroy();
    await graph.close();
  });

  it('gets a token with the client secret, installs the app, finds the installation and its chat', async () => {
    const client = gateway();
    expect(await client.findInstallation('u-alice', CATALOG_APP)).toBeUndefined();
    await client.installApp('u-alice', CATALOG_APP);
    const installationId = await client.findInstallation('u-alice', CATALOG_APP);
    expect(installationId).toBe(graph.installationsFor('u-alice')[0]?.id);
    expect(await client.chatId('u-alice', installationId!)).toBe(graph.installationsFor('u-alice')[0]?.chatId);

    const token = graph.calls.find((c) => c.path.endsWith('/oauth2/v2.0/token'));
    expect(token?.body).toMatchObject({ grant_type: 'client_credentials', client_id: CLIENT.clientId, scope: 'https://graph.microsoft.com/.default' });
    const lookup = graph.graphCalls({ method: 'GET', pathEndsWith: '/installedApps' })[0];
    expect(lookup?.query).toEqual({ $expand: 'teamsAppDefinition', $filter: `teamsApp/id eq '${CATALOG_APP}'` });
    // One token serves every call until it expires.
    expect(graph.calls.filter((c) => c.path.endsWith('/token'))).toHaveLength(1);
  });

  it('treats an app already installed as installed', async () => {
    const client = gateway();
    await client.installApp('u-alice', CATALOG_APP);
    await expect(client.installApp('u-alice', CATALOG_APP)).resolves.toBeUndefined();
    expect(graph.installationsFor('u-alice')).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    graph.fail({ status: 429, retryAfterSeconds: 1 }, { times: 2, match: (c) => c.method === 'POST' });
    await gateway().installApp('u-alice', CATALOG_APP);
    const posts = graph.graphCalls({ method: 'POST' });
    expect(posts.map((c) => c.status)).toEqual([429, 429, 201]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after a bounded number of retries', async () => {
    graph.fail({ status: 503 }, { times: Infinity });
    await expect(gateway().installApp('u-alice', CATALOG_APP)).rejects.toMatchObject({ status: 503 });
    expect(graph.graphCalls({ method: 'POST' })).toHaveLength(5);
  });

  it('reports a 403 with Graph’s code, whether the permission is missing or the app is blocked', async () => {
    graph.setUser({ id: 'u-blocked', blocked: true });
    const blocked = await gateway()
      .installApp('u-blocked', CATALOG_APP)
      .catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(GraphFailure);
    expect(blocked).toMatchObject({ status: 403, code: 'Forbidden' });

    graph.revoke('TeamsAppInstallation.ReadWriteSelfForUser.All');
    await expect(gateway().findInstallation('u-alice', CATALOG_APP)).rejects.toMatchObject({ status: 403 });
  });

  it('sends mail as the shared mailbox, and only that one when an access policy limits it', async () => {
    graph.limitMailTo('safeguarding-tracker@council.example');
    const client = gateway();
    await client.sendMail('safeguarding-tracker@council.example', {
      to: { address: 'pat@police.example', name: 'Pat' },
      subject: 'Your actions',
      html: '<p>Hi</p>',
    });
    expect(graph.mails).toEqual([
      {
        mailbox: 'safeguarding-tracker@council.example',
        saveToSentItems: false,
        message: {
          subject: 'Your actions',
          body: { contentType: 'HTML', content: '<p>Hi</p>' },
          toRecipients: [{ emailAddress: { address: 'pat@police.example', name: 'Pat' } }],
        },
      },
    ]);
    await expect(
      client.sendMail('someone.else@council.example', { to: { address: 'pat@police.example' }, subject: 'x', html: '<p>x</p>' }),
    ).rejects.toMatchObject({ status: 403, code: 'ErrorAccessDenied' });
  });

  it('fails with a clear error when the client secret is wrong, without calling Graph', async () => {
    await expect(gateway({ clientSecret: 'wrong' }).installApp('u-alice', CATALOG_APP)).rejects.toThrow(/invalid_client|Invalid client secret/);
    expect(graph.graphCalls()).toHaveLength(0);
  });
});
