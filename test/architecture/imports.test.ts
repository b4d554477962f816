import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../services/core/paths';
import { placeOf, rank, type Layer } from './layers';

// The entry points of everything that ships: the app, the command line, the tab's server and the package script.
const ENTRIES = ['bot/main.ts', 'bot/cli/index.ts', 'tab/server/*.ts', 'manifest/package.ts'];

type DpdmOutput = { tree: Record<string, { id: string | null }[] | null>; circulars: string[][] };

/** dpdm's library pulls in an ES-module-only dependency that jest cannot load, so its command line is run instead. */
async function dependencies(): Promise<DpdmOutput> {
  const root = projectRoot();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dpdm-'));
  try {
    const out = path.join(dir, 'deps.json');
    await promisify(execFile)(
      process.execPath,
      [path.join(root, 'node_modules', 'dpdm', 'lib', 'bin', 'dpdm.js'), '--no-warning', '--no-tree', '--no-circular', '-o', out, ...ENTRIES],
      { cwd: root },
    );
    return JSON.parse(await readFile(out, 'utf8')) as DpdmOutput;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every import between two files of ours (type-only imports included), as `from -> to`. */
function importsOf(tree: DpdmOutput['tree']): { from: string; to: string }[] {
  return Object.entries(tree).flatMap(([from, deps]) => (deps ?? []).flatMap((d) => (d.id && placeOf(d.id) && placeOf(from) ? [{ from, to: d.id }] : [])));
}

/**
 * Why an import runs against the layering, or undefined when it does not: a layer importing one
 * above it, or a feature reaching into another feature past its index.ts.
 */
function against({ from, to }: { from: string; to: string }): string | undefined {
  const a = placeOf(from)!;
  const b = placeOf(to)!;
  if (rank(b.layer) > rank(a.layer)) return `${a.layer} imports ${b.layer}`;
  if (a.layer === 'features' && b.layer === 'features' && a.area !== b.area && to !== `${b.area}/index.ts`) return `not through ${b.area}/index.ts`;
  return undefined;
}

/**
 * The imports against the layering that are known and accepted for now, each with why. The list
 * may only shrink: an entry no longer found fails the test until it is taken off.
 */
const KNOWN_AGAINST: Record<string, string> = {
  // None today: the last ones went when the cards and message kinds moved into their features and the seal out of the route context.
};

/** The bound on imports against the layering. */
const MOST_AGAINST = 5;

/** The files that may import the Bot Framework SDK (botbuilder and botframework-*): the Teams host's edge. */
const BOT_FRAMEWORK_FILES = ['bot/adapter.ts', 'bot/bot-credentials.ts', 'bot/server.ts', 'bot/teams-messenger.ts', 'bot/tracker-bot.ts'];

/** Strongly connected groups of a graph (Tarjan), each of more than one node. */
function knots(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do group.push((w = stack.pop()!));
      while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the shape of the code', () => {
  let deps: DpdmOutput;
  let imports: { from: string; to: string }[];
  const listed = (found: { from: string; to: string }[]) => found.map(({ from, to }) => `${from} -> ${to}`);
  const breaking = (layer: Layer) => listed(imports.filter((i) => placeOf(i.from)!.layer === layer && against(i))).filter((i) => !(i in KNOWN_AGAINST));

  beforeAll(async () => {
    deps = await dependencies();
    imports = importsOf(deps.tree);
  }, 60_000);

  it('has no import cycle, type-only imports included', () => {
    expect(Object.keys(deps.tree).length).toBeGreaterThan(50); // the walk really reached the code
    expect(deps.circulars.map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('knows the layer of every shipped file', () => {
    const unplaced = Object.keys(deps.tree).filter(
      (f) => !f.includes('node_modules') && !f.startsWith('node:') && /^(bot|services|tab\/server|cards|manifest)\//.test(f) && !placeOf(f),
    );
    expect(unplaced).toEqual([]);
    expect(placeOf('services/reach/reach.ts')).toEqual({ layer: 'features', area: 'services/reach' });
    expect(placeOf('services/events/handlers.ts')?.layer).toBe('composition');
  });

  it('the kernel imports nothing above it', () => {
    expect(breaking('kernel')).toEqual([]);
  });

  it('the engine imports no feature: the scheduler knows no job, and delivery no administrator', () => {
    expect(imports.some((i) => i.from.startsWith('services/scheduling/'))).toBe(true);
    expect(breaking('engine')).toEqual([]);
  });

  it('the shared cards and the module contract import no feature: a feature’s cards are in cards/<feature>/, its message kinds in its module', () => {
    expect(imports.some((i) => i.from === 'cards/messages.ts')).toBe(true);
    expect(breaking('cards')).toEqual([]);
    expect(breaking('contract')).toEqual([]);
  });

  it('a feature imports another feature only through its index.ts, and nothing of the composition or the hosts', () => {
    expect(imports.some((i) => i.from.startsWith('services/dashboard/') && i.to === 'services/surveys/index.ts')).toBe(true);
    expect(breaking('features')).toEqual([]);
    expect(breaking('composition')).toEqual([]);
  });

  it(`has at most ${MOST_AGAINST} imports against the layering, and every one known`, () => {
    const all = listed(imports.filter(against));
    const message = `imports against the layering (${all.length}):\n${all.join('\n')}`;
    expect({ count: all.length <= MOST_AGAINST ? 'within the bound' : message }).toEqual({ count: 'within the bound' });
    // A known exception fixed is taken off the list, so the list only shrinks.
    expect(Object.keys(KNOWN_AGAINST).filter((k) => !all.includes(k))).toEqual([]);
  });

  it('no folders of different layers import each other in a loop, and the features form no loop', () => {
    // A folder's files in another layer (the event handlers' list) are a node of their own.
    const node = (file: string) => `${placeOf(file)!.layer} ${placeOf(file)!.area}`;
    const edges = new Map<string, Set<string>>();
    // The known exceptions are listed above, each with why; every other import counts.
    for (const { from, to } of imports)
      if (!(`${from} -> ${to}` in KNOWN_AGAINST) && node(from) !== node(to)) edges.set(node(from), (edges.get(node(from)) ?? new Set()).add(node(to)));
    const layerOf = (n: string) => n.split(' ')[0];
    const loops = knots(edges);
    expect(loops.filter((group) => new Set(group.map(layerOf)).size > 1)).toEqual([]);
    expect(loops.filter((group) => group.every((n) => layerOf(n) === 'features'))).toEqual([]);
  });

  it('only the Teams host’s edge imports the Bot Framework SDK', () => {
    const sdk = /(^|\/)node_modules\/(botbuilder|botframework-[\w-]+)\//;
    const users = [...new Set(Object.entries(deps.tree).flatMap(([from, ds]) => ((ds ?? []).some((d) => sdk.test(d.id ?? '')) ? [from] : [])))].sort();
    expect(users.length).toBeGreaterThan(0); // the SDK's paths were recognised
    expect(users.filter((f) => !BOT_FRAMEWORK_FILES.includes(f))).toEqual([]);
  });

  it('the app composes the job table and hands it to the scheduler', () => {
    expect(imports.filter((i) => i.from === 'bot/app.ts').map((i) => i.to)).toContain('bot/jobs.ts');
  });
});

/** The layer rules themselves, on made-up imports, so a rule that could never fail would show here. */
describe('the layer rules', () => {
  it('tell an upward import, a reach past an index.ts, and a proper one apart', () => {
    expect(against({ from: 'services/store/ports.ts', to: 'services/plan/model.ts' })).toBe('kernel imports features');
    expect(against({ from: 'services/scheduling/scheduler.ts', to: 'services/surveys/seal.ts' })).toBe('engine imports features');
    expect(against({ from: 'services/surveys/campaigns.ts', to: 'services/training/repository.ts' })).toBe('not through services/training/index.ts');
    expect(against({ from: 'services/surveys/campaigns.ts', to: 'services/training/index.ts' })).toBeUndefined();
    expect(against({ from: 'services/reach/reach.ts', to: 'services/migrations/migrations.ts' })).toBe('features imports composition');
    expect(against({ from: 'bot/app.ts', to: 'services/reach/reach.ts' })).toBeUndefined();
    expect(
      knots(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['a', 'c'])],
          ['c', new Set<string>()],
        ]),
      ),
    ).toEqual([['a', 'b']]);
  });
});
