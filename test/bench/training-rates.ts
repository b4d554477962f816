/**
 * HR's completion rates over a council's training history, by department, as at a date: how long
 * reading the directory and folding every record take, on the embedded store in its own process.
 *
 *   npm run bench:training-rates [-- --people 20000 --records 300000 --runs 3]
 */
import { rebuildTrainingSummaries } from '../../services/training/summaries';
import { parseArgs } from 'node:util';
import { Directory } from '../../services/people/repository';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { loadTrainingFigures, setUpTraining } from '../../services/training/catalogue';
import { completionRates } from '../../services/training/rates';
import { ORG } from '../harness/fixtures';
import { AS_AT, personAt, recordAt, REQUIREMENTS, upsertAll } from './council-data';
import { startProcess } from './processes';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '20000' }, records: { type: 'string', default: '300000' }, runs: { type: 'string', default: '3' } },
});
const PEOPLE = Number(values.people);
const RECORDS = Number(values.records);

async function main() {
  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process', [], ['--max-old-space-size=4096']);
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'rates',
    canCreate: true,
  });
  const seedClient = embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key);
  await setUpTraining(store, ORG, { requirements: REQUIREMENTS });
  const peopleSeconds = await upsertAll(seedClient.database('bench'), 'people', PEOPLE, personAt);
  const recordSeconds = await upsertAll(seedClient.database('bench'), 'training', RECORDS, (i) => recordAt(i, PEOPLE));
  seedClient.dispose();
  const summariesStart = performance.now();
  await rebuildTrainingSummaries(store, ORG);
  const summarySeconds = (performance.now() - summariesStart) / 1000;
  console.error(
    `seeded ${PEOPLE} people in ${peopleSeconds.toFixed(1)} s and ${RECORDS} records in ${recordSeconds.toFixed(1)} s; built their training summaries in ${summarySeconds.toFixed(1)} s`,
  );

  const rows = [];
  for (let run = 1; run <= Number(values.runs); run++) {
    const t0 = performance.now();
    const people = await new Directory(store).all({ orgId: ORG });
    const t1 = performance.now();
    const figures = await loadTrainingFigures(store, { orgId: ORG }, people, AS_AT);
    const t2 = performance.now();
    const rates = completionRates(figures, AS_AT, 'department');
    const t3 = performance.now();
    rows.push({
      run,
      'directory s': +((t1 - t0) / 1000).toFixed(2),
      'summaries read s': +((t2 - t1) / 1000).toFixed(2),
      'rates s': +((t3 - t2) / 1000).toFixed(2),
      'total s': +((t3 - t0) / 1000).toFixed(2),
      groups: rates.length - 1,
      required: rates.at(-1)!.required,
    });
  }
  console.log(
    `HR completion rates by department as at ${AS_AT}: ${PEOPLE} people, ${RECORDS} records, embedded store in its own process; node ${process.version}`,
  );
  console.table(rows);
  await store.close();
  await storeProcess.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
