// Builds only when the sources differ from those of the last build, so a command run twice does
// not compile twice. Sources are compared by content, not by file times, which checkouts and
// clocks make unreliable. Plain JavaScript: it has to run before anything is compiled.
//   node bot/build-if-stale.mjs          the app, the command line and the tab, in dist/
//   node bot/build-if-stale.mjs bench    that, and the benchmarks with their harness, in dist-bench/
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// patches/ too: the tab's bundle includes a patched dependency.
const APP_SOURCES = ['bot', 'cards', 'manifest', 'services', 'tab', 'patches', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const TARGETS = {
  // The command line is the package's `bin`: npx runs it directly, so it must be executable.
  app: { dir: 'dist', sources: APP_SOURCES, steps: [['npm', 'run', 'build', '--silent']], executables: ['dist/bot/cli/index.js'] },
  bench: {
    dir: 'dist-bench',
    sources: [...APP_SOURCES, 'test/bench', 'test/harness', 'tsconfig.bench.json'],
    steps: [
      ['node', 'bot/build-if-stale.mjs'],
      ['node', 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.bench.json'],
    ],
  },
};

function addFiles(hash, entry) {
  const info = statSync(entry, { throwIfNoEntry: false });
  if (!info) return;
  if (info.isDirectory()) {
    for (const name of readdirSync(entry).sort()) if (name !== 'node_modules') addFiles(hash, path.join(entry, name));
    return;
  }
  hash.update(path.relative(root, entry)).update('\0').update(readFileSync(entry)).update('\0');
}

const target = TARGETS[process.argv[2] ?? 'app'];
if (!target) {
  process.stderr.write(`Unknown build target "${process.argv[2]}": use ${Object.keys(TARGETS).join(' or ')}.\n`);
  process.exit(2);
}
const hash = createHash('sha256');
for (const source of target.sources) addFiles(hash, path.join(root, source));
const fingerprint = hash.digest('hex');
const stamp = path.join(root, target.dir, '.sources');
let built = '';
try {
  built = readFileSync(stamp, 'utf8').trim();
} catch {
  // never built
}
if (built !== fingerprint) {
  const started = Date.now();
  // From clean, so a removed source leaves no compiled file behind.
  rmSync(path.join(root, target.dir), { recursive: true, force: true });
  for (const [command, ...args] of target.steps) {
    const executable = command === 'node' ? process.execPath : process.platform === 'win32' ? `${command}.cmd` : command;
    const result = spawnSync(executable, args, { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  for (const file of target.executables ?? []) chmodSync(path.join(root, file), 0o755);
  writeFileSync(stamp, fingerprint + '\n');
  process.stderr.write(`Built ${target.dir}/ in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}
