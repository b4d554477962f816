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

  it('the scheduler knows no job: the app composes the table and hands it over, and services never import bot/', async () => {
    const { tree } = await dependencies();
    const importsOf = (file: string) => ((tree[file] ?? []) as { id: string | null }[]).map((d) => d.id ?? '');
    const scheduling = Object.keys(tree).filter((f) => f.startsWith('services/scheduling/'));
    expect(scheduling).toContain('services/scheduling/scheduler.ts');
    const jobModules = ['services/reminders/', 'services/escalations/', 'services/rounds/', 'services/surveys/campaigns', 'services/training/reminders', 'services/reach/reach-job'];
    const found = scheduling.flatMap((f) => importsOf(f).filter((d) => jobModules.some((m) => d.startsWith(m))).map((d) => `${f} -> ${d}`));
    expect(found).toEqual([]);
    const servicesIntoBot = Object.keys(tree).filter((f) => f.startsWith('services/')).flatMap((f) => importsOf(f).filter((d) => d.startsWith('bot/')).map((d) => `${f} -> ${d}`));
    expect(servicesIntoBot).toEqual([]);
    expect(importsOf('bot/app.ts')).toContain('bot/jobs.ts');
  }, 60_000);
});
