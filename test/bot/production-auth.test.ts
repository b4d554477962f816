import { generateKeyPairSync } from 'node:crypto';
import { isTrustedServiceUrl } from '../../bot/server';
import type { Action } from '../../services/plan/model';
import { startTestApp, type TestApp } from '../harness/app';
import { actionDoc, ORG, person, seed } from '../harness/fixtures';
import { signJwt, startOpenIdServer } from '../harness/openid';
import { invokeActionExecute, messageActivity, TEST_TENANT_ID } from '../harness/teams-activities';

const APP_ID = '00000000-0000-0000-0000-0000000000aa';
const claims = (over: Record<string, unknown> = {}) => ({
  iss: 'https://api.botframework.com',
  aud: APP_ID,
  exp: Math.floor(Date.now() / 1000) + 600,
  nbf: Math.floor(Date.now() / 1000) - 60,
  serviceurl: 'https://smba.trafficmanager.net/uk/',
  ...over,
});

describe('production mode (a MicrosoftAppId is configured)', () => {
  let t: TestApp;
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  const serviceUrl = 'https://smba.trafficmanager.net/uk/';
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  beforeAll(async () => {
    openId = await startOpenIdServer();
    t = await startTestApp({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'example-not-a-secret',
      ALLOWED_TENANT_IDS: TEST_TENANT_ID,
      HOST: '127.0.0.1',
      BotOpenIdMetadata: openId.metadataUrl,
    });
    await seed(t.store, { people: [person({ id: 'val', name: 'Val', aadObjectId: 'aad-val' })], actions: [actionDoc({ id: 'a1', leadIds: ['val'] })] });
  });
  afterAll(async () => {
    await t.close();
    await openId.close();
  });
  // botbuilder reports every refused token on console.error: kept and asserted here, not printed into the test log.
  let logged: string[];
  beforeEach(() => {
    logged = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  });
  afterEach(() => jest.restoreAllMocks());
  // Only refusals may be logged (some arrive after the response, so their number is not fixed).
  const refusalLogged = () => expect(logged.filter((line) => !/AuthenticationError|Error finding key|Signing Key|Unauthorized|token/i.test(line))).toEqual([]);

  const update = () =>
    invokeActionExecute({
      serviceUrl,
      user: { id: '29:val', aadObjectId: 'aad-val', name: 'Val' },
      verb: 'action.update',
      data: { actionId: 'a1', version: 1, status: 'G', progress: 'forged' },
    });

  it('a request without a token is rejected with 401 and nothing is processed', async () => {
    const res = await t.post(update());
    expect(res.status).toBe(401);
    expect((await t.store.collection<Action>('actions').read(ORG, 'a1'))?.version).toBe(1);
    refusalLogged();
  });

  it.each([
    ['signed with a key the Bot Framework does not publish', () => signJwt(attacker, 'trusted', claims())],
    ['signed with an unknown key id', () => signJwt(attacker, 'forged', claims())],
    ['for another bot (audience)', () => signJwt(openId.trustedKey, 'trusted', claims({ aud: 'another-bot' }))],
    ['expired', () => signJwt(openId.trustedKey, 'trusted', claims({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 }))],
    ['from another issuer', () => signJwt(openId.trustedKey, 'trusted', claims({ iss: 'https://attacker.example' }))],
  ])('a token %s is rejected with 401 and nothing is processed', async (_what, token) => {
    const res = await t.post(update(), { authorization: `Bearer ${token()}` });
    expect(res.status).toBe(401);
    expect((await t.store.collection<Action>('actions').read(ORG, 'a1'))?.version).toBe(1);
    expect(t.connector.calls).toHaveLength(0);
    refusalLogged();
  });

  it('a genuine token (signed with the published key, for this bot, from its service) is accepted', async () => {
    const res = await t.post(update(), { authorization: `Bearer ${signJwt(openId.trustedKey, 'trusted', claims())}` });
    expect(res.status).toBe(200);
    expect((await t.store.collection<Action>('actions').read(ORG, 'a1'))?.version).toBe(2);
    expect(logged).toEqual([]);
  });

  it('an activity whose serviceUrl is not a Bot Framework or Teams host is refused before anything else', async () => {
    const res = await t.post(
      messageActivity({ serviceUrl: 'https://attacker.example/', user: { id: '29:val', aadObjectId: 'aad-val', name: 'Val' }, text: 'my actions' }),
      { authorization: `Bearer ${signJwt(openId.trustedKey, 'trusted', claims())}` },
    );
    expect(res.status).toBe(403);
  });

  it('knows the Bot Framework and Teams hosts', () => {
    expect(isTrustedServiceUrl('https://smba.trafficmanager.net/emea/')).toBe(true);
    expect(isTrustedServiceUrl('https://europe.webchat.botframework.com/')).toBe(true);
    expect(isTrustedServiceUrl('http://smba.trafficmanager.net/emea/')).toBe(false);
    expect(isTrustedServiceUrl('https://smba.trafficmanager.net.attacker.example/')).toBe(false);
    expect(isTrustedServiceUrl('https://notbotframework.com/')).toBe(false);
    expect(isTrustedServiceUrl(42)).toBe(false);
  });

  it('trusts a host a deployment adds (a sovereign cloud’s connector) exactly, and still only over HTTPS', () => {
    const extra = ['smba.connector.example.net'];
    expect(isTrustedServiceUrl('https://smba.connector.example.net/teams/', extra)).toBe(true);
    expect(isTrustedServiceUrl('https://SMBA.connector.example.net/teams/', extra)).toBe(true);
    expect(isTrustedServiceUrl('http://smba.connector.example.net/teams/', extra)).toBe(false);
    expect(isTrustedServiceUrl('https://evil.smba.connector.example.net/', extra)).toBe(false);
    expect(isTrustedServiceUrl('https://smba.connector.example.net.attacker.example/', extra)).toBe(false);
    expect(isTrustedServiceUrl('https://smba.connector.example.net/teams/')).toBe(false);
  });
});
