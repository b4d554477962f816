import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Config } from '../../services/core/config';
import { tenantGate } from '../../services/organisation/agencies';
import type { Store } from '../../services/store/ports';
import { AppError } from '../../services/core/errors';
import { isLocalSecret, LOCAL_SECRET_NEEDED } from '../../services/core/local-secret';

/** Entra ID's signing keys for every tenant (v1 and v2 tokens are signed with the same keys). */
const DEFAULT_JWKS_URL = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

/** The scope the tab's app registration exposes for Teams SSO. */
const REQUIRED_SCOPE = 'access_as_user';

export type TabIdentity = { kind: 'sso'; aadObjectId: string; tenantId: string } | { kind: 'local'; personId: string };

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The local sign-in is for someone at this computer only, whatever address the server listens on. */
export const isLoopback = (remoteAddress: string | undefined) => LOOPBACK.has(remoteAddress ?? '');

/**
 * Who is calling the tab API. In Teams: the SSO token, checked for signature (Entra ID's published
 * keys), audience (this app's registration), issuer and tenant (one in ALLOWED_TENANT_IDS or an agency's), the delegated
 * `access_as_user` scope and the client it was issued to (Teams). In local mode on
 * this computer only, with this run's secret: "Local <person id>", the clearly labelled development sign-in.
 */
/** What the tab API reads of a request to tell who is calling. */
export type TabCredentials = { authorization: string | undefined; localSecret: string | undefined; remoteAddress: string | undefined };

/**
 * The local sign-in's gate: local mode, this computer, and this run's secret (which another account
 * on the same computer cannot read). Without the secret: 401.
 */
export function requireLocalSignIn(
  config: Pick<Config, 'localMode'>,
  secret: string | undefined,
  credentials: Pick<TabCredentials, 'localSecret' | 'remoteAddress'>,
): void {
  if (!config.localMode || secret === undefined || !isLoopback(credentials.remoteAddress))
    throw new AppError('UNAUTHENTICATED', 'Local sign-in is only available in local mode, on this computer.');
  if (!isLocalSecret(credentials.localSecret, secret)) throw new AppError('UNAUTHENTICATED', LOCAL_SECRET_NEEDED);
}

export function createTabAuthenticator(config: Config, store: Store, localSecret?: string): (credentials: TabCredentials) => Promise<TabIdentity> {
  const jwks = createRemoteJWKSet(new URL(config.TAB_SSO_JWKS_URL ?? DEFAULT_JWKS_URL), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  const clientId = config.TAB_SSO_CLIENT_ID;
  const audiences = clientId ? [clientId, ...(config.PUBLIC_HOSTNAME ? [`api://${config.PUBLIC_HOSTNAME}/${clientId}`] : [])] : [];
  const clientIds = new Set(config.TAB_SSO_CLIENT_APP_IDS.map((id) => id.toLowerCase()));
  const tenantAllowed = tenantGate(store, config.DEFAULT_ORG_ID, config.ALLOWED_TENANT_IDS);

  return async (credentials) => {
    const [given = '', value = ''] = (credentials.authorization ?? '').trim().split(/\s+/, 2);
    // Schemes are case-insensitive (RFC 9110); some clients send "bearer".
    const scheme = given.toLowerCase();
    if (scheme === 'local') {
      requireLocalSignIn(config, localSecret, credentials);
      if (!/^[A-Za-z0-9_-]{1,100}$/.test(value)) throw new AppError('UNAUTHENTICATED', 'Choose a person to sign in as.');
      return { kind: 'local', personId: value };
    }
    if (scheme !== 'bearer' || !value) throw new AppError('UNAUTHENTICATED', 'Sign-in is required: open the dashboard in Microsoft Teams.');
    if (audiences.length === 0) throw new AppError('UNAUTHENTICATED', 'Single sign-on is not set up on this server (TAB_SSO_CLIENT_ID).');
    let payload;
    try {
      ({ payload } = await jwtVerify(value, jwks, { audience: audiences, algorithms: ['RS256'], clockTolerance: 60 }));
    } catch (e) {
      if (e instanceof joseErrors.JOSEError) throw new AppError('UNAUTHENTICATED', `The sign-in token is not valid (${e.code}).`);
      throw e;
    }
    const tenantId = typeof payload.tid === 'string' ? payload.tid : '';
    if (payload.iss !== `https://login.microsoftonline.com/${tenantId}/v2.0` && payload.iss !== `https://sts.windows.net/${tenantId}/`) {
      throw new AppError('UNAUTHENTICATED', 'The sign-in token was not issued by Entra ID for its tenant.');
    }
    if (!(await tenantAllowed(tenantId))) throw new AppError('TENANT_NOT_ALLOWED');
    if (typeof payload.oid !== 'string' || !payload.oid) throw new AppError('UNAUTHENTICATED', 'The sign-in token does not name a user.');
    // An ID token has the same audience but no delegated scope: it proves a sign-in somewhere, not
    // that Teams asked for access to this API on the user's behalf.
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes(REQUIRED_SCOPE))
      throw new AppError('UNAUTHENTICATED', `The sign-in token does not grant the ${REQUIRED_SCOPE} scope (an ID token, or a token for another purpose).`);
    // v2 tokens name the client app in azp, v1 tokens in appid: only Teams' own clients may ask.
    const client = typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : '';
    if (!clientIds.has(client.toLowerCase())) throw new AppError('UNAUTHENTICATED', 'The sign-in token was issued to an app other than Microsoft Teams.');
    return { kind: 'sso', aadObjectId: payload.oid, tenantId };
  };
}
