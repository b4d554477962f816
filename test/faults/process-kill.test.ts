import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { ConversationRecord } from '../../services/conversations/model';
import { projectRoot } from '../../services/core/paths';
import type { Person } from '../../services/people/model';
import type { Action } from '../../services/plan/model';
import type { TrainingRecord } from '../../services/training/model';
import { FakeConnector } from '../harness/fake-connector';
import { actionDoc, person } from '../harness/fixtures';
import { openPersistentTestStore } from '../harness/store';
import { personalConversationId, TEST_BOT_ID, TEST_TENANT_ID } from '../harness/teams-activities';

const ORG = 'demo';
const root = projectRoot();

/** The app's own compiled processes, as an operator runs them: `npm start` and `npm run cli`. */
function node(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', script), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, DEFAULT_ORG_ID: ORG, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
const lines = (stream: NodeJS.ReadableStream) => readline.createInterface({ input: stream });
async function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}
async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const child = node('cli/index.js', args, env);
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const { code } = await finished(child);
  if (code !== 0) throw new Error(`cli ${args.join(' ')} failed: ${out}`);
  return out;
}

/**
 * Real processes killed with SIGKILL part-way through their work, then the work done again: the
 * store (held by the running bot) ends up with everything once.
 */
describe('a process killed mid-way, then run again', () => {
  let dataDir: string;
  let bot: ChildProcess;
  let connector: FakeConnector;
  const env = () => ({
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: 'false',
    SCHEDULER_ENABLED: 'false',
    DELIVERY_INTERVAL_SECONDS: '3600',
    DELIVERY_LEASE_SECONDS: '5',
    PORT: '0',
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'kill-'));
    connector = await FakeConnector.start();
    // The bot holds the data folder; the command-line processes attach to its store.
    bot = node('main.js', [], env());
    const ready = lines(bot.stdout!);
    await new Promise<void>((resolve, reject) => {
      ready.on('line', (l) => l.includes('listening on') && resolve());
      bot.once('exit', () => reject(new Error('the bot exited before it was ready')));
    });
  }, 60_000);
  afterAll(async () => {
    bot.kill('SIGTERM');
    await once(bot, 'exit');
    await connector.close();
  });

  /** Reads the store the way an operator would after stopping the bot: from its saved data folder. */
  async function stored<T extends { id: string; orgId: string }>(container: 'training' | 'outbox' | 'people', kind?: string): Promise<T[]> {
    await cli(['backup', path.join(dataDir, 'backups')], env());
    const files = (await readdir(path.join(dataDir, 'backups'))).filter((f) => f.endsWith('.json')).sort();
    const snapshot = JSON.parse(await readFile(path.join(dataDir, 'backups', files.at(-1)!), 'utf8')) as { containers: Record<string, T[]> };
    return (snapshot.containers[container] ?? []).filter((d) => d.orgId === ORG && (!kind || (d as unknown as { kind: string }).kind === kind));
  }

  it('an HR training import killed part-way, then run again: every record once', async () => {
    const people = [
      'Employee Number,Full Name,Department,Job Title',
      ...Array.from({ length: 600 }, (_, i) => `E${i},Person ${i},Dept ${i % 12},Officer`),
    ].join('\n');
    const courses = ['SG-AWARE', 'PREVENT', 'DA', 'CSE', 'SG-GEN'];
    const training = [
      'Employee Number,Course,Completion Date,Status',
      ...Array.from({ length: 600 * courses.length }, (_, i) => `E${i % 600},${courses[Math.floor(i / 600)]},2026-0${1 + (i % 9)}-15,completed`),
    ].join('\n');
    await writeFile(path.join(dataDir, 'people.csv'), people);
    await writeFile(path.join(dataDir, 'training.csv'), training);
    await cli(['people', 'import', path.join(dataDir, 'people.csv')], env());

    const first = node('cli/index.js', ['training', 'import', path.join(dataDir, 'training.csv')], env());
    // Killed as soon as it reports writing progress: part of the file is in the store, part is not.
    for await (const line of lines(first.stderr!)) {
      if (/^Writing \d+\/3000/.test(line)) {
        first.kill('SIGKILL');
        break;
      }
    }
    expect((await finished(first)).signal).toBe('SIGKILL');
    const partial = (await stored<TrainingRecord>('training', 'record')).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(3000);

    const again = await cli(['training', 'import', path.join(dataDir, 'training.csv')], env());
    expect(again).toMatch(new RegExp(`3000 rows of training records: created ${3000 - partial}, updated 0, unchanged ${partial}, not imported 0`));
    const records = await stored<TrainingRecord>('training', 'record');
    expect(records).toHaveLength(3000);
    expect(new Set(records.map((r) => `${r.personId}|${r.courseCode}`)).size).toBe(3000);
  }, 120_000);

  it('an update round’s fan-out killed part-way, then sent again: every lead asked, none twice beyond the messages in flight', async () => {
    // Leads with Teams conversations at the fake connector, written to the bot's store through a CLI restore.
    const { store, dataDir: seedDir } = await openPersistentTestStore();
    const leads = 150;
    await store.collection<Person>('people').upsert(person({ id: 'admin', orgId: ORG, name: 'Plan Admin', email: 'admin@example.gov.uk', roles: ['admin'] }));
    for (let i = 0; i < leads; i++) {
      const p = person({ id: `lead${i}`, orgId: ORG, name: `Lead ${i}`, aadObjectId: `aad-lead${i}` });
      await store.collection<Person>('people').upsert(p);
      await store.collection<ConversationRecord>('conversations').upsert({
        id: `personal-aad-lead${i}`,
        orgId: ORG,
        kind: 'personal',
        tenantId: TEST_TENANT_ID,
        conversationId: personalConversationId({ id: `29:lead${i}` }),
        serviceUrl: connector.serviceUrl,
        botId: `28:${TEST_BOT_ID}`,
        user: { aadObjectId: `aad-lead${i}`, teamsUserId: `29:lead${i}`, name: p.name },
        personId: p.id,
        reachable: true,
        installedAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
      });
      await store.collection<Action>('actions').upsert(actionDoc({ id: `act-${i}`, orgId: ORG, leadIds: [p.id], leads: [{ name: p.name, personId: p.id }] }));
    }
    await store.close();
    await cli(['backup', path.join(seedDir, 'out')], { DATA_DIR: seedDir, DEFAULT_ORG_ID: ORG, LOG_LEVEL: 'warn' });
    await cli(['restore', path.join(seedDir, 'out')], env());

    const requests = () => connector.activities().filter((a) => JSON.stringify(a.attachments?.[0]?.content ?? '').includes('Update round: please update'));
    const round = node('cli/index.js', ['rounds', 'start', '--by', '2027-01-29', '--as', 'admin@example.gov.uk'], env());
    while (requests().length < 40) await new Promise((r) => setTimeout(r, 20));
    round.kill('SIGKILL');
    await finished(round);
    const beforeRestart = requests().length;
    expect(beforeRestart).toBeLessThan(leads);

    // Sent again: what the killed sender had claimed is taken over once its lease has passed.
    const out = await cli(['delivery', 'send'], env());
    expect(out).toMatch(/Delivered: sent \d+/);
    const perLead = new Map<string, number>();
    for (const a of requests()) perLead.set(a.conversation.id, (perLead.get(a.conversation.id) ?? 0) + 1);
    // Nothing lost: every lead was asked.
    expect(perLead.size).toBe(leads);
    // A message Teams accepted just as the sender died, before the outbox recorded it, is sent once
    // more: at most the handful that were in flight at that instant, never the whole fan-out.
    const twice = [...perLead.values()].filter((n) => n > 1).length;
    expect([...perLead.values()].every((n) => n <= 2)).toBe(true);
    expect(twice).toBeLessThanOrEqual(8);
    const outbox = await stored<{ id: string; orgId: string; status: string; purpose: string }>('outbox');
    expect(outbox.filter((i) => i.purpose === 'round-request').every((i) => i.status === 'sent')).toBe(true);
  }, 120_000);
});
