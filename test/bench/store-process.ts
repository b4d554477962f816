/** The embedded Cosmos server alone in a process, standing in for a remote Azure Cosmos DB account; its key goes to the parent on the stdout pipe. */
import type { AddressInfo } from 'node:net';
import { createKeyedCosmosServer, newMasterKey } from '../../services/store/master-key-auth';

const key = newMasterKey();
const server = createKeyedCosmosServer(key);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
