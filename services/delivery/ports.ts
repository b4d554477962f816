import type { OutboundMessage } from './messages';
import type { ConversationRecord } from '../conversations/model';
import type { Clock } from '../core/clock';
import type { Store } from '../store/ports';

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

/** A team channel Teams will no longer deliver to: which one, its tenant, and why. */
export type ChannelUnreachable = { orgId: string; conversationKey: string; name: string; tenantId?: string; reason: string };

/**
 * Who is told of a channel lost: the app wires reach's notice to administrators, so delivery
 * decides nothing about administrators or agencies. `clock` is the sender's, for what it enqueues.
 */
export type UnreachableChannels = (channel: ChannelUnreachable, ctx: { store: Store; clock: Clock }) => Promise<void>;
