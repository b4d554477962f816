/**
 * The embedded Cosmos server alone in a process, standing in for a remote Azure Cosmos DB account;
 * its key goes to the parent on the stdout pipe. With `--report-memory` it prints its memory (after
 * a full collection when started with --expose-gc) and its garbage-collection pauses so far whenever
 * it gets SIGUSR2, so a bench can report what the data set costs the store.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { RequestMeter, type AzureProfileSettings } from '../../services/store/azure-profile';
import { createKeyedCosmosServer, newMasterKey } from '../../services/store/master-key-auth';

/**
 * With `--azure-profile`, the store answers as Azure Cosmos DB does (services/store/azure-profile.ts)
 * and a second loopback port (`meter` in the ready line) serves its request meter as JSON on GET,
 * and takes new settings (`{ ruPerSecond, latencyMs }`) on POST: a bench seeds without limits, then
 * measures with them.
 */
const azure = process.argv.includes('--azure-profile');
const settings: AzureProfileSettings = { ruPerSecond: 1_000_000_000, latencyMs: 0 };
const meter = new RequestMeter();
const key = newMasterKey();
const server = createKeyedCosmosServer(key, azure ? { settings, meter } : undefined);
const control = http.createServer((req, res) => {
  if (req.method === 'POST') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      Object.assign(settings, JSON.parse(body) as Partial<AzureProfileSettings>);
      res.end(JSON.stringify(settings));
    });
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      totalRu: meter.totalRu,
      requests: meter.requests,
      throttled: meter.throttled,
      lowPriority: meter.lowPriority,
      byContainer: Object.fromEntries(meter.byContainer),
    }),
  );
});
server.listen(0, '127.0.0.1', () => {
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!azure) {
    process.stdout.write(JSON.stringify({ endpoint, key }) + '\n');
    return;
  }
  control.listen(0, '127.0.0.1', () =>
    process.stdout.write(JSON.stringify({ endpoint, key, meter: `http://127.0.0.1:${(control.address() as AddressInfo).port}` }) + '\n'),
  );
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
process.on('SIGTERM', () => (control.close(), server.close(() => process.exit(0))));
