/**
 * Import of an HR system's training export: 5,000 people and 50,000 training records from CSV
 * files, into the embedded store running in its own process, with the progress display.
 *
 *   npm run bench:training-import [-- --records 50000 --people 5000]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FixedClock } from '../../services/core/clock';
import { readTable } from '../../services/core/tabular';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { setUpTraining } from '../../services/training/catalogue';
import { importPeople, importTraining } from '../../services/training/import';
import { ORG } from '../harness/fixtures';
import { startProcess } from './processes';

const { values } = parseArgs({ options: { records: { type: 'string', default: '50000' }, people: { type: 'string', default: '5000' } } });
const RECORDS = Number(values.records);
const PEOPLE = Number(values.people);
const COURSES = ['SG-AWARE', 'SG-GEN', 'SG-SPEC', 'CSE', 'PREVENT', 'DA'];

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'training-bench-'));
  const peopleFile = path.join(dir, 'people.csv');
  const trainingFile = path.join(dir, 'training.csv');
  const people = ['Employee Number,Full Name,Work Email,Department,Job Title,Status'];
  for (let i = 0; i < PEOPLE; i++) people.push(`${i},Person ${i},p${i}@council.example,Department ${i % 20},${i % 10 === 0 ? 'Manager' : 'Officer'},Active`);
  await fs.writeFile(peopleFile, people.join('\n'));
  const training = ['Employee Number,Course,Completion Date,Status'];
  for (let i = 0; i < RECORDS; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + (i % 2400) * 86400000).toISOString().slice(0, 10);
    training.push(`${i % PEOPLE},${COURSES[i % COURSES.length]},${day},Completed`);
  }
  await fs.writeFile(trainingFile, training.join('\n'));

  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process');
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'bench',
    canCreate: true,
  });
  const clock = new FixedClock('2026-11-22T12:00:00Z');
  await setUpTraining(store, ORG, {
    requirements: [
      { course: 'SG-AWARE', jobTitles: ['*'] },
      { course: 'SG-GEN', jobTitles: ['Manager'] },
    ],
  });

  const t0 = performance.now();
  const peopleReport = await importPeople({ store, clock }, { orgId: ORG, table: await readTable(peopleFile), dryRun: false });
  const t1 = performance.now();
  const readStart = performance.now();
  const table = await readTable(trainingFile);
  const readMs = performance.now() - readStart;
  const trainingReport = await importTraining(
    { store, clock },
    { orgId: ORG, table, dryRun: false, onProgress: (done, total) => done % 10000 === 0 && process.stderr.write(`Writing ${done}/${total}\n`) },
  );
  const t2 = performance.now();
  const again = await importTraining({ store, clock }, { orgId: ORG, table, dryRun: false });
  const t3 = performance.now();
  console.log(
    `training import (embedded store in its own process; node ${process.version}); RSS of this process ${Math.round(process.memoryUsage().rss / 1048576)} MB`,
  );
  console.table([
    {
      step: `people import (${PEOPLE} rows)`,
      seconds: +((t1 - t0) / 1000).toFixed(1),
      created: peopleReport.created,
      unchanged: peopleReport.unchanged,
      problems: peopleReport.problems.length,
    },
    {
      step: `training import (${RECORDS} rows; reading the CSV ${(readMs / 1000).toFixed(1)} s)`,
      seconds: +((t2 - t1) / 1000).toFixed(1),
      created: trainingReport.created,
      unchanged: trainingReport.unchanged,
      problems: trainingReport.problems.length,
    },
    {
      step: 'the same training file again',
      seconds: +((t3 - t2) / 1000).toFixed(1),
      created: again.created,
      unchanged: again.unchanged,
      problems: again.problems.length,
    },
  ]);
  await store.close();
  await storeProcess.stop();
  await fs.rm(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
