/**
 * The embedded Cosmos server alone in a process, standing in for a remote Azure Cosmos DB account.
 * With `--report-memory` it also prints its memory once a second (after a full collection when
 * started with --expose-gc), so a bench can report what the data set costs the store.
 */
import { createHttpServer } from '@vercel/cosmosdb-server';
import type { AddressInfo } from 'node:net';

const server = createHttpServer({ keepAlive: true });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) + '\n');
});
if (process.argv.includes('--report-memory')) {
  const collect = (globalThis as { gc?: () => void }).gc;
  setInterval(() => {
    collect?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(JSON.stringify({ memory: { rss, heapUsed } }) + '\n');
  }, 1000).unref();
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
