import fc from 'fast-check';
import { runs } from '../fast-check-setup';
import { generateKeyPairSync } from 'node:crypto';
import type { Person } from '../../services/people/model';
import type { Action } from '../../services/plan/model';
import { toArray } from '../../services/store/ports';
import { LOCAL_SECRET_HEADER } from '../../services/core/local-secret';
import { startTestApp, type TestApp } from '../harness/app';
import { countingStore } from '../harness/store';
import { ORG } from '../harness/fixtures';
import { signJwt, startOpenIdServer } from '../harness/openid';
import { CLIENT_ID, tabSsoClaims, tabSsoSettings, TEAMS_WEB_CLIENT } from '../harness/partnership';
import { TEST_TENANT_ID } from '../harness/teams-activities';
import { AAD, seedDashboard, seedReach } from './dashboard-seed';
import { loadAnswerSeal } from '../../services/surveys/seal';

const OTHER_TENANT = '99999999-8888-4777-8666-555555555555';
/** Another allowed tenant: a partner agency's. */
const PARTNER_TENANT = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const TEAMS_MOBILE_CLIENT = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';

describe('the tab API in production mode: every request carries a valid Teams SSO token', () => {
  let t: TestApp;
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  /** What the app asked the store, as "container.method" ("organisations.read"). */
  let storeCalls: string[] = [];
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const get = async (path: string, authorization?: string) => {
    const res = await fetch(`${t.app.url}${path}`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };
  const bearer = (over: Record<string, unknown> = {}, key = openId.trustedKey, kid = 'trusted') =>
    `Bearer ${signJwt(key, kid, tabSsoClaims({ oid: AAD.val, tenant: TEST_TENANT_ID }, over))}`;

  beforeAll(async () => {
    openId = await startOpenIdServer();
    t = await startTestApp(
      {
        MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa',
        MicrosoftAppPassword: 'example-not-a-secret',
        ALLOWED_TENANT_IDS: `${TEST_TENANT_ID},${PARTNER_TENANT}`,
        HOST: '127.0.0.1',
        ...tabSsoSettings(openId),
      },
      {
        appStore: (store) => {
          const counted = countingStore(store);
          storeCalls = counted.calls;
          return counted.store;
        },
      },
    );
    t.clock.set('2026-11-23T10:00:00Z');
    await seedDashboard(t.store, t.clock, loadAnswerSeal(t.config));
  });
  afterAll(async () => {
    await t.close();
    await openId.close();
  });

  it('a genuine token for this app and tenant gets the person’s own dashboard', async () => {
    const me = await get('/api/tab/me', bearer());
    // The partnership board report is a module's declared report, offered beside the views by its own rule.
    expect(me).toMatchObject({
      status: 200,
      body: {
        id: 'demo-val-johnson',
        // A safeguarding lead as well as an administrator: offered the Section 11 return form.
        views: ['my-actions', 'plan', 'escalations', 'training', 'questionnaires', 'reach', 's11-return'],
        reports: [
          { name: 'partnership', title: 'Partnership' },
          { name: 's11', title: 'Section 11 self-assessment' },
          { name: 'reviews', title: 'Learning from reviews' },
          { name: 'review-appendix', title: 'Annual report appendix' },
          { name: 'review-progress', title: 'Reviews at a glance' },
        ],
      },
    });
    // The bare client id is also a valid audience (Teams uses either form).
    expect((await get('/api/tab/me', bearer({ aud: CLIENT_ID }))).status).toBe(200);
    // A v1 token from the same tenant is accepted too (its client is in appid), as is one for the Teams mobile and desktop client.
    expect((await get('/api/tab/me', bearer({ iss: `https://sts.windows.net/${TEST_TENANT_ID}/`, azp: undefined, appid: TEAMS_WEB_CLIENT }))).status).toBe(200);
    expect((await get('/api/tab/me', bearer({ azp: TEAMS_MOBILE_CLIENT, scp: 'User.Read access_as_user' }))).status).toBe(200);
    // Authorization schemes are case-insensitive.
    expect((await get('/api/tab/me', bearer().replace('Bearer', 'bearer'))).status).toBe(200);
  });

  it.each([
    ['no token', () => undefined],
    ['a token signed with a key Entra ID does not publish', () => bearer({}, attacker)],
    ['a token with an unknown key id', () => bearer({}, attacker, 'forged')],
    ['a token for another app (audience)', () => bearer({ aud: 'api://elsewhere.example/abc' })],
    ['an expired token', () => bearer({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
    ['a token whose issuer is not its tenant', () => bearer({ iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` })],
    ['a token with no user', () => bearer({ oid: undefined })],
    ['an ID token (audience = the client id, no delegated scope)', () => bearer({ aud: CLIENT_ID, scp: undefined, azp: undefined, nonce: 'n' })],
    ['an access token without the access_as_user scope', () => bearer({ scp: 'User.Read' })],
    ['an access token issued to some other client app', () => bearer({ azp: '0f0e0d0c-0b0a-4909-8807-060504030201' })],
    [
      'a v1 access token issued to some other client app',
      () => bearer({ iss: `https://sts.windows.net/${TEST_TENANT_ID}/`, azp: undefined, appid: '0f0e0d0c-0b0a-4909-8807-060504030201' }),
    ],
    ['a local sign-in, which production mode never accepts', () => 'Local demo-val-johnson'],
    ['another scheme', () => 'Basic dmFsOnZhbA=='],
  ])('%s gets 401', async (_what, authorization) => {
    const res = await get('/api/tab/plan', authorization());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('a signed-in request reads the organisation once: it is the partnership the sign-in rule checks too', async () => {
    await get('/api/tab/me', bearer()); // roles brought up to date at the first sign-in
    storeCalls.length = 0;
    expect((await get('/api/tab/my-actions', bearer())).status).toBe(200);
    // The person's agency's own document is the organisations container's other read.
    expect(storeCalls.filter((c) => c.startsWith('organisations.'))).toEqual(['organisations.read', 'organisations.read']);
  });

  it('a genuine token from a tenant that is not allowed is refused', async () => {
    const res = await get('/api/tab/me', bearer({ tid: OTHER_TENANT }));
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'TENANT_NOT_ALLOWED' } } });
  });

  it('an object id linked in one tenant is nobody when its token comes from another allowed tenant', async () => {
    const people = t.store.collection<Person>('people');
    const before = (await people.read(ORG, 'demo-val-johnson'))!;
    await people.upsert({ ...before, aadTenantId: TEST_TENANT_ID });
    try {
      const iss = `https://login.microsoftonline.com/${PARTNER_TENANT}/v2.0`;
      expect(await get('/api/tab/me', bearer({ tid: PARTNER_TENANT, iss }))).toMatchObject({ status: 403, body: { error: { code: 'NOT_IN_DIRECTORY' } } });
      expect((await get('/api/tab/me', bearer())).status).toBe(200);
    } finally {
      await people.update(ORG, 'demo-val-johnson', ({ aadTenantId: _linked, ...rest }) => ({
        ...rest,
        ...(before.aadTenantId ? { aadTenantId: before.aadTenantId } : {}),
      }));
    }
  });

  it('someone not linked to the directory sees nothing, and is told to ask their administrator', async () => {
    const res = await get('/api/tab/my-actions', bearer({ oid: 'aad-stranger' }));
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'NOT_IN_DIRECTORY' } } });
    expect(res.body.error.message).toMatch(/not linked to anyone[\s\S]*Ask your administrator to link your account/);
    expect(res.body).not.toHaveProperty('actions');
  });

  it('someone marked as having left is refused, though their token is genuine', async () => {
    await t.store
      .collection<Person>('people')
      .upsert({ id: 'leaver', orgId: ORG, name: 'Lee Ver', aadObjectId: 'aad-leaver', roles: ['admin'], active: false });
    expect(await get('/api/tab/me', bearer({ oid: 'aad-leaver' }))).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.stringMatching(/left/) } },
    });
  });

  it('offers no local sign-in in production mode', async () => {
    expect(await get('/api/tab/mode')).toEqual({ status: 200, body: { localMode: false, ssoConfigured: true } });
    const people = await get('/api/tab/local/people');
    expect(people).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(people.body).not.toHaveProperty('people');
  });

  it('the same role rules as the bot: an officer cannot open HR’s named list or the rates; HR can', async () => {
    const officer = bearer({ oid: AAD.richard });
    expect((await get('/api/tab/me', officer)).body.views).toEqual(['my-actions', 'plan', 'escalations']);
    expect((await get('/api/tab/training/overdue', officer)).status).toBe(403);
    expect((await get('/api/tab/training', officer)).status).toBe(403);
    expect((await get('/api/tab/questionnaires', officer)).status).toBe(403);
    const hr = bearer({ oid: AAD.simon });
    const named = await get('/api/tab/training/overdue', hr);
    expect(named.status).toBe(200);
    expect(named.body.report.headers[0]).toBe('Name');
    expect(named.body.report.rows.map((r: unknown[]) => r[0])).toContain('Staff Member 11');
    // Safeguarding leads see rates but not names.
    expect((await get('/api/tab/training', bearer({ oid: AAD.lucy }))).status).toBe(200);
    expect((await get('/api/tab/training/overdue', bearer({ oid: AAD.lucy }))).status).toBe(403);
  });

  it('who is reached, by name, is for administrators: HR, a safeguarding lead and an officer get 403 and no names', async () => {
    await seedReach(t.store);
    const admin = await get('/api/tab/reach', bearer());
    expect(admin.status).toBe(200);
    const people = await toArray(
      t.store
        .collection<Person>('people')
        .query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.active = true', parameters: [{ name: '@orgId', value: ORG }] }),
    );
    expect(admin.body.rows).toHaveLength(people.length);
    expect(admin.body.counts).toEqual({ teams: 1, email: 0, unreachable: people.length - 1 });
    expect(admin.body.rows.find((r: { personId: string }) => r.personId === 'demo-val-johnson')).toEqual({
      personId: 'demo-val-johnson',
      name: 'Val Johnson',
      channel: 'teams',
      why: '',
    });
    expect(admin.body.rows.find((r: { personId: string }) => r.personId === 'demo-richard-adams')).toMatchObject({
      channel: 'unreachable',
      why: expect.stringContaining('blocked for them in Teams'),
    });
    for (const oid of [AAD.simon, AAD.lucy, AAD.richard]) {
      const refused = await get('/api/tab/reach', bearer({ oid }));
      expect(refused).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } });
      expect(JSON.stringify(refused.body)).not.toContain('Richard');
      expect((await get('/api/tab/me', bearer({ oid }))).body.views).not.toContain('reach');
    }
  });

  it('escalations as the bot shows them: a lead sees every open one, an officer only those they raised', async () => {
    const lead = await get('/api/tab/escalations', bearer({ oid: AAD.lucy }));
    expect(lead.status).toBe(200);
    expect(lead.body.escalations).toHaveLength(3);
    expect(lead.body.byStage.slice(0, 2)).toMatchObject([
      { stage: 1, count: 2 },
      { stage: 2, count: 1 },
    ]);
    const officer = await get('/api/tab/escalations', bearer({ oid: AAD.richard }));
    expect(officer.body.escalations.map((e: { title: string }) => e.title).sort()).toEqual(['Concern about a referral outcome', 'Professional disagreement']);
    expect(officer.body.byStage.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(2);
    // Ages in working days from the day raised (Monday 16 and Tuesday 17 November) to Monday 23 November.
    expect(officer.body.escalations.map((e: { ageWorkingDays: number }) => e.ageWorkingDays).sort()).toEqual([4, 5]);
  });

  it('the plan counts match the stored actions, and filters narrow them', async () => {
    const all = await toArray(
      t.store.collection<Action>('actions').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }),
    );
    const plan = await get('/api/tab/plan', bearer());
    expect(plan.body.actions).toHaveLength(all.length);
    for (const s of ['B', 'G', 'A', 'R', 'NR']) expect(plan.body.totals[s]).toBe(all.filter((a) => a.status === s).length);
    const reds = await get('/api/tab/plan?status=R', bearer());
    expect(reds.body.actions.map((a: { id: string }) => a.id)).toEqual(all.filter((a) => a.status === 'R').map((a) => a.id));
    const vals = await get(`/api/tab/plan?lead=${encodeURIComponent('Val Johnson')}`, bearer());
    expect(vals.body.actions.length).toBe(all.filter((a) => a.leads.some((l) => l.name === 'Val Johnson')).length);
  });

  it('bad query parameters get a 400 that says why, never a 500', async () => {
    for (const path of [
      '/api/tab/plan?status=purple',
      '/api/tab/plan?colour=red',
      '/api/tab/plan?status=R&status=G',
      '/api/tab/training?by=shoe-size',
      '/api/tab/questionnaires/%3Cscript%3E',
    ]) {
      const res = await get(path, bearer());
      expect([400, 404]).toContain(res.status);
      expect(res.body.error.message.length).toBeGreaterThan(5);
    }
  });

  it('generated query strings, paths and Authorization headers never get a 500', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('<script>', '%00', '%E0%A4%A', '../../etc/passwd', '__proto__', 'R', 'department', 'other-org'),
      fc.string({ minLength: 2000, maxLength: 4000 }),
    );
    const route = fc.constantFrom(
      '/api/tab/plan',
      '/api/tab/training',
      '/api/tab/training/overdue',
      '/api/tab/escalations',
      '/api/tab/my-actions',
      '/api/tab/me',
      '/api/tab/questionnaires',
    );
    await fc.assert(
      fc.asyncProperty(
        route,
        fc.dictionary(fc.constantFrom('lead', 'status', 'by', 'x', 'constructor'), text, { maxKeys: 3 }),
        text,
        fc.boolean(),
        async (base, query, id, genuine) => {
          const path = base === '/api/tab/questionnaires' && id ? `${base}/${encodeURIComponent(id)}` : `${base}?${new URLSearchParams(query).toString()}`;
          const res = await fetch(`${t.app.url}${path}`, { headers: { authorization: genuine ? bearer() : `Bearer ${id.replace(/[^\x20-\x7e]/g, '')}` } });
          expect(res.status).toBeLessThan(500);
          await res.arrayBuffer();
        },
      ),
      { numRuns: runs(120) },
    );
  });

  it('the page is served with a policy that lets only Teams frame it', async () => {
    for (const path of ['/tab', '/tab/']) {
      const redirect = await fetch(`${t.app.url}${path}`, { redirect: 'manual' });
      expect({ path, status: redirect.status, location: redirect.headers.get('location') }).toEqual({ path, status: 302, location: '/tab/index.html' });
    }
    const res = await fetch(`${t.app.url}/tab/index.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(await res.text()).toContain('<script src="app.js" defer></script>');
  });
});

describe('the tab API in local mode: the development sign-in, on this computer only', () => {
  let t: TestApp;
  /** As the dashboard page asks, with this run's secret that `npm start`'s address handed it. */
  const get = async (path: string, authorization?: string) => {
    const res = await fetch(`${t.app.url}${path}`, { headers: { ...(authorization ? { authorization } : {}), [LOCAL_SECRET_HEADER]: t.app.local!.secret } });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-11-23T10:00:00Z');
    await seedDashboard(t.store, t.clock, loadAnswerSeal(t.config));
  });
  afterAll(() => t.close());

  it('lists the directory to choose from, and signs in as the chosen person', async () => {
    expect(await get('/api/tab/mode')).toEqual({ status: 200, body: { localMode: true, ssoConfigured: false } });
    const { status, body } = await get('/api/tab/local/people');
    expect(status).toBe(200);
    expect(body.people).toContainEqual({ id: 'demo-simon-howick', name: 'Simon Howick', roles: expect.arrayContaining(['hr']) });
    expect(body.people.map((p: { name: string }) => p.name)).toEqual(
      [...body.people.map((p: { name: string }) => p.name)].sort((a: string, b: string) => a.localeCompare(b)),
    );
    expect(await get('/api/tab/me', 'Local demo-simon-howick')).toMatchObject({
      status: 200,
      body: { id: 'demo-simon-howick', views: expect.arrayContaining(['training']) },
    });
    // The same role rules apply to whoever is chosen.
    expect((await get('/api/tab/training/overdue', 'Local demo-richard-adams')).status).toBe(403);
    expect((await get('/api/tab/training/overdue', 'Local demo-simon-howick')).status).toBe(200);
  });

  it('refuses an unknown id, a malformed one, and SSO tokens when SSO is not set up', async () => {
    expect(await get('/api/tab/me', 'Local nobody-here')).toMatchObject({ status: 403, body: { error: { code: 'NOT_IN_DIRECTORY' } } });
    expect(await get('/api/tab/me', 'Local ../people')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await get('/api/tab/me', 'Local')).toMatchObject({ status: 401 });
    expect(await get('/api/tab/me', 'Bearer abc.def.ghi')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });
});
