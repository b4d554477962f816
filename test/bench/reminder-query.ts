/**
 * Cost of the daily reminder job against plan size: N actions of which 1% fall due within the
 * reminder horizon. The job's queries filter on indexed fields (open, nextDueDate, ongoing), so
 * its time should follow the number due, not N.
 *
 *   npm run bench:reminders [-- --sizes 1000,10000,30000]
 */
import { parseArgs } from 'node:util';
import { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Action } from '../../services/plan/model';
import type { Person } from '../../services/people/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { runJob } from '../../bot/jobs';
import { actionDoc, ORG, person } from '../harness/fixtures';
import { CosmosStore } from '../../services/store/cosmos-store';
import { embeddedClient } from '../../services/store/embedded';
import { startProcess } from './processes';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,30000' }, runs: { type: 'string', default: '5' } } });

async function measure(size: number, runs: number) {
  // A fresh store process per size, standing in for a remote Cosmos DB account.
  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process');
  const store = await CosmosStore.open({
    kind: 'embedded',
    client: embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key),
    databaseId: 'bench',
    description: 'bench',
    canCreate: true,
  });
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const calendar = new WorkingCalendar();
  const soon = calendar.addWorkingDays('2026-11-23', 7);
  const owners = 100;
  for (let i = 0; i < owners; i++) await store.collection<Person>('people').upsert(person({ id: `p${i}`, name: `Owner ${i}` }));
  const actions = store.collection<Action>('actions');
  const seedStart = performance.now();
  const queue = Array.from({ length: size }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
        const dueSoon = i % 100 === 0;
        const date = dueSoon ? soon : '2028-03-31';
        await actions.upsert(
          actionDoc({
            id: `a${i}`,
            leadIds: [`p${i % owners}`],
            leads: [{ name: `Owner ${i % owners}`, personId: `p${i % owners}` }],
            due: { dates: [date], ongoing: null, text: date },
            nextDueDate: date,
          }),
        );
      }
    }),
  );
  const seedS = (performance.now() - seedStart) / 1000;
  const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
  const times: number[] = [];
  let result: Record<string, unknown> = {};
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = await runJob('daily-reminders', { store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
    times.push(performance.now() - t0);
  }
  await store.close();
  await storeProcess.stop();
  times.sort((a, b) => a - b);
  return {
    actions: size,
    'due (1%)': result.reminders,
    candidates: result.candidates,
    'job median ms': Math.round(times[Math.floor(times.length / 2)]!),
    'job min ms': Math.round(times[0]!),
    'seed s': +seedS.toFixed(1),
  };
}

async function main() {
  const sizes = values.sizes.split(',').map(Number);
  const rows = [];
  for (const size of sizes) {
    rows.push(await measure(size, Number(values.runs)));
    console.error(`measured ${size}`);
  }
  console.log(
    `daily reminder job vs plan size (embedded store in its own process, over HTTP; node ${process.version}); later runs find the digests already queued`,
  );
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
