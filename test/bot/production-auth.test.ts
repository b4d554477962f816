import { isTrustedServiceUrl } from '../../bot/server';
import type { Action } from '../../services/plan/model';
import { startTestApp, type TestApp } from '../harness/app';
import { actionDoc, ORG, person, seed } from '../harness/fixtures';
import { invokeActionExecute, messageActivity, TEST_TENANT_ID } from '../harness/teams-activities';

/** A token that looks like a Bot Framework JWT but is signed by nobody Microsoft knows. */
const FORGED =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImZvcmdlZCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwiYXVkIjoiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMGFhIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJl';

describe('production mode (a MicrosoftAppId is configured)', () => {
  let t: TestApp;
  const serviceUrl = 'https://smba.trafficmanager.net/uk/';
  beforeAll(async () => {
    t = await startTestApp({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'example-not-a-secret', ALLOWED_TENANT_IDS: TEST_TENANT_ID, HOST: '127.0.0.1' });
    await seed(t.store, { people: [person({ id: 'val', name: 'Val', aadObjectId: 'aad-val' })], actions: [actionDoc({ id: 'a1', leadIds: ['val'] })] });
  });
  afterAll(() => t.close());

  const update = () => invokeActionExecute({ serviceUrl, user: { id: '29:val', aadObjectId: 'aad-val', name: 'Val' }, verb: 'action.update', data: { actionId: 'a1', version: 1, status: 'G', progress: 'forged' } });

  it('a request without a token is rejected with 401 and nothing is processed', async () => {
    const res = await t.post(update());
    expect(res.status).toBe(401);
    expect((await t.store.collection<Action>('actions').read(ORG, 'a1'))?.version).toBe(1);
  });

  it('a request with a forged token is rejected with 401 and nothing is processed', async () => {
    const res = await t.post(update(), { authorization: `Bearer ${FORGED}` });
    expect(res.status).toBe(401);
    expect((await t.store.collection<Action>('actions').read(ORG, 'a1'))?.version).toBe(1);
    expect(t.connector.calls).toHaveLength(0);
  });

  it('an activity whose serviceUrl is not a Bot Framework or Teams host is refused before anything else', async () => {
    const res = await t.post(messageActivity({ serviceUrl: 'https://attacker.example/', user: { id: '29:val', aadObjectId: 'aad-val', name: 'Val' }, text: 'my actions' }), { authorization: `Bearer ${FORGED}` });
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
});
