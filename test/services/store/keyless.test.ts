import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../services/core/config';
import { silentLogger } from '../../../services/core/logger';
import { openStore } from '../../../services/store/open-store';

/**
 * Keyless access with a user-assigned managed identity: App Service hands out tokens from its
 * identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER), and a user-assigned identity must be
 * named there by its client id, or no token comes back. Here the identity endpoint is a stand-in
 * on loopback that records what it was asked, and Cosmos DB one that refuses everything (the
 * point is which identity the app asked for, not the store).
 */
describe('keyless Cosmos DB with a user-assigned identity', () => {
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  let identity: http.Server;
  let cosmos: http.Server;
  const asked: URL[] = [];

  beforeAll(async () => {
    identity = http.createServer((req, res) => {
      asked.push(new URL(req.url ?? '/', 'http://identity'));
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          access_token: 'token',
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          resource: 'https://cosmos.azure.com',
          token_type: 'Bearer',
        }),
      );
    });
    cosmos = http.createServer((_req, res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Unauthorized', message: 'no' })),
    );
    await Promise.all([identity, cosmos].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(identity.address() as AddressInfo).port}/msi/token`;
    process.env.IDENTITY_HEADER = 'header';
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await Promise.all([identity, cosmos].map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
  });

  // Bearer tokens go over TLS only; the token is asked for before the connection, which then fails.
  const endpoint = () => `https://127.0.0.1:${(cosmos.address() as AddressInfo).port}/`;

  it('asks App Service for a token of the identity AZURE_CLIENT_ID names', async () => {
    asked.length = 0;
    const config = loadConfig({ COSMOS_ENDPOINT: endpoint(), AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555', LOG_LEVEL: 'silent' });
    await expect(openStore(config, silentLogger)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((u) => u.searchParams.get('client_id') === '11111111-2222-4333-8444-555555555555')).toBe(true);
  }, 60_000);

  it('without AZURE_CLIENT_ID, the bot’s own user-assigned identity (UserAssignedMSI) is the one asked for', async () => {
    asked.length = 0;
    const config = loadConfig({
      COSMOS_ENDPOINT: endpoint(),
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: '99999999-2222-4333-8444-555555555555',
      MicrosoftAppTenantId: '77777777-2222-4333-8444-555555555555',
      ALLOWED_TENANT_IDS: '77777777-2222-4333-8444-555555555555',
      LOG_LEVEL: 'silent',
    });
    await expect(openStore(config, silentLogger)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((u) => u.searchParams.get('client_id') === '99999999-2222-4333-8444-555555555555')).toBe(true);
  }, 60_000);
});
