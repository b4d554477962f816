import { noticeUnreachableChannel } from '../services/reach/unreachable-digest';
import type { Config } from '../services/core/config';
import type { Logger } from '../services/core/logger';
import { DeliverySender } from '../services/delivery/sender';
import { mailerFromConfig } from '../services/reach/setup';
import { ttlSeconds } from '../services/store/retention-schedule';
import type { Store } from '../services/store/ports';
import { TeamsMessenger } from './teams-messenger';

/** The outbox's sender to Teams (and email, when MAIL_SENDER is set), paced by the configured limits: the app's delivery loop and the command line share it. */
export function createDeliverySender(config: Config, store: Store, logger: Logger): DeliverySender {
  const mailer = mailerFromConfig(config);
  return new DeliverySender(
    {
      store,
      unreachableChannels: noticeUnreachableChannel,
      messenger: new TeamsMessenger(config),
      logger,
      recordTtlSeconds: ttlSeconds({ days: config.RETAIN_DELIVERY_RECORD_DAYS }),
      ...(mailer ? { mailer } : {}),
    },
    {
      perSecond: config.DELIVERY_MAX_PER_SECOND,
      conversationIntervalMs: config.DELIVERY_CONVERSATION_INTERVAL_MS,
      maxConcurrent: 32,
      leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
      emailsPerMinute: config.MAIL_PER_MINUTE,
    },
  );
}
