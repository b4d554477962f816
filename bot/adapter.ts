import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import {
  type Activity,
  CallerIdConstants,
  StatusCodes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../services/core/config';
import { correlationId } from '../services/core/correlation';
import { credentialsFactoryFor } from './bot-credentials';
import type { Logger } from '../services/core/logger';

/**
 * Setting any one endpoint makes botbuilder treat the whole set as custom and leave the rest
 * undefined (every token would then fail), so an override of where the signing keys come from, or
 * of where the bot's own tokens come from, restates the public cloud's other values with it.
 */
function publicCloudWith(overrides: {
  BotOpenIdMetadata?: string | undefined;
  ToChannelFromBotLoginUrl?: string | undefined;
}): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  if (!overrides.BotOpenIdMetadata && !overrides.ToChannelFromBotLoginUrl) return {};
  return {
    BotOpenIdMetadata: overrides.BotOpenIdMetadata ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: overrides.ToChannelFromBotLoginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/**
 * A token whose signature does not verify surfaces from the SDK as a plain JWT error, which the
 * adapter answers with 500; it is the caller's fault, so it becomes the 401 every other bad token gets.
 */
class StrictAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'TokenExpiredError') {
        throw new AuthenticationError(`Unauthorized: ${(e as Error).message}`, StatusCodes.UNAUTHORIZED);
      }
      throw e;
    }
  }
}

/**
 * With a MicrosoftAppId the adapter validates the Bot Framework JWT on every request and signs
 * what it sends; without one (local mode, loopback only) it does neither.
 */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const auth: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    ...publicCloudWith({ BotOpenIdMetadata: config.BotOpenIdMetadata, ToChannelFromBotLoginUrl: config.ToChannelFromBotLoginUrl }),
  };
  const adapter = new CloudAdapter(new StrictAuthentication(auth, credentialsFactoryFor(config)));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, activityType: context.activity.type, activityName: context.activity.name }, 'unhandled error in turn');
    // An invoke must still get an answer; anything else gets a short apology instead of silence.
    if (context.activity.type !== 'invoke') {
      await context
        .sendActivity(
          `Sorry, something went wrong on our side. Please try again in a moment. If it happens again, give your administrator this reference: ${correlationId() ?? 'none'}.`,
        )
        .catch(() => undefined);
    }
  };
  return adapter;
}
