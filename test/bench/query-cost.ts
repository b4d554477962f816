/**
 * What one query costs on the embedded store as its container grows: a COUNT of everything, a
 * query selecting 1% by an equality condition, and every document read in pages of 500, at each
 * size. Before the patch in patches/ all three grew faster than the container.
 *
 *   npm run bench:query-cost [-- --sizes 5000,20000,100000]
 */
import { parseArgs } from 'node:util';
import { mapConcurrently } from '../../services/core/concurrency';
import { embeddedClient } from '../../services/store/embedded';
import { startProcess } from './processes';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '5000,20000,100000' } } });

async function main() {
  const storeProcess = await startProcess<{ endpoint: string; key: string }>('store-process', [], ['--max-old-space-size=4096']);
  const client = embeddedClient(storeProcess.ready.endpoint, storeProcess.ready.key);
  const { database } = await client.databases.createIfNotExists({ id: 'bench' });
  const { container } = await database.containers.createIfNotExists({ id: 'docs', partitionKey: { paths: ['/orgId'] } });
  const org = [{ name: '@orgId', value: 'org' }];
  const ms = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return Math.round(performance.now() - t0);
  };
  const rows = [];
  let stored = 0;
  for (const size of values.sizes.split(',').map(Number)) {
    const batches = Array.from({ length: Math.ceil((size - stored) / 100) }, (_, b) => stored + b * 100);
    await mapConcurrently(batches, 8, (from) =>
      container.items.bulk(
        Array.from({ length: Math.min(100, size - from) }, (_, k) => ({
          operationType: 'Create' as const,
          resourceBody: { id: `d${from + k}`, orgId: 'org', kind: 'record', personId: `p${(from + k) % 1000}`, selected: (from + k) % 100 === 0 },
        })),
      ),
    );
    stored = size;
    rows.push({
      documents: size,
      'COUNT ms': await ms(() =>
        container.items.query({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.orgId = @orgId', parameters: org }, { partitionKey: 'org' }).fetchAll(),
      ),
      '1% selected ms': await ms(() =>
        container.items
          .query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.selected = true', parameters: org }, { partitionKey: 'org', maxItemCount: 500 })
          .fetchAll(),
      ),
      'all, pages of 500 ms': await ms(() =>
        container.items.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: org }, { partitionKey: 'org', maxItemCount: 500 }).fetchAll(),
      ),
    });
    console.error(`measured ${size}`);
  }
  console.log(`one query against container size, embedded store in its own process; node ${process.version}`);
  console.table(rows);
  client.dispose();
  await storeProcess.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
