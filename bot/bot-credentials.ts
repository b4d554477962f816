import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import {
  AppCredentials,
  AuthenticationConstants,
  GovernmentConstants,
  JwtTokenProviderFactory,
  ManagedIdentityAppCredentials,
  MicrosoftAppCredentials,
  PasswordServiceClientCredentialFactory,
  type AuthenticatorResult,
  type ServiceClientCredentials,
} from 'botframework-connector';
import type { Config } from '../services/core/config';

/** The Bot Connector's audience: what the bot's tokens for it are for. */
const BOT_FRAMEWORK_SCOPE = AuthenticationConstants.ToChannelFromBotOAuthScope;

/** The URL names the tenant as its first path segment, as https://login.microsoftonline.us/<tenant> does. */
function tenantOf(loginUrl: URL, homeTenantId: string): string {
  return loginUrl.pathname.split('/').filter(Boolean)[0] ?? homeTenantId;
}

/** The bot's app registration signing in at that authority; instance discovery off, as the Graph client does for GRAPH_AUTHORITY_HOST. */
function signInAt(loginUrl: URL, tenantId: string, appId: string, secret: string): TokenCredential {
  return new ClientSecretCredential(tenantId, appId, secret, { authorityHost: loginUrl.origin, disableInstanceDiscovery: true });
}

/** Login URLs botbuilder's own MSAL set-up knows: MSAL vouches for their hosts itself. */
const MSAL_KNOWN_LOGIN_PREFIXES = [AuthenticationConstants.ToChannelFromBotLoginUrlPrefix, GovernmentConstants.ToChannelFromBotLoginUrlPrefix];

/** The bot's token for the Bot Connector from @azure/identity, as Graph's come (services/reach/graph.ts). */
class EntraAppCredentials extends AppCredentials {
  constructor(
    appId: string,
    tenantId: string,
    scope: string,
    private readonly credential: TokenCredential,
  ) {
    super(appId, tenantId, scope);
  }

  protected override async refreshToken(): Promise<AuthenticatorResult> {
    const scope = this.oAuthScope.endsWith('/.default') ? this.oAuthScope : `${this.oAuthScope}/.default`;
    const token = await this.credential.getToken(scope);
    if (!token) throw new Error(`No token for ${scope} from the bot's login URL.`);
    return { accessToken: token.token, expiresOn: new Date(token.expiresOnTimestamp) };
  }
}

/**
 * botbuilder hands any other login URL (ToChannelFromBotLoginUrl) to MSAL without saying the
 * authority is known, so MSAL asks login.microsoftonline.com to vouch for it (instance discovery)
 * and refuses it when it cannot. For such a URL the bot signs in with @azure/identity against that
 * authority itself, instance discovery off, as the Graph client does for GRAPH_AUTHORITY_HOST.
 */
class LoginUrlCredentialFactory extends PasswordServiceClientCredentialFactory {
  constructor(
    appId: string,
    private readonly secret: string,
    private readonly homeTenantId: string,
    private readonly loginUrl: URL,
  ) {
    super(appId, secret, homeTenantId);
  }

  override async createCredentials(appId: string, audience: string, loginEndpoint: string, validateAuthority: boolean): Promise<ServiceClientCredentials> {
    if (MSAL_KNOWN_LOGIN_PREFIXES.some((prefix) => loginEndpoint.toLowerCase().startsWith(prefix)))
      return super.createCredentials(appId, audience, loginEndpoint, validateAuthority);
    if (appId !== this.appId) throw new Error('Invalid appId.');
    const tenantId = tenantOf(this.loginUrl, this.homeTenantId);
    return new EntraAppCredentials(appId, tenantId, audience, signInAt(this.loginUrl, tenantId, appId, this.secret));
  }
}

/** The credentials factory for a login URL MSAL does not know, or undefined for botbuilder's own. */
export function credentialsFactoryFor(config: Config): LoginUrlCredentialFactory | undefined {
  const loginUrl = customLoginUrl(config);
  if (!loginUrl || !config.MicrosoftAppId || !config.MicrosoftAppPassword) return undefined;
  return new LoginUrlCredentialFactory(config.MicrosoftAppId, config.MicrosoftAppPassword, config.MicrosoftAppTenantId ?? '', loginUrl);
}

/** A ToChannelFromBotLoginUrl MSAL does not know: the bot's tokens come from there through @azure/identity. */
function customLoginUrl(config: Config): URL | undefined {
  const loginUrl = config.ToChannelFromBotLoginUrl;
  if (!loginUrl || MSAL_KNOWN_LOGIN_PREFIXES.some((prefix) => loginUrl.toLowerCase().startsWith(prefix))) return undefined;
  return new URL(loginUrl);
}

/**
 * The bot's credentials for calls it makes to the Bot Connector itself (proactive messages from the
 * outbox): its managed identity, a login URL a deployment set, or its secret with Microsoft's public
 * cloud — the same sources the adapter's replies use.
 */
export function connectorCredentials(config: Config): AppCredentials | undefined {
  const appId = config.MicrosoftAppId;
  if (!appId) return undefined;
  if (config.MicrosoftAppType === 'UserAssignedMSI') return new ManagedIdentityAppCredentials(appId, BOT_FRAMEWORK_SCOPE, new JwtTokenProviderFactory());
  const loginUrl = customLoginUrl(config);
  if (loginUrl) {
    const tenantId = tenantOf(loginUrl, config.MicrosoftAppTenantId ?? '');
    return new EntraAppCredentials(appId, tenantId, BOT_FRAMEWORK_SCOPE, signInAt(loginUrl, tenantId, appId, config.MicrosoftAppPassword!));
  }
  return new MicrosoftAppCredentials(appId, config.MicrosoftAppPassword!, config.MicrosoftAppType === 'SingleTenant' ? config.MicrosoftAppTenantId : undefined);
}
