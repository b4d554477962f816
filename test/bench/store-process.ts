/**
 * The embedded Cosmos server alone in a process, standing in for a remote Azure Cosmos DB account;
 * its key goes to the parent on the stdout pipe. With `--report-memory` it prints its memory (after
 * a full collection when started with --expose-gc) and its garbage-collection pauses so far whenever
 * it gets SIGUSR2, so a bench can report what the data set costs the store.
 */
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createKeyedCosmosServer, newMasterKey } from '../../services/store/master-key-auth';

const key = newMasterKey();
const server = createKeyedCosmosServer(key);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key }) + '\n');
});
if (process.argv.includes('--report-memory')) {
  // Garbage-collection pauses too, the forced collections below aside: a pause stalls every
  // request the store is serving, so it shows up in the app's slowest answers.
  const gc = { pauses: 0, totalMs: 0, longestMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (((entry as unknown as { detail?: { flags?: number } }).detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
      gc.pauses++;
      gc.totalMs += entry.duration;
      gc.longestMs = Math.max(gc.longestMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const collect = (globalThis as { gc?: () => void }).gc;
  // Only when asked: a forced collection of a large heap pauses the store, so one a second would
  // itself be what the bench measures.
  process.on('SIGUSR2', () => {
    collect?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(JSON.stringify({ memory: { rss, heapUsed }, gc }) + '\n');
  });
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
