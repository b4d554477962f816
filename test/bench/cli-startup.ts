import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../../services/core/paths';

/**
 * How long `tracker <command>` takes against a running app: the app (`dist/bot/main.js`, as
 * `npm start` runs it, with the demo data) on a fresh data folder, then the installed bin run the
 * way a shell runs it (the file itself, through its `#!/usr/bin/env node` line), a warm-up and
 * then RUNS timed runs; `npm run cli --silent --` the same for comparison.
 *
 *   npm run bench:cli [-- --runs 5 --command "org show"]
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RUNS = Number(option('runs', '5'));
const COMMAND = option('command', 'org show').split(' ');

const root = projectRoot();
const bin = path.join(root, 'dist', 'bot', 'cli', 'index.js');

function timed(file: string, argv: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${path.basename(file)} ${argv.join(' ')} exited ${result.status}: ${String(result.stderr).trim()}`);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(2)} s (runs ${xs.map((x) => x.toFixed(2)).join(', ')})`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', SCHEDULER_ENABLED: 'false', PORT: '0' };
  const app = spawn(process.execPath, ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', 'main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => app.kill('SIGKILL'));
  try {
    // The app's last start-up line says where it listens; by then the data folder is served.
    const lines = readline.createInterface({ input: app.stdout! });
    for await (const line of lines) if (line.includes('listening on')) break;
    const cliEnv = { ...env, LOG_LEVEL: 'warn' };
    timed(bin, COMMAND, cliEnv); // warm-up: the disk cache, as for anyone's second command
    // Interleaved, so a burst of load on the shared machine falls on both alike.
    const direct: number[] = [];
    const npm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      direct.push(timed(bin, COMMAND, cliEnv));
      npm.push(timed('npm', ['run', 'cli', '--silent', '--', ...COMMAND], cliEnv));
    }
    const [load1] = os.loadavg();
    console.log(`tracker ${COMMAND.join(' ')} against the running app, ${RUNS} runs, load average ${load1!.toFixed(1)} on ${os.cpus().length} cores`);
    console.log(`  tracker (the installed bin):      ${fmt(direct)}`);
    console.log(`  npm run cli --silent -- (for comparison): ${fmt(npm)}`);
  } finally {
    app.kill('SIGTERM');
    await once(app, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
