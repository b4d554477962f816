import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import restify from 'restify';
import { z } from 'zod';
import type { Config } from '../services/core/config';
import { AppError, ERRORS, isAppError } from '../services/core/errors';
import { newCorrelationId, withCorrelation } from '../services/core/correlation';
import type { Logger } from '../services/core/logger';
import type { Store } from '../services/store/ports';
import { tenantGate } from '../services/organisation/agencies';
import { isLocalSecret, LOCAL_SECRET_HEADER, LOCAL_SECRET_NEEDED } from '../services/core/local-secret';

export type ServerDeps = {
  config: Config;
  logger: Logger;
  store: Store;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  /** Scheduler and delivery state for /healthz and /readyz. */
  status: () => Record<string, unknown>;
  /** Whether this instance should be given traffic, apart from the store (which /readyz checks itself). */
  readiness: () => { ready: boolean; reasons: string[] };
  /** Local mode: this run's secret, which a browser must give (see refuseWebPages). */
  localSecret?: string | undefined;
};

/**
 * The most each route reads. Activities (a card submission, a message) are small; the tab API
 * mostly reads and takes next to nothing, except the Section 11 form, where one standard's long
 * narrative and reasons may run to tens of kilobytes of UTF-8. Checked against the declared length before anything is
 * read, and against the bytes actually read for chunked bodies.
 */
export const BODY_LIMITS = { activities: 256 * 1024, tabApi: 8 * 1024, tabForms: 64 * 1024, other: 8 * 1024 } as const;

function bodyLimitFor(route: string): number {
  if (route === '/api/messages') return BODY_LIMITS.activities;
  if (route.startsWith('/api/tab/s11/')) return BODY_LIMITS.tabForms;
  if (route.startsWith('/api/tab/')) return BODY_LIMITS.tabApi;
  return BODY_LIMITS.other;
}

/**
 * Runs before routing on every request. restify inflates gzip bodies and counts only the
 * compressed bytes against its limit, so a small body could inflate to gigabytes: no body may be
 * compressed (Bot Framework and the tab never compress), and a declared length over the route's
 * limit is refused before a byte is read.
 */
function boundBodies(req: restify.Request, res: restify.Response, next: restify.Next): void {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    refuseUnread(res, new AppError('BODY_ENCODING_UNSUPPORTED', `Content-Encoding "${encoding.slice(0, 40)}" is not accepted: send the body uncompressed.`));
    return;
  }
  // restify's reader knows only gzip and no header; "identity" means the same as no header.
  delete req.headers['content-encoding'];
  const limit = bodyLimitFor(req.getPath());
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(declared) || declared > limit) {
    refuseUnread(res, new AppError('BODY_TOO_LARGE', `The body is ${req.headers['content-length']} bytes; ${req.getPath()} accepts at most ${limit}.`));
    return;
  }
  next();
}

/** Answers without reading the body, and closes the connection so the unread body goes nowhere. */
function refuseUnread(res: restify.Response, error: AppError): void {
  res.setHeader('Connection', 'close');
  sendError(res, error);
}

function tenantOf(body: unknown): string | undefined {
  const a = body as { channelData?: { tenant?: { id?: unknown } }; conversation?: { tenantId?: unknown } } | undefined;
  const id = a?.channelData?.tenant?.id ?? a?.conversation?.tenantId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Where Bot Framework traffic for Teams comes from. In production the bot only answers activities
 * whose serviceUrl is one of these, so a forged activity cannot make it call an arbitrary host.
 */
const TRUSTED_SERVICE_HOSTS = [
  /^smba\.trafficmanager\.net$/i,
  /(^|\.)botframework\.com$/i,
  /(^|\.)botframework\.azure\.us$/i,
  /(^|\.)teams\.microsoft\.com$/i,
  /(^|\.)infra\.gov\.teams\.microsoft\.us$/i,
];

/** `extraHosts`: exact host names a deployment adds (TRUSTED_SERVICE_URL_HOSTS, for a sovereign cloud's connector); still HTTPS only. */
export function isTrustedServiceUrl(serviceUrl: unknown, extraHosts: readonly string[] = []): boolean {
  if (typeof serviceUrl !== 'string') return false;
  try {
    const url = new URL(serviceUrl);
    return url.protocol === 'https:' && (TRUSTED_SERVICE_HOSTS.some((h) => h.test(url.hostname)) || extraHosts.includes(url.hostname.toLowerCase()));
  } catch {
    return false;
  }
}

/** Where a local-mode bot may send its answers: a client on this computer (the Agents Playground, the Emulator), never a host a web page names. */
export function isLoopbackServiceUrl(serviceUrl: unknown): boolean {
  if (typeof serviceUrl !== 'string') return false;
  try {
    const url = new URL(serviceUrl);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Sec-Fetch-Site values a browser gives a request that no other site started (this origin's own page, or the user's typing). */
const OWN_SITE = new Set(['same-origin', 'none']);

/**
 * Bot Framework and the Teams clients post activities as JSON from a server. A web page can post
 * to a loopback address too (an HTML form, or a fetch whose answer it cannot read), and restify
 * would turn a form into an activity: so only JSON is read, and a request a browser marks as a
 * page's (an Origin, or Sec-Fetch-Site naming another site) is refused before its body is read.
 * In local mode, any other request a browser makes (browsers send Sec-Fetch-Site with every
 * request) needs this run's local sign-in secret, as the dashboard's local sign-in does.
 */
const refuseWebPages =
  (localSecret: string | undefined) =>
  (req: restify.Request, res: restify.Response, next: restify.Next): void => {
    const type = String(req.headers['content-type'] ?? '');
    if (type.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      refuseUnread(
        res,
        new AppError('UNSUPPORTED_MEDIA_TYPE', `${ERRORS.UNSUPPORTED_MEDIA_TYPE.message} This request's type is "${type.slice(0, 60) || 'none'}".`),
      );
      return next(false);
    }
    const site = req.headers['sec-fetch-site'];
    if (req.headers.origin !== undefined || (site !== undefined && !OWN_SITE.has(String(site).toLowerCase()))) {
      refuseUnread(res, new AppError('BROWSER_REQUEST'));
      return next(false);
    }
    // What is left of a browser (a page of this origin) is the developer's only with this run's secret.
    // Browsers mark every request with Sec-Fetch-Site; Node's fetch sends only Sec-Fetch-Mode, so that one says nothing.
    if (localSecret !== undefined && site !== undefined && !isLocalSecret(req.headers[LOCAL_SECRET_HEADER], localSecret)) {
      refuseUnread(res, new AppError('UNAUTHENTICATED', LOCAL_SECRET_NEEDED));
      return next(false);
    }
    next();
  };

/** The least an activity must have for the adapter to handle it; anything else is the caller's mistake, not ours. */
const activityShape = z
  .object({
    type: z.string().min(1).max(64),
    serviceUrl: z.string().min(1).max(1000),
    channelId: z.string().max(64).optional(),
    conversation: z.object({ id: z.string().min(1).max(1000) }).passthrough(),
    from: z.object({ id: z.string().min(1).max(1000), aadObjectId: z.string().max(100).optional() }).passthrough(),
    recipient: z
      .object({ id: z.string().max(1000) })
      .passthrough()
      .optional(),
    name: z.string().max(200).optional(),
    text: z.string().max(100_000).optional(),
  })
  .passthrough();

/** Host names that can only mean this computer; anything else in a local-mode Host header is DNS rebinding or a proxy. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/**
 * Headers a reverse proxy or tunnel adds (dev tunnels, ngrok and the like forward to loopback):
 * in local mode such a request came from elsewhere, however local its socket looks.
 */
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
  'x-original-host',
  'x-original-url',
];
const TUNNEL_HEADER_PREFIXES = ['x-ms-devtunnel', 'x-devtunnel', 'ngrok-'];

/** Why a local-mode request is not from someone at this computer, or undefined when it is. */
export function notLocalReason(headers: Record<string, string | string[] | undefined>): string | undefined {
  const host = String(headers.host ?? '')
    .toLowerCase()
    .replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(host)) return 'its Host header is not a loopback name';
  const forwarded = Object.keys(headers).find(
    (h) => FORWARDING_HEADERS.includes(h.toLowerCase()) || TUNNEL_HEADER_PREFIXES.some((p) => h.toLowerCase().startsWith(p)),
  );
  return forwarded ? `it carries the forwarding header ${forwarded}` : undefined;
}

function sendError(res: restify.Response, error: AppError): void {
  res.send(error.status, { error: error.toPublic() });
}

const references = new WeakMap<restify.Request, string>();
/** The request's reference, made on first ask. */
function requestReference(req: restify.Request): string {
  let id = references.get(req);
  if (!id) references.set(req, (id = newCorrelationId()));
  return id;
}
/** Runs the rest of the request's handlers under its reference (restify calls them from next()). */
function enterReference(req: restify.Request, _res: restify.Response, next: restify.Next): void {
  withCorrelation(requestReference(req), () => next());
}

export function createServer(deps: ServerDeps): restify.Server {
  const { config, logger, store, adapter, bot, status, readiness } = deps;
  const server = restify.createServer({ name: 'safeguarding-action-tracker', handleUncaughtExceptions: false });
  // Every request gets its own reference, returned in a header. Routes that read no body run under it
  // from here; a body is read on events outside it, so /api/messages enters it again after parsing.
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.header('x-correlation-id', requestReference(req));
    next();
  });
  server.use(enterReference);
  server.pre(boundBodies);
  if (config.localMode) {
    // Local mode is unauthenticated: it answers only someone at this computer, not a tunnel,
    // proxy or web page that reached loopback on their behalf.
    server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
      const reason = notLocalReason(req.headers);
      if (!reason) return next();
      logger.warn({ reason }, 'local mode: request from elsewhere refused');
      sendError(res, new AppError('LOCAL_ONLY', `${ERRORS.LOCAL_ONLY.message} This request was refused because ${reason}.`));
      return next(false);
    });
  }

  // Liveness: the process answers. It never touches the store, so a Cosmos DB outage does not get
  // healthy instances restarted.
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok', store: { kind: store.kind, description: store.description }, ...status() });
    next();
  });

  // Readiness, for App Service's health check and load balancer: the store answers, and the
  // scheduler runs (migrations finished before the server started listening: see openMigratedStore).
  server.get('/readyz', async (_req, res) => {
    const { ready, reasons } = readiness();
    try {
      await store.ping();
    } catch {
      reasons.push('the store is not reachable');
    }
    const ok = ready && reasons.length === 0;
    res.send(ok ? 200 : 503, {
      status: ok ? 'ready' : 'not ready',
      ...(ok ? {} : { reasons }),
      store: { kind: store.kind, description: store.description },
      ...status(),
    });
  });

  // Only activities have a body to parse; every other route ignores (and never reads) one.
  const activityBody = restify.plugins.bodyParser({ maxBodySize: BODY_LIMITS.activities, mapParams: false });
  const tenantAllowed = tenantGate(store, config.DEFAULT_ORG_ID, config.ALLOWED_TENANT_IDS);
  server.post('/api/messages', refuseWebPages(deps.localSecret), activityBody, enterReference, async (req: restify.Request, res: restify.Response) => {
    const shape = activityShape.safeParse(req.body);
    if (!shape.success) {
      sendError(
        res,
        new AppError(
          'VALIDATION',
          `Not a Bot Framework activity: ${shape.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(body)'} ${i.message}`)
            .join('; ')}`,
        ),
      );
      return;
    }
    // The bot answers at the activity's serviceUrl: in local mode, only a client on this computer.
    if (config.localMode && !isLoopbackServiceUrl(shape.data.serviceUrl)) {
      logger.warn('local mode: activity with a serviceUrl off this computer refused');
      sendError(
        res,
        new AppError(
          'LOCAL_ONLY',
          `${ERRORS.LOCAL_ONLY.message} This request was refused because its serviceUrl is not a loopback address (localhost, 127.0.0.1 or [::1]).`,
        ),
      );
      return;
    }
    const tenant = tenantOf(req.body);
    // Bot Framework authentication proves the sender is the Bot Service, not which organisation
    // the user belongs to: refuse tenants that are neither configured nor an agency's before any processing.
    let allowed: boolean;
    try {
      allowed = await tenantAllowed(tenant);
    } catch (e) {
      // The agencies' tenants are in the store. Without it, production refuses what it cannot check;
      // local mode (loopback only) lets the bot answer with the store's own error card.
      if (!config.localMode) {
        logger.warn({ err: e, tenant }, 'tenant not checked: the store is unavailable');
        sendError(res, isAppError(e) ? e : new AppError('STORE_UNAVAILABLE'));
        return;
      }
      allowed = true;
    }
    if (!allowed) {
      logger.warn({ tenant }, 'activity from a tenant that is not allowed');
      sendError(res, new AppError('TENANT_NOT_ALLOWED'));
      return;
    }
    if (!config.localMode && !isTrustedServiceUrl((req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl, config.TRUSTED_SERVICE_URL_HOSTS)) {
      logger.warn('activity with a serviceUrl outside the Bot Framework and Teams hosts');
      sendError(res, new AppError('FORBIDDEN', 'The activity’s serviceUrl is not a Bot Framework or Teams host (nor one in TRUSTED_SERVICE_URL_HOSTS).'));
      return;
    }
    await adapter.process(req, res, (context) => bot.run(context));
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, next: () => void) => {
    // Bad JSON, a too-large body or an unknown route is the client's fault: say so plainly, never a stack.
    const status = err.statusCode ?? 500;
    if (status >= 500) logger.error({ err, path: req.path() }, 'request failed');
    // A chunked body that outgrew its limit is found by restify's reader: the same code as a declared one.
    const code = status >= 500 ? 'INTERNAL' : status === 413 ? 'BODY_TOO_LARGE' : 'BAD_REQUEST';
    const reference = references.get(req);
    err.toJSON = () => ({ error: { code, message: status >= 500 ? 'Internal error' : err.message, ...(reference ? { reference } : {}) } });
    next();
  });
  return server;
}
