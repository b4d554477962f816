import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../services/core/config';
import type { Mailer } from '../../services/delivery/ports';
import { mailerFromConfig } from '../../services/reach/setup';
import { onRequestBody } from './request-body';
import { takeFault } from './fault-queue';
import { selfSignedCertificate } from './tls';

/**
 * An in-process stand-in for Microsoft Graph and the Entra ID token endpoint, on loopback, so the
 * reach code (app installs, chat look-ups, sendMail) runs for real without calling Microsoft.
 *
 * It serves HTTPS with a throwaway self-signed certificate because MSAL (inside @azure/identity)
 * refuses an authority that is not https; tests trust it through `ca`.
 */

export type GraphCall = {
  method: string;
  /** Decoded path without the query, e.g. '/v1.0/users/u1/teamwork/installedApps'. */
  path: string;
  query: Record<string, string>;
  /** The bearer token the call carried, if any. */
  token?: string;
  body: any;
  at: number;
  status: number;
};

/** A directory user as Graph knows them. `blocked`: the app is blocked for them by policy (install answers 403). */
export type GraphUser = { id: string; mail?: string; blocked?: boolean };

export type GraphFault = { status: number; retryAfterSeconds?: number; code?: string; message?: string };
export type GraphCallInfo = { method: string; path: string };

type Installation = { id: string; userId: string; catalogAppId: string; chatId: string };
type PendingFault = { fault: GraphFault; remaining: number; match?: ((call: GraphCallInfo) => boolean) | undefined };

const TOKEN_LIFETIME_SECONDS = 3600;
const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default';

function graphError(code: string, message: string): { error: { code: string; message: string; innerError: { 'request-id': string } } } {
  return { error: { code, message, innerError: { 'request-id': randomUUID() } } };
}

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  /** Emails accepted by sendMail, in order. */
  readonly mails: { mailbox: string; message: any; saveToSentItems: unknown }[] = [];
  private readonly users = new Map<string, GraphUser>();
  private readonly installations = new Map<string, Installation>();
  private readonly faults: PendingFault[] = [];
  /** Token -> the application permissions it carries (Entra's `roles` claim). */
  private readonly issued = new Map<string, string[]>();
  /** Mailboxes the application access policy lets the app send as; empty means any. */
  private readonly mailboxes = new Set<string>();
  /** Application permissions the tokens carry; a Graph call without its permission answers 403. */
  private readonly granted = new Set<string>(['TeamsAppInstallation.ReadWriteSelfForUser.All', 'Mail.Send', 'GroupMember.Read.All']);
  /** Security groups: each member a user's object id or, nested, `{ group: <group id> }`. */
  private readonly groups = new Map<string, (string | { group: string })[]>();
  /** Tokens issued for the Bot Connector (scope https://api.botframework.com/.default). */
  private readonly botConnectorTokens = new Set<string>();
  private closed = false;

  private constructor(
    private readonly server: https.Server,
    private readonly origin: string,
    /** PEM certificate to trust for this server. */
    readonly ca: string,
    /** The client credential the token endpoint accepts. */
    private readonly client: { tenantId: string; clientId: string; clientSecret: string },
    private readonly now: () => number,
  ) {}

  static async start(options: { tenantId: string; clientId: string; clientSecret: string; now?: () => number }): Promise<FakeGraph> {
    const { key, cert } = selfSignedCertificate();
    const server = https.createServer({ key, cert });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const graph = new FakeGraph(server, `https://127.0.0.1:${port}`, cert, options, options.now ?? Date.now);
    server.on('request', (req, res) => graph.handle(req, res));
    return graph;
  }

  /** For GRAPH_BASE_URL. */
  get baseUrl(): string {
    return `${this.origin}/v1.0`;
  }

  /** For the authority host of @azure/identity. */
  get authorityHost(): string {
    return this.origin;
  }

  /** The app's settings for talking to this Graph as the client it was started with: bot identity, Graph URL and token authority. */
  appSettings(): Record<string, string> {
    return {
      MicrosoftAppId: this.client.clientId,
      MicrosoftAppPassword: this.client.clientSecret,
      MicrosoftAppTenantId: this.client.tenantId,
      GRAPH_BASE_URL: this.baseUrl,
      GRAPH_AUTHORITY_HOST: this.authorityHost,
    };
  }

  /** The app's mailer sending as `mailbox` through this Graph (which then lets the app send as that mailbox only); destroy `agent` when done. */
  mailerFor(mailbox: string): { mailer: Mailer; agent: https.Agent } {
    this.limitMailTo(mailbox);
    const agent = new https.Agent({ ca: this.ca });
    const config = loadConfig({ ...this.appSettings(), ALLOWED_TENANT_IDS: this.client.tenantId, MAIL_SENDER: mailbox });
    return { mailer: mailerFromConfig(config, { agent })!, agent };
  }

  /** Whether this token endpoint issued `token` for the Bot Connector, as a connector checking the bot's bearer token would ask. */
  issuedForBotConnector(token: string | undefined): boolean {
    return token !== undefined && this.botConnectorTokens.has(token);
  }

  setUser(user: GraphUser): void {
    this.users.set(user.id, user);
  }

  /** Creates or replaces a security group's direct members (users by object id, or nested groups). */
  setGroup(groupId: string, members: (string | { group: string })[]): void {
    this.groups.set(groupId.toLowerCase(), [...members]);
  }

  /** Tokens issued from now on lack `permission` (as when an administrator never granted consent). */
  revoke(permission: string): void {
    this.granted.delete(permission);
  }

  grant(permission: string): void {
    this.granted.add(permission);
  }

  /** Restricts sendMail to these mailboxes, as an application access policy does. */
  limitMailTo(...mailboxes: string[]): void {
    for (const m of mailboxes) this.mailboxes.add(m.toLowerCase());
  }

  /** The app as installed for a user, as a test would see it in Teams. */
  installationsFor(userId: string): { id: string; catalogAppId: string; chatId: string }[] {
    return [...this.installations.values()].filter((i) => i.userId === userId).map(({ id, catalogAppId, chatId }) => ({ id, catalogAppId, chatId }));
  }

  /** The next `times` (default 1; Infinity for all) matching Graph calls (not token requests) get `fault`. */
  fail(fault: GraphFault, options?: { times?: number; match?: (call: GraphCallInfo) => boolean }): void {
    this.faults.push({ fault, remaining: options?.times ?? 1, match: options?.match });
  }

  graphCalls(filter?: { method?: string; pathEndsWith?: string }): GraphCall[] {
    return this.calls
      .filter((c) => c.path.startsWith('/v1.0/'))
      .filter((c) => filter?.method === undefined || c.method === filter.method)
      .filter((c) => filter?.pathEndsWith === undefined || c.path.endsWith(filter.pathEndsWith));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.identityEndpoint?.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private identityEndpoint?: { close(): Promise<void> };
  /** Token requests App Service's identity endpoint received, with the query each carried. */
  readonly identityRequests: { resource?: string; clientId?: string; header?: string }[] = [];

  /**
   * App Service's local managed-identity endpoint, as a deployment's user-assigned identity sees it
   * (plain HTTP on loopback, a secret header): it issues Graph tokens for this Graph to the client
   * this fake was started with. Returns the two variables App Service sets for the app.
   */
  async startManagedIdentityEndpoint(): Promise<{ IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string }> {
    const header = randomUUID();
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request = {
        resource: url.searchParams.get('resource') ?? undefined,
        clientId: url.searchParams.get('client_id') ?? undefined,
        header: req.headers['x-identity-header'] as string | undefined,
      };
      this.identityRequests.push(request);
      // Not chained: restify, loaded by other tests in the same worker, replaces writeHead with one that returns nothing.
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (request.header !== header) return reply(401, { error: 'unauthorized', error_description: 'X-IDENTITY-HEADER is missing or wrong.' });
      if (request.clientId !== this.client.clientId)
        return reply(400, { error: 'invalid_request', error_description: 'No user-assigned identity with that client id is assigned to this app.' });
      if (request.resource !== 'https://graph.microsoft.com' && request.resource !== 'https://graph.microsoft.com/')
        return reply(400, { error: 'invalid_resource', error_description: 'Unknown resource.' });
      const token = `fake-msi-${randomUUID()}`;
      this.issued.set(token, [...this.granted]);
      const expiresOn = Math.floor(this.now() / 1000) + TOKEN_LIFETIME_SECONDS;
      return reply(200, {
        access_token: token,
        expires_on: String(expiresOn),
        resource: request.resource,
        token_type: 'Bearer',
        client_id: this.client.clientId,
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.identityEndpoint = {
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
    return { IDENTITY_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`, IDENTITY_HEADER: header };
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    onRequestBody(req, (raw) => this.dispatch(req, res, raw));
  }

  private dispatch(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, raw: string | undefined): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.origin);
    const segments = url.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(safeDecode);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const call: GraphCall = { method, path: `/${segments.join('/')}`, query: Object.fromEntries(url.searchParams), body: undefined, at: this.now(), status: 0 };
    if (token !== undefined) call.token = token;
    this.calls.push(call);

    const reply = (status: number, body?: unknown, headers?: Record<string, string>): void => {
      call.status = status;
      if (res.writableEnded || res.destroyed) return;
      const payload = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'content-length': String(Buffer.byteLength(payload)),
        ...headers,
      });
      res.end(payload);
    };

    if (raw === undefined) return reply(413, graphError('RequestEntityTooLarge', 'The request body is too large.'));
    const contentType = req.headers['content-type'] ?? '';
    if (raw.length > 0) {
      if (contentType.includes('application/x-www-form-urlencoded')) {
        call.body = Object.fromEntries(new URLSearchParams(raw));
      } else {
        try {
          call.body = JSON.parse(raw);
        } catch {
          return reply(400, graphError('BadRequest', 'The request body is not valid JSON.'));
        }
      }
    }

    // Entra ID: /{tenant}/v2.0/.well-known/openid-configuration and /{tenant}/oauth2/v2.0/token
    const [first, second, third, fourth] = segments;
    if (first !== 'v1.0') {
      if (first !== this.client.tenantId) return reply(400, { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${first}' not found.` });
      if (method === 'GET' && second === 'v2.0' && third === '.well-known' && fourth === 'openid-configuration') {
        return reply(200, this.openIdConfiguration());
      }
      if (method === 'POST' && second === 'oauth2' && third === 'v2.0' && fourth === 'token') return this.token(call.body, reply);
      return reply(404, { error: 'not_found' });
    }

    if (token === undefined || !this.issued.has(token)) {
      return reply(401, graphError('InvalidAuthenticationToken', 'Access token is empty or not valid.'));
    }
    const fault = this.takeFault({ method, path: call.path });
    if (fault) {
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return reply(fault.status, graphError(fault.code ?? defaultCode(fault.status), fault.message ?? `Injected status ${fault.status}.`), headers);
    }
    this.answer(method, segments.slice(1), url, call, reply);
  }

  private openIdConfiguration(): Record<string, unknown> {
    const base = `${this.origin}/${this.client.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
      response_types_supported: ['code', 'id_token', 'token'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    };
  }

  private token(body: any, reply: (status: number, body?: unknown) => void): void {
    if (body?.grant_type !== 'client_credentials')
      return reply(400, { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported here.' });
    if (body?.client_id !== this.client.clientId || body?.client_secret !== this.client.clientSecret) {
      return reply(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    const scopes = typeof body?.scope === 'string' ? body.scope.split(' ') : [];
    // The same tenant also issues the bot's tokens for the Bot Connector (a single-tenant bot signs in here).
    if (scopes.includes(BOT_CONNECTOR_SCOPE)) {
      const token = `fake-botframework-${randomUUID()}`;
      this.botConnectorTokens.add(token);
      return reply(200, { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: token });
    }
    if (!scopes.includes('https://graph.microsoft.com/.default')) {
      return reply(400, { error: 'invalid_scope', error_description: 'AADSTS70011: The provided scope is not valid.' });
    }
    // The token names the permissions granted when it was issued, as Entra's `roles` claim does.
    const token = `fake-graph-${randomUUID()}`;
    this.issued.set(token, [...this.granted]);
    return reply(200, { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: token });
  }

  private roles(call: GraphCall): string[] {
    return this.issued.get(call.token ?? '') ?? [];
  }

  /** GET /groups/{id}/transitiveMembers[/microsoft.graph.user]: users through nested groups, paged by $top with a $skiptoken next link. */
  private groupMembers(segments: string[], url: URL, call: GraphCall, reply: (status: number, body?: unknown) => void): void {
    const [, groupId, relation, cast] = segments;
    if (relation !== 'transitiveMembers' || segments.length > 4 || (cast !== undefined && cast !== 'microsoft.graph.user'))
      return reply(404, graphError('NotFound', `No route for GET ${call.path}.`));
    if (!this.roles(call).some((r) => r === 'GroupMember.Read.All' || r === 'Group.Read.All' || r === 'Directory.Read.All')) {
      return reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));
    }
    const root = this.groups.get(groupId!.toLowerCase());
    if (!root)
      return reply(
        404,
        graphError('Request_ResourceNotFound', `Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`),
      );
    const users = new Set<string>();
    const seen = new Set<string>([groupId!.toLowerCase()]);
    const visit = (members: (string | { group: string })[]) => {
      for (const m of members) {
        if (typeof m === 'string') users.add(m);
        else if (!seen.has(m.group.toLowerCase())) {
          seen.add(m.group.toLowerCase());
          visit(this.groups.get(m.group.toLowerCase()) ?? []);
        }
      }
    };
    visit(root);
    const top = Math.min(Number(url.searchParams.get('$top') ?? 100) || 100, 999);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
    const all = [...users];
    const page = all.slice(skip, skip + top).map((id) => ({ '@odata.type': '#microsoft.graph.user', id }));
    const next = new URL(url.toString());
    next.searchParams.set('$skiptoken', String(skip + top));
    return reply(200, {
      '@odata.context': `${this.baseUrl}/$metadata#directoryObjects(id)`,
      value: page,
      ...(skip + top < all.length ? { '@odata.nextLink': next.toString() } : {}),
    });
  }

  private answer(method: string, segments: string[], url: URL, call: GraphCall, reply: (status: number, body?: unknown) => void): void {
    if (segments[0] === 'groups' && method === 'GET') return this.groupMembers(segments, url, call, reply);
    const [users, userId, teamwork, installedApps, installationId, chat] = segments;
    if (users !== 'users' || userId === undefined) return reply(404, graphError('NotFound', `No route for ${method} ${call.path}.`));

    if (segments.length === 3 && teamwork === 'sendMail' && method === 'POST') {
      if (!this.roles(call).includes('Mail.Send')) return reply(403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
      if (this.mailboxes.size > 0 && !this.mailboxes.has(userId.toLowerCase())) {
        return reply(403, graphError('ErrorAccessDenied', 'Access to OData is disabled: the application access policy does not allow this mailbox.'));
      }
      const message = call.body?.message;
      if (!message?.subject || !Array.isArray(message?.toRecipients) || message.toRecipients.length === 0) {
        return reply(400, graphError('ErrorInvalidRecipients', 'At least one recipient is not valid.'));
      }
      this.mails.push({ mailbox: userId, message, saveToSentItems: call.body?.saveToSentItems });
      return reply(202);
    }

    if (teamwork !== 'teamwork' || installedApps !== 'installedApps') return reply(404, graphError('NotFound', `No route for ${method} ${call.path}.`));
    if (!this.roles(call).includes('TeamsAppInstallation.ReadWriteSelfForUser.All')) {
      return reply(403, graphError('Forbidden', 'Missing role permissions on the request. API requires one of TeamsAppInstallation.ReadWriteSelfForUser.All.'));
    }
    const user = this.users.get(userId);
    if (!user) return reply(404, graphError('NotFound', `User ${userId} was not found in the directory.`));

    if (segments.length === 4 && method === 'POST') {
      const bind = call.body?.['teamsApp@odata.bind'];
      const catalogAppId = typeof bind === 'string' ? /\/appCatalogs\/teamsApps\/([^/]+)$/.exec(bind)?.[1] : undefined;
      if (!catalogAppId) return reply(400, graphError('BadRequest', 'teamsApp@odata.bind must name an app in the catalog.'));
      if (user.blocked) return reply(403, graphError('Forbidden', 'The app is blocked by the organisation’s app permission policy for this user.'));
      if (this.installationsFor(userId).some((i) => i.catalogAppId === catalogAppId)) {
        return reply(409, graphError('Conflict', 'The app is already installed for this user.'));
      }
      const id = Buffer.from(`${userId}##${catalogAppId}`).toString('base64url');
      this.installations.set(id, { id, userId, catalogAppId, chatId: `19:${userId}_${catalogAppId}@unq.gbl.spaces` });
      return reply(201);
    }
    if (segments.length === 4 && method === 'GET') {
      // Only the filter the client uses: teamsApp/id eq '<catalog id>'.
      const filter = url.searchParams.get('$filter');
      const wanted = filter ? /^teamsApp\/id eq '([^']+)'$/.exec(filter)?.[1] : undefined;
      if (filter && !wanted) return reply(400, graphError('BadRequest', `Unsupported filter: ${filter}`));
      const expand = url.searchParams.get('$expand');
      const value = this.installationsFor(userId)
        .filter((i) => wanted === undefined || i.catalogAppId === wanted)
        .map((i) => ({
          id: i.id,
          ...(expand?.includes('teamsAppDefinition')
            ? { teamsAppDefinition: { id: `${i.catalogAppId}-def`, teamsAppId: i.catalogAppId, displayName: 'Safeguarding Action Tracker' } }
            : {}),
          ...(expand?.includes('teamsApp') && !expand.includes('teamsAppDefinition') ? { teamsApp: { id: i.catalogAppId } } : {}),
        }));
      return reply(200, { '@odata.context': `${this.baseUrl}/$metadata#users('${userId}')/teamwork/installedApps`, value });
    }
    if (segments.length === 6 && chat === 'chat' && method === 'GET' && installationId !== undefined) {
      const installation = this.installations.get(installationId);
      if (!installation || installation.userId !== userId) return reply(404, graphError('NotFound', 'The app is not installed for this user.'));
      return reply(200, { id: installation.chatId, chatType: 'oneOnOne', topic: null });
    }
    return reply(404, graphError('NotFound', `No route for ${method} ${call.path}.`));
  }

  private takeFault(call: GraphCallInfo): GraphFault | undefined {
    return takeFault(this.faults, call);
  }
}

function defaultCode(status: number): string {
  switch (status) {
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    default:
      return 'InternalServerError';
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
