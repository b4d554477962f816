import { appEvents } from '../harness/partnership';
import http from 'node:http';
import { loadConfig } from '../../services/core/config';
import { seedDemo } from '../../services/demo/seed-demo';
import { localSignIn, startTestApp, type TestApp } from '../harness/app';
import { ORG } from '../harness/fixtures';
import { invokeActionExecute, messageActivity } from '../harness/teams-activities';

describe('the HTTP server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('GET /healthz answers 200 and names the store kind', async () => {
    const res = await fetch(`${t.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: { kind: 'embedded' }, scheduler: { enabled: false }, delivery: { intervalMs: 5000 } });
  });

  it('GET /readyz answers 200 when the store answers', async () => {
    const res = await fetch(`${t.app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', store: { kind: 'embedded' } });
  });

  it('a body that is not JSON gets a 400 with a plain message, not a 500', async () => {
    const res = await fetch(`${t.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('an oversized body is refused with 413', async () => {
    const activity = messageActivity({ serviceUrl: t.connector.serviceUrl, user: { id: '29:x', aadObjectId: 'x', name: 'X' }, text: 'x'.repeat(300 * 1024) });
    const res = await fetch(`${t.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(413);
    expect(t.connector.calls).toHaveLength(0);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await fetch(`${t.app.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('an invoke that does not say who the user is gets a card saying so, and changes nothing', async () => {
    const activity = invokeActionExecute({
      serviceUrl: t.connector.serviceUrl,
      user: { id: '29:x', aadObjectId: 'x', name: 'X' },
      verb: 'myActions.show',
      data: {},
    });
    delete activity.from.aadObjectId;
    const res = await t.post(activity);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.value)).toMatch(/Teams did not say who you are/);
  });

  it('in local mode, LOCAL_ACT_AS lets someone not in the directory try the bot as a directory person', async () => {
    const local = await startTestApp({ LOCAL_ACT_AS: 'Val Johnson' });
    try {
      await seedDemo(local.store, local.clock, ORG, 'Europe/London', appEvents());
      const res = await local.post(
        invokeActionExecute({
          serviceUrl: local.connector.serviceUrl,
          user: { id: '29:alex', aadObjectId: 'aad-alex', name: 'Alex Wilber' },
          verb: 'myActions.show',
          data: {},
        }),
      );
      expect(JSON.stringify(res.body.value)).toMatch(/Your open actions \(\d+(, \d+ overdue)?\)/);
    } finally {
      await local.close();
    }
    expect(() => loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', ALLOWED_TENANT_IDS: 't', LOCAL_ACT_AS: 'Val Johnson' })).toThrow(
      /LOCAL_ACT_AS: is only allowed in local mode/,
    );
  });

  it('/readyz answers 503 when the store cannot be reached (/healthz stays 200: the process is alive), and an invoke then gets a card saying so, not a 500', async () => {
    const broken = await startTestApp();
    try {
      await broken.store.close(); // the store goes away under the running app
      const readiness = await fetch(`${broken.app.url}/readyz`);
      expect(readiness.status).toBe(503);
      expect(await readiness.json()).toMatchObject({ status: 'not ready', reasons: ['the store is not reachable'] });
      expect((await fetch(`${broken.app.url}/healthz`)).status).toBe(200);
      const res = await broken.post(
        invokeActionExecute({ serviceUrl: broken.connector.serviceUrl, user: { id: '29:x', aadObjectId: 'x', name: 'X' }, verb: 'myActions.show', data: {} }),
      );
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body.value)).toMatch(/STORE_UNAVAILABLE|not reachable/);
    } finally {
      await broken.app.close();
      await broken.connector.close();
    }
  });
});

describe('readiness follows the scheduler', () => {
  it('with the scheduler on, /readyz is ready and names its jobs; once the app is closing it is not', async () => {
    const t = await startTestApp({ SCHEDULER_ENABLED: 'true' });
    try {
      const ready = await fetch(`${t.app.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', scheduler: { enabled: true, running: true } });
    } finally {
      const closing = t.close();
      // The server finishes the request in flight while it closes; new connections are refused once closed.
      const during = await fetch(`${t.app.url}/readyz`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(during);
      await closing;
    }
  });
});

describe('local mode answers only someone at this computer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
  });
  afterAll(() => t.close());

  /** A raw request, so the Host header can be anything a browser, tunnel or proxy would send. */
  function request(path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
    const { port } = new URL(t.app.url);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const activity = () =>
    JSON.stringify(messageActivity({ serviceUrl: t.connector.serviceUrl, user: { id: '29:x', aadObjectId: 'aad-x', name: 'X' }, text: 'help' }));

  it.each([
    ['a foreign Host header (DNS rebinding)', { host: 'attacker.example' }],
    ['a dev tunnel host', { host: 'abc123-3978.uks1.devtunnels.ms' }],
    ['X-Forwarded-For from a tunnel or proxy', { host: '127.0.0.1', 'x-forwarded-for': '203.0.113.7' }],
    ['X-Forwarded-Host', { host: 'localhost', 'x-forwarded-host': 'abc123-3978.uks1.devtunnels.ms' }],
    ['X-Forwarded-Proto', { host: 'localhost', 'x-forwarded-proto': 'https' }],
    ['a Forwarded header', { host: 'localhost', forwarded: 'for=203.0.113.7;proto=https' }],
    ['a dev tunnel header', { host: 'localhost', 'x-ms-devtunnel': 'abc123' }],
  ])('%s gets 403 on the bot, the tab API and the local sign-in, and nothing is sent', async (_what, headers) => {
    const before = t.connector.calls.length;
    for (const res of [
      await request('/api/messages', headers, activity()),
      await request('/api/tab/people', { ...headers, authorization: 'Local demo-val-johnson' }),
      await request('/api/tab/me', { ...headers, authorization: 'Local demo-val-johnson' }),
    ]) {
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'LOCAL_ONLY' } } });
    }
    expect(t.connector.calls.length).toBe(before);
  });

  it.each([['127.0.0.1'], ['localhost'], ['[::1]']])('Host %s is answered', async (host) => {
    const { port } = new URL(t.app.url);
    expect((await request('/api/tab/me', { host: `${host}:${port}`, ...localSignIn(t, 'demo-val-johnson') })).status).toBe(200);
    expect((await request('/api/messages', { host: `${host}:${port}` }, activity())).status).toBe(200);
  });
});
