import { appEvents } from '../harness/partnership';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { LOCAL_SECRET_FILE } from '../../services/core/local-secret';
import { projectRoot } from '../../services/core/paths';
import { seedDemo } from '../../services/demo/seed-demo';
import { localSignIn, startTestApp, type TestApp } from '../harness/app';
import { childEnv } from '../harness/child-env';
import { ORG } from '../harness/fixtures';

/**
 * Local mode listens on loopback, which every account on the computer can reach. The data folder
 * is private to the developer; so is this run's secret in it, and without the secret the local
 * sign-in (people and their roles, escalations, the named overdue list) answers nobody.
 */
describe('the tab’s local sign-in answers only the browser this run’s secret was handed to', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedDemo(t.store, t.clock, ORG, 'Europe/London', appEvents());
  });
  afterAll(() => t.close());

  const get = async (route: string, headers: Record<string, string>) => {
    const res = await fetch(`${t.app.url}${route}`, { headers });
    return { route, status: res.status, code: ((await res.json()) as { error?: { code?: string } }).error?.code };
  };
  const ROUTES = ['/api/tab/local/people', '/api/tab/me', '/api/tab/escalations', '/api/tab/training/overdue', '/api/tab/plan'];

  it.each([
    ['no secret (another account’s process on this computer)', {}],
    ['a wrong secret', { 'x-local-secret': 'not-this-runs-secret' }],
    ['an empty secret', { 'x-local-secret': '' }],
  ])('with %s, every local route answers 401 and names no one', async (_what, secret) => {
    for (const route of ROUTES) {
      expect(await get(route, { authorization: 'Local demo-simon-howick', ...secret })).toEqual({ route, status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('with this run’s secret, the local sign-in works as before: the directory to choose from, then the chosen person’s views', async () => {
    const people = await fetch(`${t.app.url}/api/tab/local/people`, { headers: { 'x-local-secret': t.app.local!.secret } });
    expect(people.status).toBe(200);
    expect(((await people.json()) as { people: { id: string }[] }).people.map((p) => p.id)).toContain('demo-simon-howick');
    for (const route of ROUTES.slice(1)) expect((await get(route, localSignIn(t, 'demo-simon-howick'))).status).toBe(200);
  });

  it('the secret is new at every start and kept in the data folder for its owner only; the last run’s no longer signs in', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sat-secret-'));
    try {
      const first = await startTestApp({ DATA_DIR: dataDir });
      const firstSecret = first.app.local!.secret;
      await first.close();
      const second = await startTestApp({ DATA_DIR: dataDir });
      try {
        const file = path.join(dataDir, LOCAL_SECRET_FILE);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
        expect((await readFile(file, 'utf8')).trim()).toBe(second.app.local!.secret);
        expect(second.app.local!.secret).not.toBe(firstSecret);
        expect(second.app.local!.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
        const withFirst = await fetch(`${second.app.url}/api/tab/local/people`, { headers: { 'x-local-secret': firstSecret } });
        expect(withFirst.status).toBe(401);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm start hands the secret over once, in the address it prints', () => {
  it('prints the dashboard’s address with this run’s secret, which signs in; the address without it does not', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sat-start-'));
    const bot = spawn(process.execPath, ['--disable-warning=DEP0111', path.join(projectRoot(), 'dist', 'bot', 'main.js')], {
      cwd: projectRoot(),
      env: childEnv({ DATA_DIR: dataDir, DEFAULT_ORG_ID: 'demo', PORT: '0', SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const listening = await new Promise<{ url: string; dashboard?: string }>((resolve, reject) => {
        readline.createInterface({ input: bot.stdout! }).on('line', (l) => l.includes('listening on') && resolve(JSON.parse(l)));
        bot.once('exit', () => reject(new Error('the bot exited before it was ready')));
      });
      const secret = (await readFile(path.join(dataDir, LOCAL_SECRET_FILE), 'utf8')).trim();
      expect(listening.dashboard).toBe(`${listening.url}/tab/index.html#local-sign-in=${secret}`);
      const handed = new URLSearchParams(new URL(listening.dashboard!).hash.slice(1)).get('local-sign-in')!;
      expect((await fetch(`${listening.url}/api/tab/local/people`, { headers: { 'x-local-secret': handed } })).status).toBe(200);
      expect((await fetch(`${listening.url}/api/tab/local/people`)).status).toBe(401);
    } finally {
      bot.kill('SIGTERM');
      await once(bot, 'exit');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
