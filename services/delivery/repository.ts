import { toArray, type Collection, type Page, type Store, type Stored } from '../store/ports';
import type { OutboxItem } from './model';

/** The outbox as stored: the only code that queries it (the sender, delivery status, read tracking, housekeeping). */
export class OutboxRepository {
  private readonly docs: Collection<OutboxItem>;

  constructor(store: Store) {
    this.docs = store.collection<OutboxItem>('outbox');
  }

  /** Queues a new item; ALREADY_EXISTS when its id is taken (the same message queued before). */
  create(item: OutboxItem): Promise<Stored<OutboxItem>> {
    return this.docs.create(item);
  }

  /** Housekeeping and erasure only. */
  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  /** Changes an item where it stands (marked seen, its content removed): `change` sees the stored one; `current` saves a read. */
  update(orgId: string, id: string, change: (current: Stored<OutboxItem>) => OutboxItem | undefined, current?: Stored<OutboxItem>): Promise<Stored<OutboxItem>> {
    return this.docs.update(orgId, id, change, current);
  }

  /** One item by its id (a point read), as a card that pages through it needs. */
  get(orgId: string, id: string): Promise<Stored<OutboxItem> | undefined> {
    return this.docs.read(orgId, id);
  }

  /** Every item, or those of one purpose and/or whose ids start with a prefix. */
  matching(orgId: string, filter: { purpose?: OutboxItem['purpose']; idPrefix?: string } = {}): Promise<OutboxItem[]> {
    const conditions = ['c.orgId = @orgId'];
    const parameters: { name: string; value: unknown }[] = [{ name: '@orgId', value: orgId }];
    if (filter.purpose) {
      conditions.push('c.purpose = @purpose');
      parameters.push({ name: '@purpose', value: filter.purpose });
    }
    if (filter.idPrefix) {
      conditions.push('STARTSWITH(c.id, @prefix)');
      parameters.push({ name: '@prefix', value: filter.idPrefix });
    }
    return toArray(this.docs.query({ query: `SELECT * FROM c WHERE ${conditions.join(' AND ')}`, parameters }));
  }

  /** The items delivered into one conversation as one Teams activity. */
  sentAsActivity(orgId: string, conversationKey: string, activityId: string): Promise<Stored<OutboxItem>[]> {
    return toArray(
      this.docs.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.conversationKey = @key AND c.activityId = @activityId',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@key', value: conversationKey },
          { name: '@activityId', value: activityId },
        ],
      }),
    );
  }

  /** Whether the person has seen any item to them whose id starts with `idPrefix`. */
  async anySeenBy(orgId: string, personId: string, idPrefix: string): Promise<boolean> {
    const seen = await toArray(
      this.docs.query({
        query: 'SELECT c.id FROM c WHERE c.orgId = @orgId AND c.recipient.personId = @personId AND STARTSWITH(c.id, @prefix) AND IS_DEFINED(c.seenAt)',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
          { name: '@prefix', value: idPrefix },
        ],
      }),
    );
    return seen.length > 0;
  }

  /** Of the items whose ids start with `idPrefix`, only their ids, where each stands, and when it was seen. */
  statusWithPrefix(orgId: string, idPrefix: string): Promise<Pick<OutboxItem, 'id' | 'status' | 'seenAt'>[]> {
    return toArray(
      this.docs.query({
        query: 'SELECT c.id, c.status, c.seenAt FROM c WHERE c.orgId = @orgId AND STARTSWITH(c.id, @prefix)',
        parameters: [{ name: '@orgId', value: orgId }, { name: '@prefix', value: idPrefix }],
      }),
    );
  }

  /** One page of items to send at `now`: pending and due, or sending with an expired lease (a sender died). */
  due(orgId: string, now: string, page: { pageSize: number; continuation?: string }): Promise<Page<Stored<OutboxItem>>> {
    return this.docs.queryPage(
      {
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND ((c.status = 'pending' AND c.nextAttemptAt <= @now) OR (c.status = 'sending' AND c.leaseUntil < @now))",
        parameters: [{ name: '@orgId', value: orgId }, { name: '@now', value: now }],
      },
      page,
    );
  }

  /** Items not yet finished: pending, or being sent. */
  unfinished(orgId: string): Promise<OutboxItem[]> {
    return toArray(this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND (c.status = 'pending' OR c.status = 'sending')", parameters: [{ name: '@orgId', value: orgId }] }));
  }

  /**
   * Finished items (sent, failed or unreachable) that still hold their content and finished before
   * `cutoff`: a sent item by when it went, one that never went by when it was queued.
   */
  withBodyFinishedBefore(orgId: string, cutoff: string): Promise<Pick<OutboxItem, 'id' | 'status' | 'sentAt' | 'createdAt'>[]> {
    return toArray(
      this.docs.query({
        query:
          "SELECT c.id, c.status, c.sentAt, c.createdAt FROM c WHERE c.orgId = @orgId AND NOT IS_DEFINED(c.bodyRemovedAt) AND ((c.status = 'sent' AND c.sentAt < @cutoff) OR ((c.status = 'failed' OR c.status = 'unreachable') AND c.createdAt < @cutoff))",
        parameters: [{ name: '@orgId', value: orgId }, { name: '@cutoff', value: cutoff }],
      }),
    );
  }

  /** Finished items, with or without content, that finished before `cutoff`: past the delivery record's retention. */
  finishedBefore(orgId: string, cutoff: string): Promise<Pick<OutboxItem, 'id'>[]> {
    return toArray(
      this.docs.query({
        query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND ((c.status = 'sent' AND c.sentAt < @cutoff) OR ((c.status = 'failed' OR c.status = 'unreachable') AND c.createdAt < @cutoff))",
        parameters: [{ name: '@orgId', value: orgId }, { name: '@cutoff', value: cutoff }],
      }),
    );
  }

  /** Items to one person (their delivery records, for their subject access export). */
  toPerson(orgId: string, personId: string): Promise<OutboxItem[]> {
    return toArray(this.docs.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.recipient.personId = @personId', parameters: [{ name: '@orgId', value: orgId }, { name: '@personId', value: personId }] }));
  }

  /** Items delivered before `cutoff` (an ISO time): old enough to delete. */
  sentBefore(orgId: string, cutoff: string): Promise<OutboxItem[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.status = 'sent' AND c.sentAt < @cutoff",
        parameters: [{ name: '@orgId', value: orgId }, { name: '@cutoff', value: cutoff }],
      }),
    );
  }
}
