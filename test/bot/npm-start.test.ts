import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { childEnv } from '../harness/child-env';

const root = path.resolve(__dirname, '..', '..');

/** What `npm start` prints up to the line saying where it listens, as the JSON lines' messages; then it is stopped with Ctrl+C. */
async function npmStartMessages(dataDir: string): Promise<string[]> {
  // `npm start` is the build check and then this process.
  const app = spawn(process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', 'main.js')], {
    cwd: root,
    env: childEnv({ DATA_DIR: dataDir, PORT: '0', SCHEDULER_ENABLED: 'false' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: string[] = [];
  // Read to the end, as a terminal would: Ctrl+C comes once it listens, and the app's goodbye still
  // has somewhere to go (a closed pipe would make its last log line fail, which no terminal does).
  const exited = once(app, 'exit');
  let listening = false;
  for await (const line of readline.createInterface({ input: app.stdout! })) {
    const msg = (JSON.parse(line) as { msg: string }).msg;
    if (listening) continue;
    messages.push(msg);
    if (msg.startsWith('listening on')) {
      listening = true;
      app.kill('SIGINT');
    }
  }
  const [code] = await exited;
  expect(code).toBe(0);
  return messages;
}

describe('npm start prints what the README says it prints', () => {
  it('the demo loaded (then, on later starts, restored from ./data), the seal-key warning of local mode, and last where it listens and on which store', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-'));
    try {
      const listening = new RegExp(
        `^listening on http://127\\.0\\.0\\.1:\\d+/api/messages using embedded store in ${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
      );
      const first = await npmStartMessages(dataDir);
      expect(first).toEqual(['demo plan and training loaded', expect.stringMatching(/^SURVEY_SEAL_KEY is not set/), expect.stringMatching(listening)]);
      const second = await npmStartMessages(dataDir);
      expect(second).toEqual(['embedded store restored from snapshot', expect.stringMatching(/^SURVEY_SEAL_KEY is not set/), expect.stringMatching(listening)]);

      // The README quotes these; keep them true together.
      const readme = await readFile(path.join(root, 'README.md'), 'utf8');
      expect(readme).toContain('`npm start` logs JSON lines: on the first start "demo plan and training loaded", on later starts');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
