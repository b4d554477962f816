import type { Config } from '../services/core/config';
import type { Logger } from '../services/core/logger';
import { DeliverySender } from '../services/delivery/sender';
import type { Store } from '../services/store/ports';
import { TeamsMessenger } from './teams-messenger';

/** The outbox's sender to Teams, paced by the configured limits: the app's delivery loop and the command line share it. */
export function createDeliverySender(config: Config, store: Store, logger: Logger): DeliverySender {
  return new DeliverySender(
    { store, messenger: new TeamsMessenger(config), logger },
    { perSecond: config.DELIVERY_MAX_PER_SECOND, conversationIntervalMs: config.DELIVERY_CONVERSATION_INTERVAL_MS, maxConcurrent: 32, leaseMs: config.DELIVERY_LEASE_SECONDS * 1000 },
  );
}
