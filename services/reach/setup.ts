import type { Agent } from 'node:https';
import type { Config } from '../core/config';
import type { Mailer } from '../delivery/ports';
import { HttpGraphGateway, type GraphGateway } from './graph';
import { GraphMailer } from './graph-mailer';
import type { ReachSettings } from './reach';
import type { GroupRolesWiring } from './group-roles';

export type ReachWiring = { graph: GraphGateway; settings: ReachSettings };

/** The Graph adapter with the bot's identity, when it has one in its home tenant. `agent` lets a test trust its fake Graph's certificate. */
function graphFromConfig(config: Config, agent?: Agent): { graph: HttpGraphGateway; clientId: string; tenantId: string } | undefined {
  const { MicrosoftAppId: clientId, MicrosoftAppPassword: clientSecret, MicrosoftAppTenantId: tenantId } = config;
  // The bot's identity: its client secret, or (UserAssignedMSI, as infra/azure.bicep deploys it) its managed identity.
  const managed = config.MicrosoftAppType === 'UserAssignedMSI';
  if (!clientId || !tenantId || (!clientSecret && !managed)) return undefined;
  const graph = new HttpGraphGateway(
    { baseUrl: config.GRAPH_BASE_URL, authorityHost: config.GRAPH_AUTHORITY_HOST, tenantId, clientId, ...(managed ? {} : { clientSecret }) },
    agent ? { agent } : undefined,
  );
  return { graph, clientId, tenantId };
}

/**
 * The Graph adapter and reach settings from configuration, or undefined when installing the app
 * for people is not set up (no TEAMS_CATALOG_APP_ID): then only people who opened the app are reached in Teams.
 */
export function reachFromConfig(config: Config, options?: { agent?: Agent }): ReachWiring | undefined {
  const catalogAppId = config.TEAMS_CATALOG_APP_ID;
  const found = catalogAppId ? graphFromConfig(config, options?.agent) : undefined;
  // The configuration refuses a catalog id without the bot's identity; this only narrows the types.
  if (!catalogAppId || !found) return undefined;
  return {
    graph: found.graph,
    settings: {
      tenantId: found.tenantId,
      catalogAppId,
      botId: `28:${found.clientId}`,
      serviceUrl: config.TEAMS_SERVICE_URL,
      installsPerSecond: config.GRAPH_INSTALLS_PER_SECOND,
      retryDays: config.GRAPH_INSTALL_RETRY_DAYS,
    },
  };
}

/**
 * Graph for the roles of mapped Entra groups (GroupMember.Read.All), whenever the bot has its
 * identity in its home tenant; without one, group maps wait and only direct grants count.
 */
export function groupRolesFromConfig(config: Config, options?: { agent?: Agent }): GroupRolesWiring | undefined {
  const found = graphFromConfig(config, options?.agent);
  return found ? { groups: found.graph, readsPerSecond: config.GRAPH_READS_PER_SECOND } : undefined;
}

/** Email from MAIL_SENDER for people Teams cannot reach, or undefined when it is not set. */
export function mailerFromConfig(config: Config, options?: { agent?: Agent }): Mailer | undefined {
  const found = config.MAIL_SENDER ? graphFromConfig(config, options?.agent) : undefined;
  if (!config.MAIL_SENDER || !found) return undefined;
  // Opens (or starts) the person's chat with the bot in Teams.
  return new GraphMailer(found.graph, config.MAIL_SENDER, {
    teamsChat: `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(found.clientId)}`,
  });
}
