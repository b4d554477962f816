import type { OutboundMessage } from './messages';
import type { ConversationRecord } from '../conversations/model';

/** What the Bot Connector answered when it did not accept a message. */
export class DeliveryFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** From a 429's Retry-After header. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

/** Sends messages to Teams conversations (rendered as cards there). The Teams adapter lives in bot/; tests use the real one against a fake connector. */
export interface Messenger {
  send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }>;
  update(conversation: ConversationRecord, activityId: string, message: OutboundMessage): Promise<void>;
}

/** Sends a message by email to someone Teams cannot reach. Failures are DeliveryFailures, so the outbox retries them as it does Teams'. */
export interface Mailer {
  send(to: { address: string; name: string }, message: OutboundMessage): Promise<void>;
}
