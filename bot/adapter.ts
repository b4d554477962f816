import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../services/core/config';
import type { Logger } from '../services/core/logger';

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
    ...(config.BotOpenIdMetadata ? { BotOpenIdMetadata: config.BotOpenIdMetadata } : {}),
  };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(auth));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, activityType: context.activity.type, activityName: context.activity.name }, 'unhandled error in turn');
    // An invoke must still get an answer; anything else gets a short apology instead of silence.
    if (context.activity.type !== 'invoke') {
      await context.sendActivity('Sorry, something went wrong on our side. Please try again in a moment.').catch(() => undefined);
    }
  };
  return adapter;
}
