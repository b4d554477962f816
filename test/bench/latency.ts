/**
 * Card-update latency: N concurrent users each submitting RAG updates to their own action through
 * the whole app (HTTP → adapter → use case → embedded Cosmos over HTTP → card), beside a bare
 * botbuilder handler that only answers the invoke and the store floor (the bare handler plus the
 * read and the etag write any update needs), measured in the same run.
 *
 *   npm run bench:latency [-- --users 50 --seconds 10]
 */
import { parseArgs } from 'node:util';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { actionDoc, person, seed } from '../harness/fixtures';
import { invokeActionExecute, postActivity, type TeamsUser } from '../harness/teams-activities';
import { startProcess } from './processes';

const { values } = parseArgs({ options: { users: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' } } });
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
const THINK_MS = 1000;
const SERVICE_URL = 'http://127.0.0.1:9/'; // never called: every user is already linked

type Result = { latencies: number[]; errors: number; elapsedMs: number };

/** Each user's next expected action version, carried across runs so warm-up updates count. */
const versions = new Map<string, number>();

async function load(url: string, users: TeamsUser[], check: (body: any) => boolean, seconds: number, thinkMs = 0): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    users.map(async (user, i) => {
      let version = versions.get(url + user.id) ?? 1;
      // Users arrive over the first think time rather than all in the same millisecond.
      if (thinkMs > 0) await new Promise((r) => setTimeout(r, Math.random() * thinkMs));
      while (performance.now() < deadline) {
        const status = version % 2 ? 'G' : 'A';
        const data = { actionId: `bench-${i}`, version, status, progress: `Update ${version}`, reason: 'Bench', remedialAction: 'Bench' };
        const t0 = performance.now();
        const res = await postActivity(url, invokeActionExecute({ serviceUrl: SERVICE_URL, user, verb: 'action.update', data }));
        latencies.push(performance.now() - t0);
        if (res.status !== 200 || !check(res.body)) errors++;
        else version++;
        // A person reads the refreshed card before the next answer; jitter keeps users out of lockstep.
        if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
      }
      versions.set(url + user.id, version);
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - started };
}

function summary(name: string, r: Result) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return {
    handler: name,
    requests: sorted.length,
    errors: r.errors,
    'req/s': +(sorted.length / (r.elapsedMs / 1000)).toFixed(1),
    'p50 ms': +pct(50).toFixed(1),
    'p95 ms': +pct(95).toFixed(1),
    'p99 ms': +pct(99).toFixed(1),
  };
}

async function main() {
  // Store, app and load generator each in their own process, as Cosmos DB, the App Service and
  // Teams are in production.
  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process');
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'bench',
    canCreate: true,
  });
  const users: TeamsUser[] = Array.from({ length: USERS }, (_, i) => ({ id: `29:bench-${i}`, aadObjectId: `aad-bench-${i}`, name: `Bench User ${i}` }));
  await seed(store, {
    people: users.map((u, i) => person({ id: `p-${i}`, name: u.name, aadObjectId: u.aadObjectId })),
    actions: users.flatMap((_, i) =>
      ['', 'floor-'].map((prefix) => actionDoc({ id: `${prefix}bench-${i}`, leadIds: [`p-${i}`], leads: [{ name: `Bench User ${i}`, personId: `p-${i}` }] })),
    ),
  });
  const appProcess = await startProcess<{ app: string; bare: string; floor: string }>('latency-app', [storeProcess.ready.endpoint], [], {
    BENCH_STORE_KEY: storeProcess.ready.key,
  });
  const { app, bare, floor } = appProcess.ready;

  const updated = (b: any) => JSON.stringify(b?.value ?? '').includes('Updated to');
  const answered = (b: any) => b?.statusCode === 200;
  // Warm both up so JIT and connection pools do not count against either.
  await load(app, users, updated, 2);
  await load(bare, users, answered, 2);
  await load(floor, users, answered, 2);

  const rows = [];
  for (const [mode, thinkMs] of [
    [`${USERS} users, 1 s between answers`, THINK_MS],
    [`${USERS} users, back to back (saturation)`, 0],
  ] as const) {
    // Paced rows run twice as long: they make fewer requests per second, and p99 needs samples.
    const seconds = thinkMs > 0 ? SECONDS * 2 : SECONDS;
    rows.push({ load: mode, ...summary('this app (update + store)', await load(app, users, updated, seconds, thinkMs)) });
    rows.push({ load: mode, ...summary('bare botbuilder handler', await load(bare, users, answered, seconds, thinkMs)) });
    rows.push({ load: mode, ...summary('store floor (bare + read + etag write)', await load(floor, users, answered, seconds, thinkMs)) });
  }
  console.log(
    `card-update latency: ${USERS} concurrent users, ${SECONDS * 2}s per paced row and ${SECONDS}s per saturation row, node ${process.version}; store, app and load generator in separate processes`,
  );
  console.table(rows);
  for (let i = 0; i < rows.length; i += 3) {
    const [ours, bareRow, floorRow] = [rows[i]!, rows[i + 1]!, rows[i + 2]!];
    console.log(
      `${ours.load}: p99 ratio ours / bare ${(ours['p99 ms'] / bareRow['p99 ms']).toFixed(2)}×, floor / bare ${(floorRow['p99 ms'] / bareRow['p99 ms']).toFixed(2)}×, ours / floor ${(ours['p99 ms'] / floorRow['p99 ms']).toFixed(2)}×`,
    );
  }
  await appProcess.stop();
  await store.close();
  await storeProcess.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
