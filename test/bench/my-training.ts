/**
 * "my training" for one person against a realistic directory: 2,000 people and 20,000 training
 * records on the embedded store (in its own process, over HTTP, as Cosmos DB would be). Measures
 * what the bot's route reads and computes for one person, beside the whole-organisation read it
 * used to make, and prints p50/p99.
 *
 *   npm run bench:my-training [-- --people 2000 --records 20000 --runs 100 --compare]
 */
import { rebuildTrainingSummaries } from '../../services/training/summaries';
import { parseArgs } from 'node:util';
import { today } from '../../services/core/dates';
import { FixedClock } from '../../services/core/clock';
import { Directory } from '../../services/people/repository';
import type { Person } from '../../services/people/model';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { loadPersonTraining, loadTrainingFigures, setUpTraining } from '../../services/training/catalogue';
import type { TrainingRecord } from '../../services/training/model';
import { myTraining } from '../../services/training/rates';
import { ORG, person } from '../harness/fixtures';
import { startProcess } from './processes';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '2000' },
    records: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '100' },
    compare: { type: 'boolean', default: false },
  },
});
const PEOPLE = Number(values.people);
const RECORDS = Number(values.records);
const RUNS = Number(values.runs);
const COURSES = ['SG-AWARE', 'SG-GEN', 'SG-SPEC', 'CSE', 'PREVENT', 'DA'];
const JOB_TITLES = ['Social Worker', 'Housing Officer', 'Team Manager', 'Youth Worker'];

async function inParallel<T>(items: T[], worker: (item: T) => Promise<unknown>, concurrency = 16): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.pop(); item !== undefined; item = queue.pop()) await worker(item);
    }),
  );
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process');
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'bench',
    canCreate: true,
  });
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const day = today(clock, 'Europe/London');
  try {
    const seedStart = performance.now();
    await setUpTraining(store, ORG, {
      requirements: [
        { course: 'SG-AWARE', jobTitles: ['*'] },
        { course: 'SG-GEN', jobTitles: JOB_TITLES },
        { course: 'PREVENT', jobTitles: ['Social Worker', 'Youth Worker'] },
      ],
    });
    const people: Person[] = Array.from({ length: PEOPLE }, (_, i) =>
      person({ id: `p${i}`, name: `Person ${i}`, jobTitle: JOB_TITLES[i % JOB_TITLES.length]!, department: `Department ${i % 12}` }),
    );
    await inParallel(people, (p) => store.collection<Person>('people').upsert(p));
    const records: TrainingRecord[] = Array.from({ length: RECORDS }, (_, i) => ({
      id: `r${i}`,
      orgId: ORG,
      kind: 'record',
      personId: `p${i % PEOPLE}`,
      courseCode: COURSES[i % COURSES.length]!,
      completedOn: `20${20 + (i % 6)}-0${1 + (i % 9)}-1${i % 10}`,
      status: 'completed',
      source: 'import',
      createdAt: '2026-01-01T00:00:00.000Z',
    }));
    await inParallel(records, (r) => store.collection<TrainingRecord>('training').upsert(r));
    await rebuildTrainingSummaries(store, ORG);
    const seedS = (performance.now() - seedStart) / 1000;
    console.error(`seeded ${PEOPLE} people and ${RECORDS} records in ${seedS.toFixed(1)} s`);

    const measure = async (label: string, runs: number, once: (p: Person) => Promise<unknown>) => {
      await once(people[0]!); // warm up connections and the query plan
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const who = people[(i * 7919) % PEOPLE]!;
        const t0 = performance.now();
        await once(who);
        times.push(performance.now() - t0);
        if ((i + 1) % 5 === 0) console.error(`${label}: ${i + 1} of ${runs}`);
      }
      times.sort((a, b) => a - b);
      const row = {
        read: label,
        runs,
        'p50 ms': +percentile(times, 50).toFixed(1),
        'p99 ms': +percentile(times, 99).toFixed(1),
        'max ms': +times.at(-1)!.toFixed(1),
      };
      console.error(JSON.stringify(row));
      return row;
    };
    const rows = [
      await measure('their own records (what "my training" reads)', RUNS, async (p) => myTraining(await loadPersonTraining(store, p, day), p, day)),
    ];
    // The read it replaced: every record and the whole directory, for one person (slow: opt in).
    if (values.compare)
      rows.push(
        await measure('whole organisation (before)', Math.min(RUNS, 3), async (p) =>
          myTraining(await loadTrainingFigures(store, { orgId: ORG }, await new Directory(store).all({ orgId: ORG }), day), p, day),
        ),
      );
    console.log(
      `"my training" for one person: ${PEOPLE} people, ${RECORDS} training records, embedded store in its own process over HTTP; node ${process.version}`,
    );
    console.table(rows);
  } finally {
    await store.close();
    await storeProcess.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
