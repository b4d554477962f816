import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../services/core/paths';

// The entry points of everything that ships: the app, the command line, the tab's server and the package script.
const ENTRIES = ['bot/main.ts', 'bot/cli/index.ts', 'tab/server/*.ts', 'manifest/package.ts'];

type DpdmOutput = { tree: Record<string, unknown>; circulars: string[][] };

/** dpdm's library pulls in an ES-module-only dependency that jest cannot load, so its command line is run instead. */
async function dependencies(): Promise<DpdmOutput> {
  const root = projectRoot();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dpdm-'));
  try {
    const out = path.join(dir, 'deps.json');
    await promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'dpdm', 'lib', 'bin', 'dpdm.js'), '--no-warning', '--no-tree', '--no-circular', '-o', out, ...ENTRIES], { cwd: root });
    return JSON.parse(await readFile(out, 'utf8')) as DpdmOutput;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the shape of the code', () => {
  it('has no import cycle, type-only imports included', async () => {
    const { tree, circulars } = await dependencies();
    expect(Object.keys(tree).length).toBeGreaterThan(50); // the walk really reached the code
    expect(circulars.map((cycle) => cycle.join(' -> '))).toEqual([]);
  }, 60_000);
});
