import type { OutboundMessage } from './messages';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unreachable';

export type Recipient = { personId: string } | { conversationKey: string };

/**
 * One proactive message to one recipient. The id is derived from what the message is for
 * (e.g. `reminders-2026-11-23-<personId>`), so re-running a job cannot enqueue it twice.
 */
export type OutboxItem = {
  id: string;
  orgId: string;
  purpose: 'reminder' | 'round-request' | 'round-chaser' | 'round-summary' | 'admin-notice' | 'escalation' | 'questionnaire' | 'training' | 'impact-check';
  recipient: Recipient;
  message: OutboundMessage;
  /**
   * Set when retention removed `message` (RETAIN_MESSAGE_BODY_DAYS after sending): the item is then
   * a DeliveryRecord, only ever read for its delivery facts (sender and status code never read a
   * finished item's message).
   */
  bodyRemovedAt?: string;
  /** Azure Cosmos DB deletes the delivery record itself after this many seconds (set when the body is removed). */
  ttl?: number;
  /** Replace an earlier message in place (a summary that refreshes) instead of sending a new one. */
  replaces?: { outboxId: string };
  status: DeliveryStatus;
  attempts: number;
  /** ISO instant before which it is not (re)tried. */
  nextAttemptAt: string;
  /** While `sending`: until when this instance holds it; after a crash another takes it over. */
  leaseUntil?: string;
  conversationKey?: string;
  activityId?: string;
  /** How it went out; absent means Teams. */
  channel?: 'teams' | 'email';
  /** For someone who wants both: when the email went, so a retry of the Teams send does not email again. */
  emailedAt?: string;
  lastError?: { status: number; message: string };
  createdAt: string;
  sentAt?: string;
  /** When the recipient first acted on the card (any press of a button on it): "seen". */
  seenAt?: string;
};

export type NewOutboxItem = Pick<OutboxItem, 'id' | 'orgId' | 'purpose' | 'recipient' | 'message' | 'replaces'> & { notBefore?: string };

/** A finished item after retention removed its content: to whom, what for, when, and whether it was seen. */
export type DeliveryRecord = Omit<OutboxItem, 'message'> & { bodyRemovedAt: string };
