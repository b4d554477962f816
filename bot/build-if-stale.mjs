// Builds only when a source file is newer than the last build, so a command run twice does not
// compile twice. Plain JavaScript: it has to run before anything is compiled.
//   node bot/build-if-stale.mjs          the app, the command line and the tab, in dist/
//   node bot/build-if-stale.mjs bench    that, and the benchmarks with their harness, in dist-bench/
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_SOURCES = ['bot', 'cards', 'manifest', 'services', 'tab', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const TARGETS = {
  // The command line is the package's `bin`: npx runs it directly, so it must be executable.
  app: { stamp: 'dist/.built', sources: APP_SOURCES, steps: [['npm', 'run', 'build', '--silent']], executables: ['dist/bot/cli.js'] },
  bench: {
    stamp: 'dist-bench/.built',
    sources: [...APP_SOURCES, 'test/bench', 'test/harness', 'tsconfig.bench.json'],
    steps: [['node', 'bot/build-if-stale.mjs'], ['node', 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.bench.json']],
  },
};

function newest(entry) {
  const info = statSync(entry, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(entry)) if (name !== 'node_modules') latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

const target = TARGETS[process.argv[2] ?? 'app'];
if (!target) {
  process.stderr.write(`Unknown build target "${process.argv[2]}": use ${Object.keys(TARGETS).join(' or ')}.\n`);
  process.exit(2);
}
const stamp = path.join(root, target.stamp);
const sourcesChanged = Math.max(...target.sources.map((s) => newest(path.join(root, s))));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sourcesChanged) {
  const started = Date.now();
  // Stamped with the time the build started: a source saved during the build is newer, so the next run builds again.
  const builtFrom = new Date();
  for (const [command, ...args] of target.steps) {
    const executable = command === 'node' ? process.execPath : process.platform === 'win32' ? `${command}.cmd` : command;
    const result = spawnSync(executable, args, { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  for (const file of target.executables ?? []) chmodSync(path.join(root, file), 0o755);
  writeFileSync(stamp, builtFrom.toISOString() + '\n');
  utimesSync(stamp, builtFrom, builtFrom);
  process.stderr.write(`Built ${target.stamp.split('/')[0]}/ in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}
