import type { Agent } from 'node:https';
import { ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';

/** What Graph answered when it did not do what was asked (after the pipeline's own retries). */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    /** Graph's error code, e.g. 'Forbidden', 'ErrorAccessDenied'. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphFailure';
  }
}

export type MailMessage = {
  to: { address: string; name?: string };
  subject: string;
  /** A complete HTML document; the caller escapes everything it puts in. */
  html: string;
};

/** The few Microsoft Graph calls the tracker makes. Tests run the real adapter against a fake Graph on loopback. */
export interface GraphGateway {
  /** Installs the Teams app for a user; an app already installed counts as done. */
  installApp(userId: string, catalogAppId: string): Promise<void>;
  /** The id of the user's installation of the app, if it is installed. */
  findInstallation(userId: string, catalogAppId: string): Promise<string | undefined>;
  /** The 1:1 chat between the user and the bot that the installation created. */
  chatId(userId: string, installationId: string): Promise<string>;
  /** Sends an email as `mailbox` (a shared mailbox the application access policy allows). */
  sendMail(mailbox: string, message: MailMessage): Promise<void>;
}

/**
 * Reading an Entra security group's members, for the roles its members hold in the app
 * (services/people/group-roles.ts). Needs the application permission GroupMember.Read.All.
 */
export interface GroupDirectory {
  /**
   * The object ids of the group's users, through nested groups too (transitive), every page.
   * `pace` runs each request, so a caller can keep a run's requests to Graph's throttling limits.
   */
  transitiveMemberIds(groupId: string, pace?: <T>(request: () => Promise<T>) => Promise<T>): Promise<string[]>;
}

export type GraphSettings = {
  /** e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  /** e.g. https://login.microsoftonline.com */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  /** Unset: the bot runs as a user-assigned managed identity (MicrosoftAppType=UserAssignedMSI), whose client id is clientId. */
  clientSecret?: string;
};

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** Bounded: a run that meets a throttled Graph slows down; it never spins. */
const MAX_RETRIES = 4;
const MAX_RETRY_DELAY_MS = 120_000;
const MAX_MEMBER_PAGES = 200;

/**
 * The Graph adapter. Tokens come from @azure/identity with the bot's own app registration; the
 * Azure pipeline retries 429 and 503 after exactly the Retry-After Graph asks for, and other
 * transient failures with exponential backoff, up to MAX_RETRIES times.
 */
export class HttpGraphGateway implements GraphGateway, GroupDirectory {
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient;
  private readonly baseUrl: string;

  constructor(settings: GraphSettings, options?: { credential?: TokenCredential; agent?: Agent; retryDelayInMs?: number }) {
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
    const credential =
      options?.credential ??
      (settings.clientSecret
        ? new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
            authorityHost: settings.authorityHost,
            // Instance discovery asks login.microsoftonline.com about the authority; a sovereign or test authority answers for itself.
            disableInstanceDiscovery: settings.authorityHost !== 'https://login.microsoftonline.com',
            ...(options?.agent ? { agent: options.agent } : {}),
          })
        : new ManagedIdentityCredential({ clientId: settings.clientId }));
    this.pipeline = createPipelineFromOptions({
      retryOptions: {
        maxRetries: MAX_RETRIES,
        maxRetryDelayInMs: MAX_RETRY_DELAY_MS,
        ...(options?.retryDelayInMs !== undefined ? { retryDelayInMs: options.retryDelayInMs } : {}),
      },
      userAgentOptions: { userAgentPrefix: 'safeguarding-action-tracker' },
      ...(options?.agent ? { agent: options.agent } : {}),
    });
    this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: GRAPH_SCOPE }));
    this.httpClient = createDefaultHttpClient();
  }

  async installApp(userId: string, catalogAppId: string): Promise<void> {
    try {
      await this.call('POST', `/users/${encodeURIComponent(userId)}/teamwork/installedApps`, {
        'teamsApp@odata.bind': `${this.baseUrl}/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}`,
      });
    } catch (e) {
      // Already installed (by the person, or an earlier run that stopped before recording it).
      if (e instanceof GraphFailure && e.status === 409) return;
      throw e;
    }
  }

  async findInstallation(userId: string, catalogAppId: string): Promise<string | undefined> {
    const query = new URLSearchParams({ $expand: 'teamsAppDefinition', $filter: `teamsApp/id eq '${catalogAppId.replace(/'/g, "''")}'` });
    const body = (await this.call('GET', `/users/${encodeURIComponent(userId)}/teamwork/installedApps?${query}`)) as { value?: { id?: unknown }[] } | undefined;
    const id = body?.value?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  }

  async chatId(userId: string, installationId: string): Promise<string> {
    const body = (await this.call('GET', `/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`)) as
      { id?: unknown } | undefined;
    if (typeof body?.id !== 'string') throw new GraphFailure(502, 'InvalidResponse', 'Graph answered the chat look-up without a chat id.');
    return body.id;
  }

  async sendMail(mailbox: string, message: MailMessage): Promise<void> {
    await this.call('POST', `/users/${encodeURIComponent(mailbox)}/sendMail`, {
      message: {
        subject: message.subject,
        body: { contentType: 'HTML', content: message.html },
        toRecipients: [{ emailAddress: { address: message.to.address, ...(message.to.name ? { name: message.to.name } : {}) } }],
      },
      // Reminders are many and alike; the shared mailbox's Sent Items would only fill up.
      saveToSentItems: false,
    });
  }

  async transitiveMemberIds(groupId: string, pace: <T>(request: () => Promise<T>) => Promise<T> = (request) => request()): Promise<string[]> {
    // Users only (the cast leaves out devices and contacts); the largest page Graph serves.
    let url: string | undefined =
      `${this.baseUrl}/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?${new URLSearchParams({ $select: 'id', $top: '999' })}`;
    const ids: string[] = [];
    for (let pages = 0; url; pages++) {
      // 200 pages of 999 is far beyond any council's group; a next link that never ends is Graph misbehaving.
      if (pages >= MAX_MEMBER_PAGES)
        throw new GraphFailure(502, 'TooManyPages', `Graph kept paging the members of group ${groupId} past ${MAX_MEMBER_PAGES} pages.`);
      const pageUrl: string = url;
      const body = (await pace(() => this.callUrl('GET', pageUrl))) as { value?: { id?: unknown }[]; '@odata.nextLink'?: unknown } | undefined;
      for (const member of body?.value ?? []) if (typeof member.id === 'string') ids.push(member.id.toLowerCase());
      const next = body?.['@odata.nextLink'];
      // The token goes only where Graph itself is: a next link elsewhere is not followed.
      if (typeof next === 'string' && !next.startsWith(`${this.baseUrl}/`))
        throw new GraphFailure(502, 'InvalidResponse', 'Graph answered with a next page link outside Graph.');
      url = typeof next === 'string' ? next : undefined;
    }
    return ids;
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.callUrl(method, `${this.baseUrl}${path}`, body);
  }

  private async callUrl(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown> {
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({ accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const response = await this.pipeline.sendRequest(this.httpClient, request);
    const text = response.bodyAsText ?? '';
    let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (response.status >= 200 && response.status < 300) return parsed;
    const code = typeof parsed?.error?.code === 'string' ? parsed.error.code : `HTTP${response.status}`;
    const message = typeof parsed?.error?.message === 'string' ? parsed.error.message : `Graph answered ${response.status}.`;
    throw new GraphFailure(response.status, code, message);
  }
}
