import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { personalConversationId } from './teams-activities';
import { onRequestBody } from './request-body';
import { takeFault } from './fault-queue';

/**
 * An in-process stand-in for the Bot Connector service Teams exposes at an activity's serviceUrl.
 * It answers the v3 REST routes botbuilder's ConnectorClient uses and records every call.
 */

export type ConnectorCall = {
  method: string;
  /** Decoded path without the query, e.g. '/v3/conversations/a:1xyz/activities'. */
  path: string;
  conversationId?: string;
  activityId?: string;
  body: any;
  at: number;
  /** HTTP status answered; 0 while the request is still open (a hang). */
  status: number;
  /** JSON body answered, if any. */
  response?: unknown;
  /** The Authorization header the call carried (the bot's bearer token), if any. */
  authorization?: string;
};

export type Fault = { status: number; retryAfterSeconds?: number; body?: unknown } | { hangMs: number };

export type RateLimit = { count: number; windowMs: number };
/**
 * `global` is Teams' limit per app per tenant: counted separately for each tenant, named by the
 * activity's `conversation.tenantId` (or `channelData.tenant.id`; requests naming none share one count).
 */
export type RateLimits = { perConversation?: RateLimit[]; global?: RateLimit };

export type FakeMember = {
  id: string;
  aadObjectId?: string;
  name?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
};

/** What a fault's `match` sees of a call. */
export type CallInfo = { method: string; path: string; conversationId?: string };

/** Teams' published limits: per bot per conversation (thread), and per app per tenant. */
export const TEAMS_RATE_LIMITS: Required<RateLimits> = {
  perConversation: [
    { count: 7, windowMs: 1_000 },
    { count: 8, windowMs: 2_000 },
    { count: 60, windowMs: 30_000 },
    { count: 1_800, windowMs: 3_600_000 },
  ],
  global: { count: 50, windowMs: 1_000 },
};

/**
 * Sliding-window log: a request is allowed when, for every limit, fewer than `count` accepted
 * requests fall inside the last `windowMs`. Refused requests do not use up the allowance.
 */
export class SlidingWindowLimiter {
  private readonly log = new Map<string, number[]>();
  private readonly longestWindowMs: number;

  constructor(private readonly limits: RateLimit[]) {
    this.longestWindowMs = Math.max(0, ...limits.map((l) => l.windowMs));
  }

  /** Milliseconds until `key` may make another request; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const times = this.prune(key, now);
    let wait = 0;
    for (const { count, windowMs } of this.limits) {
      const inWindow = times.filter((t) => t > now - windowMs);
      if (inWindow.length < count) continue;
      // Enough of the oldest entries must leave the window to bring it below the limit.
      const release = inWindow[inWindow.length - count];
      if (release !== undefined) wait = Math.max(wait, release + windowMs - now);
    }
    return wait;
  }

  record(key: string, now: number): void {
    const times = this.prune(key, now);
    times.push(now);
    this.log.set(key, times);
  }

  clear(): void {
    this.log.clear();
  }

  private prune(key: string, now: number): number[] {
    const times = (this.log.get(key) ?? []).filter((t) => t > now - this.longestWindowMs);
    this.log.set(key, times);
    return times;
  }
}

type Route =
  | { op: 'createConversation' | 'getConversations' }
  | { op: 'send' | 'members' | 'pagedMembers'; conversationId: string }
  | { op: 'reply' | 'update' | 'delete' | 'activityMembers'; conversationId: string; activityId: string }
  | { op: 'member'; conversationId: string; memberId: string }
  | { op: 'teamDetails' | 'teamChannels'; teamId: string };

function route(method: string, segments: string[]): Route | undefined {
  const [version, resource, id, sub, subId, tail] = segments;
  if (version !== 'v3') return undefined;
  if (resource === 'teams' && id !== undefined && method === 'GET') {
    if (segments.length === 3) return { op: 'teamDetails', teamId: id };
    if (segments.length === 4 && sub === 'conversations') return { op: 'teamChannels', teamId: id };
    return undefined;
  }
  if (resource !== 'conversations') return undefined;
  if (id === undefined) {
    if (method === 'POST') return { op: 'createConversation' };
    if (method === 'GET') return { op: 'getConversations' };
    return undefined;
  }
  if (sub === 'activities') {
    if (subId === undefined) return method === 'POST' ? { op: 'send', conversationId: id } : undefined;
    if (subId === 'history') return undefined;
    if (tail === 'members' && segments.length === 6 && method === 'GET') return { op: 'activityMembers', conversationId: id, activityId: subId };
    if (segments.length !== 5) return undefined;
    if (method === 'POST') return { op: 'reply', conversationId: id, activityId: subId };
    if (method === 'PUT') return { op: 'update', conversationId: id, activityId: subId };
    if (method === 'DELETE') return { op: 'delete', conversationId: id, activityId: subId };
    return undefined;
  }
  if (method !== 'GET') return undefined;
  if (sub === 'members' && subId === undefined && segments.length === 4) return { op: 'members', conversationId: id };
  if (sub === 'members' && subId !== undefined && segments.length === 5) return { op: 'member', conversationId: id, memberId: subId };
  if (sub === 'pagedmembers' && segments.length === 4) return { op: 'pagedMembers', conversationId: id };
  return undefined;
}

function teamsError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

const DEFAULT_ERRORS: Record<number, ReturnType<typeof teamsError>> = {
  400: teamsError('BadArgument', 'The request is malformed.'),
  403: teamsError('BotNotInConversationRoster', 'The bot is not part of the conversation roster.'),
  404: teamsError('NotFound', 'The requested resource was not found.'),
  412: teamsError('PreconditionFailed', 'Precondition failed, please try again.'),
  429: teamsError('Throttled', 'Too many requests.'),
  500: teamsError('InternalServerError', 'An internal error occurred.'),
  502: teamsError('ServiceError', 'Bad gateway.'),
  503: teamsError('ServiceUnavailable', 'The service is unavailable.'),
  504: teamsError('GatewayTimeout', 'The operation timed out.'),
};

type Reply = (status: number, body?: unknown, headers?: Record<string, string>) => Promise<void>;
type PendingFault = { fault: Fault; remaining: number; match?: ((call: CallInfo) => boolean) | undefined };
type Waiter = { count: number; conversationId?: string | undefined; resolve: (a: any[]) => void; reject: (e: Error) => void };
type Recorded = { conversationId: string; body: any };

const DEFAULT_PAGE_SIZE = 200;

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly recorded: Recorded[] = [];
  private readonly members = new Map<string, FakeMember>();
  private readonly conversationIds = new Map<string, string>();
  private readonly faults: PendingFault[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly hung = new Set<{ finish: () => Promise<void> }>();
  private readonly perConversation: SlidingWindowLimiter | undefined;
  private readonly global: SlidingWindowLimiter | undefined;
  private nextActivity = 0;
  private closed = false;

  private constructor(
    private readonly server: http.Server | https.Server,
    readonly serviceUrl: string,
    limits: RateLimits | undefined,
    private readonly now: () => number,
  ) {
    this.perConversation = limits?.perConversation?.length ? new SlidingWindowLimiter(limits.perConversation) : undefined;
    this.global = limits?.global ? new SlidingWindowLimiter([limits.global]) : undefined;
  }

  /**
   * `tls`: serve HTTPS with this key and certificate, as the real Bot Connector does (a bot in
   * production mode answers only HTTPS service URLs); plain HTTP otherwise.
   */
  static async start(options?: { limits?: RateLimits; now?: () => number; tls?: { key: string; cert: string } }): Promise<FakeConnector> {
    const server = options?.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }) : http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const connector = new FakeConnector(server, `${options?.tls ? 'https' : 'http'}://127.0.0.1:${port}/`, options?.limits, options?.now ?? Date.now);
    server.on('request', (req, res) => connector.handle(req, res));
    return connector;
  }

  /** Activities successfully sent, replied or updated, in order; a sent one carries the id it was given. */
  activities(filter?: { conversationId?: string; type?: string }): any[] {
    return this.recorded
      .filter((r) => filter?.conversationId === undefined || r.conversationId === filter.conversationId)
      .filter((r) => filter?.type === undefined || r.body?.type === filter.type)
      .map((r) => r.body);
  }

  /** Members are answered for any conversation or team, looked up by Teams id or AAD object id. */
  setMember(member: FakeMember): void {
    this.members.set(member.id, member);
  }

  /** The next `times` (default 1; Infinity for all) matching calls get `fault` instead of their normal answer. */
  fail(fault: Fault, options?: { times?: number; match?: (call: CallInfo) => boolean }): void {
    this.faults.push({ fault, remaining: options?.times ?? 1, match: options?.match });
  }

  waitForActivities(count: number, options?: { timeoutMs?: number; conversationId?: string }): Promise<any[]> {
    const filter = options?.conversationId === undefined ? undefined : { conversationId: options.conversationId };
    const current = this.activities(filter);
    if (current.length >= count) return Promise.resolve(current);
    const timeoutMs = options?.timeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        conversationId: options?.conversationId,
        resolve: (activities) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(activities);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const seen = this.calls.map((c) => `${c.method} ${c.path} -> ${c.status}`).join('\n  ');
        waiter.reject(
          new Error(
            `expected ${count} activities${filter ? ` in ${filter.conversationId}` : ''} within ${timeoutMs} ms, got ${this.activities(filter).length}; calls:\n  ${seen}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Forgets calls, activities, members, faults and rate-limit history; keeps the port. */
  reset(): void {
    this.calls.length = 0;
    this.recorded.length = 0;
    this.members.clear();
    this.conversationIds.clear();
    this.faults.length = 0;
    this.perConversation?.clear();
    this.global?.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.reject(new Error('the fake connector was closed while waiting for activities'));
    // Answer hung requests first so the bot sees a 504 rather than a reset connection.
    await Promise.all([...this.hung].map((h) => h.finish()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets from the bot's HTTP agent would otherwise hold close() open.
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    onRequestBody(req, (raw) => this.dispatch(req, res, raw));
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse, raw: string | undefined): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://connector');
    // Split before decoding so an encoded '/' inside an id stays in its segment.
    const segments = url.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(safeDecode);
    const matched = route(method, segments);
    const call: ConnectorCall = { method, path: `/${segments.join('/')}`, body: undefined, at: this.now(), status: 0 };
    if (req.headers.authorization !== undefined) call.authorization = req.headers.authorization;
    if (matched && 'conversationId' in matched) call.conversationId = matched.conversationId;
    if (matched && 'activityId' in matched) call.activityId = matched.activityId;
    this.calls.push(call);

    const reply = (status: number, body?: unknown, headers?: Record<string, string>): Promise<void> => {
      call.status = status;
      if (body !== undefined) call.response = body;
      if (res.writableEnded || res.destroyed) return Promise.resolve();
      const payload = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'content-length': Buffer.byteLength(payload),
        ...headers,
      });
      return new Promise<void>((resolve) => {
        res.once('close', () => resolve());
        res.end(payload);
      });
    };

    if (raw === undefined) return void reply(413, teamsError('BadArgument', 'The request body is too large.'));
    if (raw.length > 0) {
      try {
        call.body = JSON.parse(raw);
      } catch {
        return void reply(400, teamsError('BadArgument', 'The request body is not valid JSON.'));
      }
    }

    const fault = this.takeFault({ method, path: call.path, ...(call.conversationId !== undefined ? { conversationId: call.conversationId } : {}) });
    if (fault) return this.applyFault(fault, reply);
    if (!matched) return void reply(404, teamsError('NotFound', `No route for ${method} ${call.path}.`));

    const limited = this.checkLimits(matched, call);
    if (limited !== undefined) {
      const seconds = Math.max(1, Math.ceil(limited / 1000));
      return void reply(429, teamsError('Throttled', `Too many requests. Retry after ${seconds} seconds.`), { 'retry-after': String(seconds) });
    }
    void this.answer(matched, call, url, reply);
  }

  private takeFault(call: CallInfo): Fault | undefined {
    return takeFault(this.faults, call);
  }

  private applyFault(fault: Fault, reply: Reply): void {
    if ('hangMs' in fault) {
      const entry = {
        finish: () => {
          clearTimeout(timer);
          this.hung.delete(entry);
          return reply(504, DEFAULT_ERRORS[504]);
        },
      };
      const timer = setTimeout(() => void entry.finish(), fault.hangMs);
      this.hung.add(entry);
      return;
    }
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    void reply(fault.status, fault.body ?? DEFAULT_ERRORS[fault.status] ?? teamsError('Error', `Injected status ${fault.status}.`), headers);
  }

  /** Returns how long to wait when a limit is exceeded; otherwise records the request and returns undefined. */
  private checkLimits(matched: Route, call: ConnectorCall): number | undefined {
    const now = this.now();
    // Teams throttles message traffic per conversation; creating the 1:1 chat counts against that chat.
    const conversationKey =
      matched.op === 'send' || matched.op === 'reply' || matched.op === 'update' || matched.op === 'delete'
        ? matched.conversationId
        : matched.op === 'createConversation'
          ? this.conversationIdFor(call.body)
          : undefined;
    const tenant = tenantOf(call.body);
    const waits = [this.global?.waitMs(tenant, now) ?? 0, conversationKey !== undefined ? (this.perConversation?.waitMs(conversationKey, now) ?? 0) : 0];
    const wait = Math.max(...waits);
    if (wait > 0) return wait;
    this.global?.record(tenant, now);
    if (conversationKey !== undefined) this.perConversation?.record(conversationKey, now);
    return undefined;
  }

  private answer(matched: Route, call: ConnectorCall, url: URL, reply: Reply): Promise<void> {
    switch (matched.op) {
      case 'send':
      case 'reply': {
        const id = this.newActivityId();
        this.record(matched.conversationId, { ...call.body, id: call.body?.id ?? id });
        return reply(201, { id });
      }
      case 'update':
        this.record(matched.conversationId, { ...call.body, id: matched.activityId });
        return reply(200, { id: matched.activityId });
      case 'delete':
        return reply(200);
      case 'createConversation': {
        const id = this.conversationIdFor(call.body);
        if (id === undefined) return reply(400, teamsError('BadArgument', 'Conversation parameters must name at least one member.'));
        return reply(201, { id });
      }
      case 'getConversations':
        return reply(200, { conversations: [] });
      case 'members':
      case 'activityMembers':
        return reply(200, [...this.members.values()].map(toTeamsAccount));
      case 'member': {
        const member = this.findMember(matched.memberId);
        if (!member) return reply(404, teamsError('MemberNotFoundInConversation', 'The specified member is not found in the conversation.'));
        return reply(200, toTeamsAccount(member));
      }
      case 'pagedMembers': {
        const all = [...this.members.values()];
        const pageSize = Math.max(1, Number(url.searchParams.get('pageSize')) || DEFAULT_PAGE_SIZE);
        const start = Number(url.searchParams.get('continuationToken')) || 0;
        const page = all.slice(start, start + pageSize).map(toTeamsAccount);
        const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
        return reply(200, next === undefined ? { members: page } : { members: page, continuationToken: next });
      }
      case 'teamDetails':
        return reply(200, { id: matched.teamId, name: 'Safeguarding Team', aadGroupId: 'b1f2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' });
      case 'teamChannels':
        return reply(200, { conversations: [{ id: matched.teamId, name: null }] });
    }
  }

  /** 1:1 chats are unique per user, so the id matches the one inbound activities carry; groups get conv-<n>. */
  private conversationIdFor(params: any): string | undefined {
    const ids: string[] = Array.isArray(params?.members)
      ? params.members.map((m: any) => m?.id).filter((id: unknown): id is string => typeof id === 'string')
      : [];
    if (ids.length === 0) return undefined;
    if (ids.length === 1 && !params?.isGroup) return personalConversationId({ id: ids[0] as string });
    const key = [...ids].sort().join('|');
    let id = this.conversationIds.get(key);
    if (id === undefined) {
      id = `conv-${this.conversationIds.size + 1}`;
      this.conversationIds.set(key, id);
    }
    return id;
  }

  private findMember(id: string): FakeMember | undefined {
    return this.members.get(id) ?? [...this.members.values()].find((m) => m.aadObjectId === id);
  }

  private newActivityId(): string {
    this.nextActivity += 1;
    return String(1_800_000_000_000 + this.nextActivity);
  }

  private record(conversationId: string, body: any): void {
    this.recorded.push({ conversationId, body });
    for (const waiter of [...this.waiters]) {
      const filter = waiter.conversationId === undefined ? undefined : { conversationId: waiter.conversationId };
      const activities = this.activities(filter);
      if (activities.length >= waiter.count) waiter.resolve(activities);
    }
  }
}

/** The tenant a request counts against: Teams limits each app per tenant. */
function tenantOf(body: any): string {
  const id = body?.conversation?.tenantId ?? body?.channelData?.tenant?.id ?? body?.tenantId;
  return typeof id === 'string' ? `tenant:${id}` : 'tenant:(none)';
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The TeamsChannelAccount shape; Teams' REST answer names the AAD id `objectId`, botbuilder reads `aadObjectId`. */
function toTeamsAccount(member: FakeMember): Record<string, unknown> {
  const name = member.name ?? member.id;
  const [givenName, ...rest] = name.split(' ');
  return {
    id: member.id,
    name,
    ...(member.aadObjectId !== undefined ? { aadObjectId: member.aadObjectId, objectId: member.aadObjectId } : {}),
    givenName,
    surname: rest.join(' ') || undefined,
    email: member.email,
    userPrincipalName: member.userPrincipalName ?? member.email,
    tenantId: member.tenantId,
    userRole: 'user',
  };
}
