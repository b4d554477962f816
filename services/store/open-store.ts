import { CosmosClient } from '@azure/cosmos';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { CosmosStore } from './cosmos-store';
import { openEmbeddedStore } from './embedded';
import { warnIfEmbeddedIndexMissing } from './embedded-index';
import type { Store } from './ports';
import { RETRY_OPTIONS, type StoreSurface } from './request-priority';

/**
 * Azure Cosmos DB when COSMOS_ENDPOINT is set (key, else keyless Entra ID); the embedded server otherwise.
 * The store as it is: the app and the command line open it through services/migrations, which brings
 * its data up to date (the store knows no domain, so it does not migrate itself). `surface`: the bot
 * and tab process is interactive (short waits when throttled, to answer inside Teams' 15 s); the
 * command line is background (long waits). See request-priority.ts.
 */
export function openStore(config: Config, logger: Logger, surface: StoreSurface = 'interactive'): Promise<Store> {
  return connect(config, logger, surface);
}

async function connect(config: Config, logger: Logger, surface: StoreSurface): Promise<Store> {
  if (!config.COSMOS_ENDPOINT) {
    warnIfEmbeddedIndexMissing(logger);
    return openEmbeddedStore({
      dataDir: config.DATA_DIR,
      databaseId: config.COSMOS_DATABASE,
      port: config.EMBEDDED_COSMOS_PORT,
      snapshotIntervalSeconds: config.SNAPSHOT_INTERVAL_SECONDS,
      logger,
      azureProfile: config.EMBEDDED_PROFILE === 'azure' ? { ruPerSecond: config.EMBEDDED_RU_PER_SECOND, latencyMs: config.EMBEDDED_LATENCY_MS } : undefined,
      surface,
    });
  }
  const keyless = !config.COSMOS_KEY;
  // A user-assigned identity must be named: by AZURE_CLIENT_ID, or it is the bot's own (UserAssignedMSI).
  const managedIdentityClientId = config.AZURE_CLIENT_ID ?? (config.MicrosoftAppType === 'UserAssignedMSI' ? config.MicrosoftAppId : undefined);
  // Loaded only for keyless access: the identity library is large, and neither a key nor the embedded store needs it.
  const connectionPolicy = { retryOptions: RETRY_OPTIONS[surface] };
  const client = keyless
    ? new CosmosClient({
        endpoint: config.COSMOS_ENDPOINT,
        connectionPolicy,
        aadCredentials: new (await import('@azure/identity')).DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {}),
      })
    : new CosmosClient({ endpoint: config.COSMOS_ENDPOINT, connectionPolicy, key: config.COSMOS_KEY });
  return CosmosStore.open({
    kind: 'azure',
    client,
    databaseId: config.COSMOS_DATABASE,
    description: `Azure Cosmos DB ${new URL(config.COSMOS_ENDPOINT).host} (${keyless ? 'Entra ID' : 'key'})`,
    canCreate: !keyless,
    logger,
  });
}
