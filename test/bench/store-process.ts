/** The embedded Cosmos server alone in a process, standing in for a remote Azure Cosmos DB account. */
import { createHttpServer } from '@vercel/cosmosdb-server';
import type { AddressInfo } from 'node:net';

const server = createHttpServer({ keepAlive: true });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
