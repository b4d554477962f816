import Bottleneck from 'bottleneck';
import { systemClock, type Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { personalConversationKey, whyNotInTeams, type ConversationRecord } from '../conversations/model';
import { Directory } from '../people/repository';
import { Conversations } from '../conversations/repository';
import type { Store, Stored } from '../store/ports';
import type { OutboxItem } from './model';
import { OutboxRepository } from './repository';
import { DeliveryFailure, type Mailer, type Messenger, type UnreachableChannels } from './ports';
import { isItemProblem, unstorableMessage } from './outbox';
import type { AppError } from '../core/errors';
import { classifyFailure, retryDelayMs, RETRY_POLICY } from './retry';
import { pacingFor, TenantPacer, type PacingSettings } from './pacer';

export type DeliveryLimits = {
  /** The most requests per second per tenant; Teams allows 50 per app per tenant. Each tenant's pace adapts below it. */
  perSecond: number;
  /** How each tenant's pace adapts to 429s (defaults from `pacingFor`). */
  pacing?: Partial<PacingSettings>;
  /** Shortest gap between two messages to one conversation, from Teams' per-conversation windows. */
  conversationIntervalMs: number;
  /** Messages of one tenant in progress at once (claimed, waiting for their conversation's or tenant's turn, or sending). */
  maxConcurrent: number;
  /** How long a claimed message is this sender's; after a crash another sender takes it over then. */
  leaseMs?: number;
  /** Emails per minute from the shared mailbox (Exchange Online allows 30). */
  emailsPerMinute?: number;
};

/** Teams' 50/s per tenant is the ceiling the pace adapts under; 2 s per conversation satisfies 7/1s, 8/2s, 60/30s and 1800/h at once. */
export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = { perSecond: 50, conversationIntervalMs: 2_000, maxConcurrent: 32 };

/** `emailed`: of `sent`, how many went by email because Teams could not reach the person. */
export type DrainReport = { sent: number; emailed: number; updated: number; retried: number; failed: number; unreachable: number };

const LEASE_MS = 60_000;
const PAGE = 500;
/** Items one tenant may have waiting in memory; the rest stay in the outbox for a later scan. */
const LANE_BUFFER = 1_000;
/** Recipients whose conversations a scan looks up at once. */
const LOOKUPS_AT_ONCE = 50;

class BecameUnreachable extends Error {}
/** The sender stopped while this claimed message waited its turn: it goes back to the outbox untouched. */
class Released extends Error {}

const unreachableReason = (status: number) => (status === 403 ? 'the bot is blocked or not installed (403)' : 'the conversation no longer exists (404)');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where an item goes: its Teams conversation, or none (never installed, or not reachable). */
type Target = ConversationRecord | undefined;

/** Tenant key of the lane for items that do not go to Teams (email, or marked unreachable): not paced by a tenant. */
const NO_TEAMS = '';

/**
 * One drain's work: a lane per tenant, each with its queue and its own workers, so tenants send
 * in parallel and one throttled tenant holds back only itself.
 */
class DrainRun {
  readonly taken = new Set<string>();
  /** Each recipient's conversation, looked up once per drain to choose the lane. */
  readonly targets = new Map<string, Target>();
  private readonly lanes = new Map<string, { queue: { item: OutboxItem; target: Target }[]; workers: number }>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly workersPerLane: number,
    private readonly work: (item: OutboxItem, target: Target) => Promise<void>,
  ) {}

  /** Queues the item in its tenant's lane; false when that lane is full (the item stays in the outbox). */
  offer(tenant: string, item: OutboxItem, target: Target): boolean {
    let lane = this.lanes.get(tenant);
    if (!lane) {
      lane = { queue: [], workers: 0 };
      this.lanes.set(tenant, lane);
    }
    if (lane.queue.length >= LANE_BUFFER) return false;
    this.taken.add(item.id);
    lane.queue.push({ item, target });
    while (lane.workers < this.workersPerLane && lane.workers < lane.queue.length) {
      lane.workers++;
      void this.runWorker(lane);
    }
    return true;
  }

  get busy(): boolean {
    return [...this.lanes.values()].some((l) => l.workers > 0);
  }

  /** True when one of `tenants` (lanes that were full) has room for more than half its buffer again. */
  hasRoom(tenants: Set<string>): boolean {
    return [...tenants].some((t) => (this.lanes.get(t)?.queue.length ?? 0) < LANE_BUFFER / 2);
  }

  /** Resolves once `ready()` holds, checked each time an item finishes. */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  /** The first error a worker met (the store failing, say): the drain stops and reports it; the outbox keeps the items. */
  failed: unknown;

  private async runWorker(lane: { queue: { item: OutboxItem; target: Target }[]; workers: number }): Promise<void> {
    try {
      for (let next = lane.queue.shift(); next && this.failed === undefined; next = lane.queue.shift()) {
        await this.work(next.item, next.target);
        this.taken.delete(next.item.id);
        for (const check of [...this.listeners]) check();
      }
    } catch (e) {
      this.failed ??= e;
      for (const l of this.lanes.values()) l.queue.length = 0;
    } finally {
      lane.workers--;
      for (const check of [...this.listeners]) check();
    }
  }
}

/**
 * Sends what the outbox holds, within Teams' limits. Every state change is written to the item
 * with its etag, so several instances can drain the same outbox: each item is claimed by one of
 * them, and an item whose claimant died is taken over when its lease runs out.
 *
 * Teams limits each app per tenant, so each tenant has its own pace (adapting to 429s) and its
 * own lane of work; tenants send in parallel.
 *
 * Retry timing is wall-clock time (Retry-After is Teams' clock), so this uses the system clock
 * even where the business rules run on an injected one.
 */
export class DeliverySender {
  private readonly tenants = new Map<string, TenantPacer>();
  private readonly conversations: Bottleneck.Group;
  private readonly wall: Clock;
  private readonly emails: Bottleneck;
  /** Conversations this sender found unreachable (a 403 or 404), so messages already waiting for them stop without a store read each. */
  private readonly closedHere = new Map<string, string>();
  /** Items that could not even be recorded as failed (their own id is refused): skipped by this sender's later scans. */
  private readonly poisoned = new Set<string>();
  private stopping = false;
  /**
   * When this sender last looked for items another sender left with a lapsed lease (it died). A
   * lease lasts a minute, so looking once a lease period is enough, and the delivery loop's idle
   * poll is then one query rather than two.
   */
  private leasesCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    /**
     * `recordTtlSeconds`: the delivery record's retention (RETAIN_DELIVERY_RECORD_DAYS), set as the
     * item's ttl when it is sent, failed or unreachable, so Azure Cosmos DB removes it then itself.
     */
    private readonly deps: {
      store: Store;
      messenger: Messenger;
      logger: Logger;
      unreachableChannels: UnreachableChannels;
      wallClock?: Clock;
      mailer?: Mailer;
      recordTtlSeconds?: number;
    },
    private readonly limits: DeliveryLimits = DEFAULT_DELIVERY_LIMITS,
  ) {
    this.wall = deps.wallClock ?? systemClock;
    this.conversations = new Bottleneck.Group({ minTime: limits.conversationIntervalMs, maxConcurrent: 1 });
    this.emails = new Bottleneck({ minTime: Math.ceil(60_000 / (limits.emailsPerMinute ?? 30)), maxConcurrent: 1 });
  }

  private get outbox() {
    return new OutboxRepository(this.deps.store);
  }

  private get conversationRecords() {
    return new Conversations(this.deps.store);
  }

  /**
   * Stops for good (the instance is shutting down): no new message is claimed, and every claimed
   * message still waiting for its conversation's, tenant's or mailbox's turn goes back to the outbox
   * as it was (same attempts, no lease), so another instance sends it at once rather than after the
   * lease runs out. A message already in Teams' hands finishes and is recorded.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    // Bottleneck answers a second stop with a rejection; there is none to make here, but never leave one unhandled.
    for (const { limiter } of this.conversations.limiters()) limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    this.emails.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  /** A call that waits in a queue, unless the sender stops meanwhile (see stop). */
  private async unlessStopped<T>(queued: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new Released();
    try {
      return await queued();
    } catch (e) {
      if (this.stopping && e instanceof Bottleneck.BottleneckError) throw new Released();
      throw e;
    }
  }

  /** Checked when a queue gives the call its turn. */
  private ifRunning<T>(call: () => Promise<T>): () => Promise<T> {
    return () => (this.stopping ? Promise.reject(new Released()) : call());
  }

  /** The pace of one tenant, kept across drains so what it learnt of the connector carries over. */
  tenantPacer(tenantId: string): TenantPacer {
    let pacer = this.tenants.get(tenantId);
    if (!pacer) {
      pacer = new TenantPacer(pacingFor(this.limits.perSecond, this.limits.pacing), () => this.wall.now().getTime());
      this.tenants.set(tenantId, pacer);
    }
    return pacer;
  }

  /**
   * Waits its turn for the conversation, then for the tenant, then calls Teams, unless the
   * conversation became unreachable while this message waited (an earlier one got a 403).
   */
  private throttled<T>(conversation: ConversationRecord, call: () => Promise<T>): Promise<T> {
    const tenant = this.tenantPacer(conversation.tenantId);
    return this.unlessStopped(() =>
      this.conversations.key(conversation.id).schedule(async () => {
        // The caller read the conversation just before; another instance closing it meanwhile gets a 403 here too.
        const closed = this.closedHere.get(conversation.id);
        if (closed !== undefined) throw new BecameUnreachable(closed);
        try {
          return await tenant.send(this.ifRunning(call));
        } catch (e) {
          // Record it before the next message to this conversation gets its turn.
          if (e instanceof DeliveryFailure && classifyFailure(e.status) === 'unreachable')
            await this.closeConversation(conversation, unreachableReason(e.status));
          throw e;
        }
      }),
    );
  }

  private dueItems(orgId: string, leaseExpired: boolean, continuation: string | undefined) {
    const now = this.wall.now().toISOString();
    return new OutboxRepository(this.deps.store).due(orgId, now, leaseExpired, { pageSize: PAGE, ...(continuation ? { continuation } : {}) });
  }

  private async nextRetryAt(orgId: string): Promise<number | undefined> {
    const next = await new OutboxRepository(this.deps.store).nextDueAt(orgId);
    return next === undefined ? undefined : Date.parse(next);
  }

  /**
   * Sends everything due, each tenant in its own lane at its own pace. Retries that fall due
   * within `waitMs` (a 429's Retry-After, a short backoff) are waited for, so one call rides out a
   * throttling storm; later ones stay queued.
   */
  async drain(orgId: string, options: { waitMs?: number } = {}): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, emailed: 0, updated: 0, retried: 0, failed: 0, unreachable: 0 };
    const deadline = this.wall.now().getTime() + (options.waitMs ?? 0);
    const run = new DrainRun(this.limits.maxConcurrent, (item, target) => this.deliverOne(item, target, report));
    for (;;) {
      if (this.stopping) return report;
      const { queued, full } = await this.scan(orgId, run);
      if (run.busy) {
        // Scan again when a lane that was full has room (more of its items wait in the outbox), or when all is done.
        await run.until(() => !run.busy || run.failed !== undefined || run.hasRoom(full));
        if (run.failed !== undefined) throw run.failed;
        continue;
      }
      if (run.failed !== undefined) throw run.failed;
      if (queued > 0) continue;
      // Nothing waits within the deadline unless the caller waits: the delivery loop's idle poll stops here.
      if (deadline <= this.wall.now().getTime()) return report;
      const next = await this.nextRetryAt(orgId);
      if (next === undefined || next > deadline) return report;
      await sleep(Math.max(25, next - this.wall.now().getTime()));
    }
  }

  /**
   * Reads every due item page by page (pending ones, then those whose sender's lease ran out) and
   * queues each in its tenant's lane, so items of a tenant late in the outbox start at once rather
   * than after the earlier tenants' items. A lane holds
   * at most LANE_BUFFER: the rest are left for the next scan (memory stays bounded).
   */
  private async scan(orgId: string, run: DrainRun): Promise<{ queued: number; full: Set<string> }> {
    let queued = 0;
    const full = new Set<string>();
    const now = this.wall.now().getTime();
    const checkLeases = now - this.leasesCheckedAt >= (this.limits.leaseMs ?? LEASE_MS);
    if (checkLeases) this.leasesCheckedAt = now;
    for (const leaseExpired of checkLeases ? [false, true] : [false]) {
      let continuation: string | undefined;
      do {
        const page = await this.dueItems(orgId, leaseExpired, continuation);
        const fresh = page.items.filter((i) => !run.taken.has(i.id) && !this.poisoned.has(i.id));
        // A few at a time, so the first messages go out while the rest of the page is looked up.
        for (let i = 0; i < fresh.length; i += LOOKUPS_AT_ONCE) {
          const chunk = fresh.slice(i, i + LOOKUPS_AT_ONCE);
          const targets = await Promise.all(chunk.map((item) => this.targetOf(item, run)));
          chunk.forEach((item, k) => {
            const target = targets[k];
            const tenant = target?.reachable ? target.tenantId : NO_TEAMS;
            if (run.offer(tenant, item, target)) queued++;
            else full.add(tenant);
          });
        }
        continuation = page.continuation;
      } while (continuation);
    }
    return { queued, full };
  }

  /** The item's conversation, looked up once per recipient in a drain. */
  private async targetOf(item: OutboxItem, run: DrainRun): Promise<Target> {
    const key = 'conversationKey' in item.recipient ? `c:${item.recipient.conversationKey}` : `p:${item.recipient.personId}`;
    if (run.targets.has(key)) return run.targets.get(key);
    let target: Target;
    try {
      target = await this.conversationFor(item);
    } catch (e) {
      // A recipient key the store refuses: delivering the item records why (see deliverOne).
      if (!isItemProblem(e)) throw e;
      target = undefined;
    }
    run.targets.set(key, target);
    return target;
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

  /** Writes the outcome; the claimed document's etag saves a read, and a conflict re-reads and re-applies. */
  private async finish(item: OutboxItem, change: Partial<OutboxItem>): Promise<void> {
    const claimed = '_etag' in item ? (item as Stored<OutboxItem>) : undefined;
    await this.outbox.update(
      item.orgId,
      item.id,
      (current) => {
        const next: OutboxItem = { ...current, ...change, ...this.expiry(change.status) };
        delete next.leaseUntil;
        return next;
      },
      claimed,
    );
  }

  private async conversationFor(item: OutboxItem): Promise<ConversationRecord | undefined> {
    const conversations = this.conversationRecords;
    if ('conversationKey' in item.recipient) return conversations.read(item.orgId, item.recipient.conversationKey);
    const person = await new Directory(this.deps.store).get(item.orgId, item.recipient.personId);
    if (!person?.aadObjectId) return undefined;
    return conversations.read(item.orgId, personalConversationKey(person.aadObjectId));
  }

  /** Why a message has no chat to go to, in the reach list's words (a chat nobody is linked to is "not linked"). */
  private async noChatReason(item: OutboxItem): Promise<string> {
    if (!('personId' in item.recipient)) return 'the app is no longer in that chat or channel';
    return whyNotInTeams(await new Directory(this.deps.store).get(item.orgId, item.recipient.personId), undefined);
  }

  /**
   * Delivers one item. A failure that belongs to the item (it would pass 2 MB once claimed, a key
   * it names is refused, it was deleted meanwhile) is recorded on it as failed with the reason, and
   * the drain goes on; only the store failing as a whole stops the drain.
   */
  private async deliverOne(item: OutboxItem, found: Target, report: DrainReport): Promise<void> {
    try {
      await this.deliver(item, found, report);
    } catch (e) {
      if (!isItemProblem(e)) throw e;
      if (e.code === 'NOT_FOUND') return; // gone (retention, or another instance finished and removed it)
      report.failed++;
      this.deps.logger.warn({ outboxId: item.id, code: e.code, reason: e.message }, 'message cannot be delivered; recorded as failed');
      await this.recordUndeliverable(item, e);
    }
  }

  /** A finished item's ttl (sent, failed or unreachable), when the retention is known. */
  private expiry(status: OutboxItem['status'] | undefined): { ttl?: number } {
    const finished = status === 'sent' || status === 'failed' || status === 'unreachable';
    return finished && this.deps.recordTtlSeconds ? { ttl: this.deps.recordTtlSeconds } : {};
  }

  private async recordUndeliverable(item: OutboxItem, reason: AppError): Promise<void> {
    try {
      await this.outbox.update(item.orgId, item.id, (current) => {
        if (current.status === 'sent') return undefined;
        // Too large to claim is too large to keep: the record keeps why, not the content.
        const next: OutboxItem = {
          ...current,
          ...this.expiry('failed'),
          status: 'failed',
          lastError: { status: reason.status, message: reason.message.slice(0, 300) },
          ...(reason.code === 'ITEM_TOO_LARGE' ? { message: unstorableMessage(reason) } : {}),
        };
        delete next.leaseUntil;
        return next;
      });
    } catch (again) {
      if (!isItemProblem(again)) throw again;
      this.poisoned.add(item.id);
      this.deps.logger.error({ outboxId: item.id, code: again.code }, 'an undeliverable message cannot be recorded as failed; this sender skips it');
    }
  }

  private async deliver(candidate: OutboxItem, found: Target, report: DrainReport): Promise<void> {
    if (this.stopping) return;
    const item = await this.claim(candidate);
    if (!item) return;
    let conversation: ConversationRecord | undefined;
    try {
      // Read again now (one point read when the scan found it): it may have closed or opened since.
      conversation = found ? await this.conversationRecords.read(found.orgId, found.id) : await this.conversationFor(item);
      if (conversation?.reachable) this.closedHere.delete(conversation.id); // installed again since
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
        await this.markUnreachable(item, conversation, conversation ? (conversation.unreachableReason ?? 'not reachable') : await this.noChatReason(item));
        return;
      }
      const target = conversation;
      if (item.replaces) {
        const original = await this.outbox.get(item.orgId, item.replaces.outboxId);
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
      if (e instanceof Released) {
        await this.finish(item, { status: 'pending', attempts: item.attempts - 1, nextAttemptAt: this.wall.now().toISOString() });
        return;
      }
      if (e instanceof BecameUnreachable) {
        report.unreachable++;
        await this.markUnreachable(item, undefined, e.message);
        return;
      }
      if (isItemProblem(e)) throw e;
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
        await this.finish(item, {
          status: 'pending',
          nextAttemptAt: new Date(this.wall.now().getTime() + delay).toISOString(),
          lastError: { status, message },
        });
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
    await this.unlessStopped(() => this.emails.schedule(this.ifRunning(() => mailer.send(to, item.message))));
    report.emailed++;
    if (person.notifyBy === 'email') {
      report.sent++;
      await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), channel: 'email' });
      return 'done';
    }
    const emailedAt = this.wall.now().toISOString();
    const updated = await this.outbox.update(item.orgId, item.id, (current) => ({ ...current, emailedAt }));
    // Keep the new etag, so the final write of this item does not conflict with this one.
    Object.assign(item, { emailedAt, _etag: updated._etag });
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
    await this.unlessStopped(() => this.emails.schedule(this.ifRunning(() => mailer.send(to, item.message))));
    report.sent++;
    report.emailed++;
    await this.finish(item, { status: 'sent', sentAt: this.wall.now().toISOString(), channel: 'email' });
    return true;
  }

  private async closeConversation(conversation: ConversationRecord, reason: string): Promise<void> {
    this.closedHere.set(conversation.id, reason);
    const now = this.wall.now().toISOString();
    await this.conversationRecords.update(conversation.orgId, conversation.id, (c) =>
      c.reachable ? { ...c, reachable: false, unreachableReason: reason, updatedAt: now } : undefined,
    );
  }

  /**
   * Stops sending to a conversation Teams will not deliver to. Administrators hear of people in
   * the daily reach digest, not a card per person; a team channel they are told of once, by whoever
   * the app wired as `unreachableChannels` (reach's notice).
   */
  private async markUnreachable(
    item: OutboxItem,
    conversation: ConversationRecord | undefined,
    reason: string,
    error?: { status: number; message: string },
  ): Promise<void> {
    await this.finish(item, { status: 'unreachable', lastError: error ?? { status: 0, message: reason } });
    if (conversation) await this.closeConversation(conversation, reason);
    if (item.purpose === 'admin-notice' || !('conversationKey' in item.recipient)) return; // never notify about a notification
    await this.deps.unreachableChannels(
      {
        orgId: item.orgId,
        conversationKey: item.recipient.conversationKey,
        name: conversation?.team?.name ?? item.recipient.conversationKey,
        ...(conversation ? { tenantId: conversation.tenantId } : {}),
        reason,
      },
      { store: this.deps.store, clock: this.wall },
    );
  }
}
