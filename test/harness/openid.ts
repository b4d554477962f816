import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signs a JWT (RS256) the way the Bot Framework does, with whatever key and claims a test wants. */
export function signJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const head = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKey).toString('base64url')}`;
}

/**
 * A local stand-in for the Bot Framework's OpenID metadata and signing keys, so token validation
 * runs for real without the internet: tokens signed with `trustedKey` verify, others do not.
 */
export async function startOpenIdServer(): Promise<{ metadataUrl: string; trustedKey: KeyObject; close(): Promise<void> }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'trusted', use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
  let base = '';
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/keys')) res.end(JSON.stringify({ keys: [jwk] }));
    else res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    trustedKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
