import { appEvents } from '../harness/partnership';
import http from 'node:http';
import { seedDemo } from '../../services/demo/seed-demo';
import { toArray } from '../../services/store/ports';
import { startTestApp, type TestApp } from '../harness/app';
import { ORG } from '../harness/fixtures';
import { invokeActionExecute, messageActivity, type TeamsUser } from '../harness/teams-activities';

/**
 * Local mode is unauthenticated and listens on loopback, where the developer's own browser can
 * reach it too. A web page they visit while the bot runs can post to 127.0.0.1:3978 (a form, or a
 * fetch the page cannot read the answer of): it must not get the bot to act, nor to send its
 * answers to a server of the page's choosing.
 */
describe('a web page the developer visits cannot drive the bot in local mode', () => {
  let t: TestApp;
  // Whoever the page claims to be acts as LOCAL_ACT_AS, as the Agents Playground's user does.
  const page: TeamsUser = { id: '29:page', aadObjectId: 'aad-page', name: 'Web Page' };

  beforeAll(async () => {
    t = await startTestApp({ LOCAL_ACT_AS: 'Val Johnson' });
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
  });
  afterAll(() => t.close());
  beforeEach(() => t.connector.reset());

  /** A raw request, so the body, its type and the browser's headers can be anything a page sends. */
  function request(headers: Record<string, string>, body: string): Promise<{ status: number; body: any }> {
    const { port } = new URL(t.app.url);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/messages', method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** An object as an HTML form posts it: nested keys as a[b][c]=value, which restify's form parser turns back into objects. */
  function formEncoded(value: unknown, prefix = '', out = new URLSearchParams()): URLSearchParams {
    if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) formEncoded(v, prefix ? `${prefix}[${k}]` : k, out);
    else out.append(prefix, String(value));
    return out;
  }

  const myActions = (serviceUrl = t.connector.serviceUrl) => messageActivity({ serviceUrl, user: page, text: 'my actions' });
  const raiseImmediateRisk = (serviceUrl = t.connector.serviceUrl) =>
    invokeActionExecute({
      serviceUrl,
      user: page,
      verb: 'esc.raise',
      data: {
        category: 'referral-outcome',
        agency: 'MASH',
        caseReference: 'MASH-2026-0042',
        asked: 'Outcome of the November referral',
        wanted: 'Feedback this week',
        immediateRisk: 'true',
      },
    });
  const stored = async () => ({
    escalations: (
      await toArray(t.store.collection<{ id: string; orgId: string; kind?: string }>('escalations').readAll()).then((docs) =>
        docs.filter((d) => d.kind === 'escalation'),
      )
    ).length,
    outbox: (await toArray(t.store.collection('outbox').readAll())).length,
    conversations: (await toArray(t.store.collection('conversations').readAll())).length,
  });
  const json = { 'content-type': 'application/json' };
  /** The fake connector listens on 127.0.0.1; 0.0.0.0 reaches it too on this computer, though it is no loopback name. */
  const offLoopback = () => t.connector.serviceUrl.replace('127.0.0.1', '0.0.0.0');

  it.each([
    ['an HTML form (application/x-www-form-urlencoded)', { 'content-type': 'application/x-www-form-urlencoded' }, formEncoded, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a form sent as text/plain (a no-cors fetch)', { 'content-type': 'text/plain;charset=UTF-8' }, JSON.stringify, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a multipart form', { 'content-type': 'multipart/form-data; boundary=x' }, JSON.stringify, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['JSON with a web page’s Origin', { ...json, origin: 'https://attacker.example' }, JSON.stringify, 403, 'BROWSER_REQUEST'],
    ['JSON with the Origin of a sandboxed page', { ...json, origin: 'null' }, JSON.stringify, 403, 'BROWSER_REQUEST'],
    ['JSON the browser marks cross-site', { ...json, 'sec-fetch-site': 'cross-site' }, JSON.stringify, 403, 'BROWSER_REQUEST'],
    ['JSON the browser marks same-site (another port of this computer)', { ...json, 'sec-fetch-site': 'same-site' }, JSON.stringify, 403, 'BROWSER_REQUEST'],
  ] as const)('%s is refused before it is read: nothing is sent and nothing is stored', async (_what, headers, encode, status, code) => {
    const before = await stored();
    for (const activity of [myActions(), raiseImmediateRisk()]) {
      const body = encode(activity as never).toString();
      expect(await request({ ...headers }, body)).toMatchObject({ status, body: { error: { code } } });
    }
    expect(t.connector.calls).toHaveLength(0);
    expect(await stored()).toEqual(before);
  });

  it('an activity whose serviceUrl is not on this computer is refused: the bot sends nothing there and stores nothing', async () => {
    const before = await stored();
    for (const activity of [myActions(offLoopback()), raiseImmediateRisk(offLoopback())]) {
      expect(await request(json, JSON.stringify(activity))).toMatchObject({
        status: 403,
        body: { error: { code: 'LOCAL_ONLY', message: expect.stringMatching(/serviceUrl/) } },
      });
    }
    expect(t.connector.calls).toHaveLength(0);
    expect(await stored()).toEqual(before);
  });

  it('a browser’s own-origin request (no Origin, Sec-Fetch-Site same-origin or none) is answered only with this run’s secret, as the local sign-in', async () => {
    const before = await stored();
    for (const site of ['same-origin', 'none']) {
      for (const secret of [{}, { 'x-local-secret': 'not-this-runs-secret' }] as Record<string, string>[]) {
        expect(await request({ ...json, 'sec-fetch-site': site, 'sec-fetch-mode': 'cors', ...secret }, JSON.stringify(raiseImmediateRisk()))).toMatchObject({
          status: 401,
          body: { error: { code: 'UNAUTHENTICATED' } },
        });
      }
    }
    expect(await stored()).toEqual(before);
    expect((await request({ ...json, 'sec-fetch-site': 'same-origin', 'x-local-secret': t.app.local!.secret }, JSON.stringify(myActions()))).status).toBe(200);
    await t.connector.waitForActivities(1);
  });

  it('the same activities as JSON from a program on this computer, with a loopback serviceUrl, are answered and acted on', async () => {
    const before = await stored();
    expect((await request(json, JSON.stringify(myActions()))).status).toBe(200);
    const raised = await request(json, JSON.stringify(raiseImmediateRisk()));
    expect(raised.status).toBe(200);
    expect(JSON.stringify(raised.body.value)).toMatch(/ESC-\d{4}-\d{4}/);
    await t.connector.waitForActivities(1);
    expect((await stored()).escalations).toBe(before.escalations + 1);
  });
});
