import { createHttpServer } from '@vercel/cosmosdb-server';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { applyAzureProfile, type AzureProfileSettings, type RequestMeter } from './azure-profile';

/**
 * Cosmos DB's master-key authentication, put in front of the embedded server (which accepts any
 * key): the SDK signs every request with HMAC-SHA256 of verb, resource type, resource link and
 * x-ms-date under the key; we recompute it. Without the key no other local process can read or
 * write the store, even though it listens on loopback.
 */

/** Requests older or newer than this are refused, as Azure does, so a captured one cannot be replayed later. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** A fresh random key for one run of the embedded store, in the base64 form the SDK expects. */
export function newMasterKey(): string {
  return randomBytes(64).toString('base64');
}

/** The resource type and link the SDK signs for a request path (Cosmos REST "ResourceLink" rules). */
export function resourceOf(urlPath: string): { type: string; link: string } {
  const segments = urlPath
    .split('?')[0]!
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  if (segments.length === 0) return { type: '', link: '' };
  // An even count names one resource (dbs/x/colls/y): its type is the last but one segment.
  // An odd count is a feed (dbs/x/colls): its type is the last segment, its link the parent.
  if (segments.length % 2 === 0) return { type: segments[segments.length - 2]!, link: segments.join('/') };
  return { type: segments[segments.length - 1]!, link: segments.slice(0, -1).join('/') };
}

function expectedSignature(key: string, method: string, type: string, link: string, date: string): Buffer {
  const text = `${method.toLowerCase()}\n${type.toLowerCase()}\n${link}\n${date.toLowerCase()}\n\n`;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(text, 'utf8').digest();
}

/** Whether the request carries a master-key signature made with `key`, dated within the allowed skew of `now`. */
export function isSignedWithKey(req: http.IncomingMessage, key: string, now: Date): boolean {
  const header = req.headers.authorization;
  const date = req.headers['x-ms-date'];
  if (typeof header !== 'string' || typeof date !== 'string') return false;
  const sentAt = Date.parse(date);
  if (Number.isNaN(sentAt) || Math.abs(now.getTime() - sentAt) > MAX_CLOCK_SKEW_MS) return false;
  let token: Map<string, string>;
  try {
    // Not URLSearchParams: it would read the '+' of the base64 signature as a space.
    token = new Map(
      decodeURIComponent(header)
        .split('&')
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as [string, string]),
    );
  } catch {
    return false;
  }
  if (token.get('type') !== 'master' || token.get('ver') !== '1.0') return false;
  const given = Buffer.from(token.get('sig') ?? '', 'base64');
  const { type, link } = resourceOf(req.url ?? '/');
  const expected = expectedSignature(key, req.method ?? 'GET', type, link, date);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Makes `server` answer 401 to every request not signed with `key`, before its own handlers see
 * it. Call it once, right after creating the server and before adding other request listeners.
 */
export function requireMasterKey(server: http.Server, key: string, now: () => Date = () => new Date()): void {
  const handlers = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (isSignedWithKey(req, key, now())) {
      for (const handle of handlers) handle.call(server, req, res);
      return;
    }
    req.resume(); // discard the body unread
    res.writeHead(401, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ code: 'Unauthorized', message: 'The request is not signed with this store’s key.' }));
  });
}

/**
 * The embedded Cosmos server, answering only requests signed with `key`; with `profile`, as Azure
 * Cosmos DB answers them (limits, charges, throttling, latency, TTL).
 */
export function createKeyedCosmosServer(key: string, profile?: { settings: AzureProfileSettings; meter?: RequestMeter }): http.Server {
  const server = createHttpServer({ keepAlive: true });
  if (profile) applyAzureProfile(server, profile.settings, profile.meter);
  // Node closes a keep-alive connection after 5 s idle; the SDK's agent may pick that socket for its
  // next request in the same instant and get ECONNRESET ("socket hang up"), which it does not retry
  // for writes. Seen after a job's seconds of work without the store: 50,000 digest writes failed.
  // The store's only clients are this app's, on loopback: let them close their idle sockets.
  server.keepAliveTimeout = 0;
  requireMasterKey(server, key);
  return server;
}
