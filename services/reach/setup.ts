import type { Agent } from 'node:https';
import type { Config } from '../core/config';
import { HttpGraphGateway, type GraphGateway } from './graph';
import type { ReachSettings } from './reach';

export type ReachWiring = { graph: GraphGateway; settings: ReachSettings };

/**
 * The Graph adapter and reach settings from configuration, or undefined when installing the app
 * for people is not set up (no TEAMS_CATALOG_APP_ID): then only people who opened the app are reached in Teams.
 * `agent` lets a test trust its fake Graph's certificate.
 */
export function reachFromConfig(config: Config, options?: { agent?: Agent }): ReachWiring | undefined {
  const { TEAMS_CATALOG_APP_ID: catalogAppId, MicrosoftAppId: clientId, MicrosoftAppPassword: clientSecret, MicrosoftAppTenantId: tenantId } = config;
  // The configuration refuses a catalog id without the bot's identity; this only narrows the types.
  if (!catalogAppId || !clientId || !clientSecret || !tenantId) return undefined;
  const graph = new HttpGraphGateway({ baseUrl: config.GRAPH_BASE_URL, authorityHost: config.GRAPH_AUTHORITY_HOST, tenantId, clientId, clientSecret }, options?.agent ? { agent: options.agent } : undefined);
  return {
    graph,
    settings: {
      tenantId,
      catalogAppId,
      botId: `28:${clientId}`,
      serviceUrl: config.TEAMS_SERVICE_URL,
      installsPerSecond: config.GRAPH_INSTALLS_PER_SECOND,
      retryDays: config.GRAPH_INSTALL_RETRY_DAYS,
    },
  };
}
