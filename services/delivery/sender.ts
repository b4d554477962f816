import Bottleneck from 'bottleneck';
import { systemClock, type Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { personalConversationKey, type ConversationRecord } from '../conversations/model';
import { Directory } from '../people/repository';
import { isToldOfUnreachableRecipients } from '../access/policy';
import type { Store } from '../store/ports';
import type { OutboxItem } from './model';
import { OutboxRepository } from './repository';
import { enqueue } from './outbox';
import { DeliveryFailure, type Mailer, type Messenger } from './ports';
import { classifyFailure, retryDelayMs, RETRY_POLICY } from './retry';

export type DeliveryLimits = {
  /** Requests per second per tenant; Teams allows 50 per app per tenant. */
  perSecond: number;
  /** Shortest gap between two messages to one conversation, from Teams' per-conversation windows. */
  conversationIntervalMs: number;
  maxConcurrent: number;
  /** How long a claimed message is this sender's; after a crash another sender takes it over then. */
  leaseMs?: number;
  /** Emails per minute from the shared mailbox (Exchange Online allows 30). */
  emailsPerMinute?: number;
};

/** 48/s keeps a margin under Teams' 50/s; 2 s per conversation satisfies 7/1s, 8/2s, 60/30s and 1800/h at once. */
export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = { perSecond: 48, conversationIntervalMs: 2_000, maxConcurrent: 32 };

/** `emailed`: of `sent`, how many went by email because Teams could not reach the person. */
export type DrainReport = { sent: number; emailed: number; updated: number; retried: number; failed: number; unreachable: number };

const LEASE_MS = 60_000;
const PAGE = 500;

class BecameUnreachable extends Error {}

const unreachableReason = (status: number) => (status === 403 ? 'the bot is blocked or not installed (403)' : 'the conversation no longer exists (404)');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends what the outbox holds, within Teams' limits. Every state change is written to the item
 * with its etag, so several instances can drain the same outbox: each item is claimed by one of
 * them, and an item whose claimant died is taken over when its lease runs out.
 *
 * Retry timing is wall-clock time (Retry-After is Teams' clock), so this uses the system clock
 * even where the business rules run on an injected one.
 */
export class DeliverySender {
  private readonly tenants = new Map<string, Bottleneck>();
  private readonly conversations: Bottleneck.Group;
  private readonly wall: Clock;
  private readonly emails: Bottleneck;

  constructor(
    private readonly deps: { store: Store; messenger: Messenger; logger: Logger; wallClock?: Clock; mailer?: Mailer },
    private readonly limits: DeliveryLimits = DEFAULT_DELIVERY_LIMITS,
  ) {
    this.wall = deps.wallClock ?? systemClock;
    this.conversations = new Bottleneck.Group({ minTime: limits.conversationIntervalMs, maxConcurrent: 1 });
    this.emails = new Bottleneck({ minTime: Math.ceil(60_000 / (limits.emailsPerMinute ?? 30)), maxConcurrent: 1 });
  }

  private get outbox() {
    return this.deps.store.collection<OutboxItem>('outbox');
  }

  private tenantLimiter(tenantId: string): Bottleneck {
    let limiter = this.tenants.get(tenantId);
    if (!limiter) {
      limiter = new Bottleneck({ minTime: Math.ceil(1000 / this.limits.perSecond), maxConcurrent: this.limits.maxConcurrent });
      this.tenants.set(tenantId, limiter);
    }
    return limiter;
  }

  /**
   * Waits its turn for the conversation, then for the tenant, then calls Teams, unless the
   * conversation became unreachable while this message waited (an earlier one got a 403).
   */
  private throttled<T>(conversation: ConversationRecord, call: () => Promise<T>): Promise<T> {
    const tenant = this.tenantLimiter(conversation.tenantId);
    return this.conversations.key(conversation.id).schedule(async () => {
      const current = await this.deps.store.collection<ConversationRecord>('conversations').read(conversation.orgId, conversation.id);
      if (!current?.reachable) throw new BecameUnreachable(current?.unreachableReason ?? 'not reachable');
      try {
        return await tenant.schedule(call);
      } catch (e) {
        // Record it before the next message to this conversation gets its turn.
        if (e instanceof DeliveryFailure && classifyFailure(e.status) === 'unreachable') await this.closeConversation(conversation, unreachableReason(e.status));
        throw e;
      }
    });
  }

  private async dueItems(orgId: string): Promise<OutboxItem[]> {
    const now = this.wall.now().toISOString();
    return new OutboxRepository(this.deps.store).due(orgId, now, PAGE);
  }

  private async nextRetryAt(orgId: string): Promise<number | undefined> {
    const times = await new OutboxRepository(this.deps.store).unfinished(orgId);
    const next = times.map((i) => Date.parse((i.status === 'sending' ? i.leaseUntil : i.nextAttemptAt) || '1970-01-01T00:00:00Z'));
    return next.length ? Math.min(...next) : undefined;
  }

  /**
   * Sends everything due. Retries that fall due within `waitMs` (a 429's Retry-After, a short
   * backoff) are waited for, so one call rides out a throttling storm; later ones stay queued.
   */
  async drain(orgId: string, options: { waitMs?: number } = {}): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, emailed: 0, updated: 0, retried: 0, failed: 0, unreachable: 0 };
    const deadline = this.wall.now().getTime() + (options.waitMs ?? 0);
    for (;;) {
      const due = await this.dueItems(orgId);
      if (due.length === 0) {
        const next = await this.nextRetryAt(orgId);
        if (next === undefined || next > deadline) return report;
        await sleep(Math.max(25, next - this.wall.now().getTime()));
        continue;
      }
      await Promise.all(due.map((item) => this.deliver(item, report)));
    }
  }

  /** Takes the item for this instance; undefined if another instance got it first. */
  private async claim(item: OutboxItem): Promise<OutboxItem | undefined> {
    const now = this.wall.now();
    try {
      return await this.outbox.replace({
        ...(item as OutboxItem & { _etag: string }),
        status: 'sending',
        attempts: item.attempts + 1,
        leaseUntil: new Date(now.getTime() + (this.limits.leaseMs ?? LEASE_MS)).toISOString(),
      });
    } catch (e) {
      if (isAppError(e, 'CONFLICT')) return undefined;
      throw e;
    }
  }

  private async finish(item: OutboxItem, change: Partial<OutboxItem>): Promise<void> {
    await this.outbox.update(item.orgId, item.id, (current) => {
      const next: OutboxItem = { ...current, ...change };
      delete next.leaseUntil;
      return next;
    });
  }

  private async conversationFor(item: OutboxItem): Promise<ConversationRecord | undefined> {
    const conversations = this.deps.store.collection<ConversationRecord>('conversations');
    if ('conversationKey' in item.recipient) return conversations.read(item.orgId, item.recipient.conversationKey);
    const person = await new Directory(this.deps.store).get(item.orgId, item.recipient.personId);
    if (!person?.aadObjectId) return undefined;
    return conversations.read(item.orgId, personalConversationKey(person.aadObjectId));
  }

  private async deliver(candidate: OutboxItem, report: DrainReport): Promise<void> {
    const item = await this.claim(candidate);
    if (!item) return;
    let conversation: ConversationRecord | undefined;
    try {
      conversation = await this.conversationFor(item);
      const emailed = await this.emailByChoice(item, report);
      if (emailed === 'done') return;
      if (!conversation || !conversation.reachable) {
        if (emailed === 'also') {
          // They wanted both and the email went: that is delivered.
          report.sent++;
          await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), channel: 'email' });
          return;
        }
        if (await this.email(item, report)) return;
        report.unreachable++;
        await this.markUnreachable(item, conversation, conversation ? conversation.unreachableReason ?? 'not reachable' : 'has not installed the app');
        return;
      }
      const target = conversation;
      if (item.replaces) {
        const original = await this.outbox.read(item.orgId, item.replaces.outboxId);
        if (original?.status === 'sent' && original.activityId) {
          await this.throttled(target, () => this.deps.messenger.update(target, original.activityId!, item.message));
          report.updated++;
          await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), conversationKey: target.id, activityId: original.activityId });
          return;
        }
        if (original && (original.status === 'pending' || original.status === 'sending')) {
          // The message it refreshes has not gone yet: try again shortly rather than send two.
          await this.finish(item, { status: 'pending', attempts: item.attempts - 1, nextAttemptAt: new Date(this.wall.now().getTime() + 2_000).toISOString() });
          return;
        }
      }
      const { activityId } = await this.throttled(target, () => this.deps.messenger.send(target, item.message));
      report.sent++;
      await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), conversationKey: target.id, activityId });
    } catch (e) {
      if (e instanceof BecameUnreachable) {
        report.unreachable++;
        await this.markUnreachable(item, undefined, e.message);
        return;
      }
      const status = e instanceof DeliveryFailure ? e.status : 0;
      const message = (e as Error).message.slice(0, 300);
      if (!(e instanceof DeliveryFailure)) this.deps.logger.error({ err: e, outboxId: item.id }, 'delivery failed unexpectedly');
      const kind = classifyFailure(status);
      if (kind === 'unreachable') {
        report.unreachable++;
        await this.markUnreachable(item, conversation, unreachableReason(status), { status, message });
      } else if (kind === 'retry' && item.attempts < RETRY_POLICY.maxAttempts) {
        report.retried++;
        const delay = retryDelayMs(item.attempts, e instanceof DeliveryFailure ? e.retryAfterMs : undefined);
        await this.finish(item, { status: 'pending', nextAttemptAt: new Date(this.wall.now().getTime() + delay).toISOString(), lastError: { status, message } });
      } else {
        report.failed++;
        this.deps.logger.warn({ outboxId: item.id, status }, 'message not delivered');
        await this.finish(item, { status: 'failed', lastError: { status, message } });
      }
    }
  }

  /**
   * For someone who chose email ('done': sent by email only) or both ('also': emailed, once, and
   * Teams still to send); undefined when Teams alone applies or email is not set up.
   */
  private async emailByChoice(item: OutboxItem, report: DrainReport): Promise<'done' | 'also' | undefined> {
    const mailer = this.deps.mailer;
    if (!mailer || !('personId' in item.recipient) || item.replaces) return undefined;
    const person = await new Directory(this.deps.store).get(item.orgId, item.recipient.personId);
    if (!person?.active || !person.email || !person.notifyBy || person.notifyBy === 'teams') return undefined;
    if (person.notifyBy === 'both' && item.emailedAt) return 'also';
    const to = { address: person.email, name: person.name };
    await this.emails.schedule(() => mailer.send(to, item.message));
    report.emailed++;
    if (person.notifyBy === 'email') {
      report.sent++;
      await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), channel: 'email' });
      return 'done';
    }
    const emailedAt = this.wall.now().toISOString();
    await this.outbox.update(item.orgId, item.id, (current) => ({ ...current, emailedAt }));
    item.emailedAt = emailedAt;
    return 'also';
  }

  /**
   * Emails a person Teams cannot reach, when email is set up and they have an address; false when
   * it cannot. A refresh of an earlier message is not emailed again. Failures throw, and are
   * retried or recorded like Teams' own.
   */
  private async email(item: OutboxItem, report: DrainReport): Promise<boolean> {
    const mailer = this.deps.mailer;
    if (!mailer || !('personId' in item.recipient) || item.replaces) return false;
    const person = await new Directory(this.deps.store).get(item.orgId, item.recipient.personId);
    if (!person?.active || !person.email) return false;
    const to = { address: person.email, name: person.name };
    await this.emails.schedule(() => mailer.send(to, item.message));
    report.sent++;
    report.emailed++;
    await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), channel: 'email' });
    return true;
  }

  private async closeConversation(conversation: ConversationRecord, reason: string): Promise<void> {
    const now = this.wall.now().toISOString();
    await this.deps.store
      .collection<ConversationRecord>('conversations')
      .update(conversation.orgId, conversation.id, (c) => (c.reachable ? { ...c, reachable: false, unreachableReason: reason, updatedAt: now } : undefined));
  }

  /**
   * Stops sending to a conversation Teams will not deliver to. Administrators hear of people in
   * the daily reach digest, not a card per person; a team channel they are told of once, here.
   */
  private async markUnreachable(item: OutboxItem, conversation: ConversationRecord | undefined, reason: string, error?: { status: number; message: string }): Promise<void> {
    await this.finish(item, { status: 'unreachable', lastError: error ?? { status: 0, message: reason } });
    if (conversation) await this.closeConversation(conversation, reason);
    if (item.purpose === 'admin-notice' || !('conversationKey' in item.recipient)) return; // never notify about a notification
    const who = item.recipient.conversationKey;
    const name = conversation?.team?.name ?? who;
    const admins = (await new Directory(this.deps.store).all({ orgId: item.orgId })).filter((p) => p.active && isToldOfUnreachableRecipients(p));
    for (const admin of admins) {
      await enqueue(this.deps.store, this.wall, {
        id: `unreachable-${who}-to-${admin.id}`,
        orgId: item.orgId,
        purpose: 'admin-notice',
        recipient: { personId: admin.id },
        message: {
          kind: 'notice',
          title: `${name} cannot be reached in Teams`,
          text: `Messages to ${name} are not being delivered: ${reason}. Add the Safeguarding Action Tracker app to the team again, or choose another channel.`,
        },
      });
    }
  }
}
