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

  /** Queues a new item, or reads the one another instance queued under its id a moment ago. */
  createOrRead(item: OutboxItem): Promise<{ doc: Stored<OutboxItem>; created: boolean }> {
    return this.docs.createOrRead(item);
  }

  /** Replaces an item only if its `_etag` still matches (CONFLICT otherwise): how a sender claims it, so one instance sends it. */
  replace(item: Stored<OutboxItem>): Promise<Stored<OutboxItem>> {
    return this.docs.replace(item);
  }

  /** Housekeeping and erasure only. */
  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  /** Through the bulk API; fails with the first item that could not be deleted, after trying them all. */
  async removeMany(orgId: string, ids: string[]): Promise<void> {
    const notDeleted = (await this.docs.bulk(ids.map((id) => ({ kind: 'delete' as const, orgId, id })))).find((o) => !o.ok);
    if (notDeleted && !notDeleted.ok) throw notDeleted.error;
  }

  /** Changes an item where it stands (marked seen, its content removed): `change` sees the stored one; `current` saves a read. */
  update(
    orgId: string,
    id: string,
    change: (current: Stored<OutboxItem>) => OutboxItem | undefined,
    current?: Stored<OutboxItem>,
  ): Promise<Stored<OutboxItem>> {
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

  /** How many items stand at `status`: an aggregate, so nothing is brought back but the number. */
  async countWithStatus(orgId: string, status: OutboxItem['status']): Promise<number> {
    const [n] = await toArray(
      this.docs.query({
        query: 'SELECT VALUE COUNT(1) FROM c WHERE c.orgId = @orgId AND c.status = @status',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@status', value: status },
        ],
      }),
    );
    return (n as unknown as number | undefined) ?? 0;
  }

  /** Items at `status` (failed or unreachable: those that reached no one), with only what says why. */
  withStatusAndReason(orgId: string, status: 'failed' | 'unreachable'): Promise<Pick<OutboxItem, 'id' | 'status' | 'lastError'>[]> {
    return toArray(
      this.docs.query({
        query: 'SELECT c.id, c.status, c.lastError FROM c WHERE c.orgId = @orgId AND c.status = @status',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@status', value: status },
        ],
      }),
    );
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

  /** Who has seen any item whose id starts with `idPrefix` (e.g. all of one round's requests and chasers): one query. */
  async seenByAnyOf(orgId: string, idPrefix: string): Promise<Set<string>> {
    const ids = await toArray(
      this.docs.query({
        query: 'SELECT VALUE c.recipient.personId FROM c WHERE c.orgId = @orgId AND STARTSWITH(c.id, @prefix) AND IS_DEFINED(c.seenAt)',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@prefix', value: idPrefix },
        ],
      }),
    );
    return new Set(ids as unknown as string[]);
  }

  /** Of the items whose ids start with `idPrefix`, only their ids, where each stands, and when it was seen. */
  statusWithPrefix(orgId: string, idPrefix: string): Promise<Pick<OutboxItem, 'id' | 'status' | 'seenAt'>[]> {
    return toArray(
      this.docs.query({
        query: 'SELECT c.id, c.status, c.seenAt FROM c WHERE c.orgId = @orgId AND STARTSWITH(c.id, @prefix)',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@prefix', value: idPrefix },
        ],
      }),
    );
  }

  /**
   * One page of items to send at `now`: pending and due (`leaseExpired` false), or sending with an
   * expired lease, a sender having died (`leaseExpired` true). Two queries rather than one with OR:
   * each is served by the status index, so an idle poll reads none of the finished items.
   */
  due(orgId: string, now: string, leaseExpired: boolean, page: { pageSize: number; continuation?: string }): Promise<Page<Stored<OutboxItem>>> {
    return this.docs.queryPage(
      {
        query: leaseExpired
          ? "SELECT * FROM c WHERE c.orgId = @orgId AND c.status = 'sending' AND c.leaseUntil < @now"
          : "SELECT * FROM c WHERE c.orgId = @orgId AND c.status = 'pending' AND c.nextAttemptAt <= @now",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@now', value: now },
        ],
      },
      page,
    );
  }

  /** When the next unfinished item falls due: the earliest retry of a pending one or lease end of one being sent. */
  async nextDueAt(orgId: string): Promise<string | undefined> {
    const earliest = async (status: 'pending' | 'sending', field: 'nextAttemptAt' | 'leaseUntil') => {
      const [at] = (await toArray(
        this.docs.query({
          query: `SELECT VALUE MIN(c.${field}) FROM c WHERE c.orgId = @orgId AND c.status = @status`,
          parameters: [
            { name: '@orgId', value: orgId },
            { name: '@status', value: status },
          ],
        }),
      )) as unknown as unknown[];
      return typeof at === 'string' ? at : undefined;
    };
    const times = (await Promise.all([earliest('pending', 'nextAttemptAt'), earliest('sending', 'leaseUntil')])).filter((t): t is string => t !== undefined);
    return times.length ? times.map((t) => t || '1970-01-01T00:00:00Z').sort()[0] : undefined;
  }

  /**
   * One page of finished items (sent, failed or unreachable) that still hold their content and
   * finished before `cutoff`: a sent item by when it went, one that never went by when it was
   * queued. Only the fields retention needs, a page at a time, so memory stays bounded.
   */
  withBodyFinishedBefore(
    orgId: string,
    cutoff: string,
    page: { pageSize: number; continuation?: string },
  ): Promise<Page<Pick<OutboxItem, 'id' | 'status' | 'sentAt' | 'createdAt'>>> {
    return this.docs.queryPage(
      {
        query:
          "SELECT c.id, c.status, c.sentAt, c.createdAt FROM c WHERE c.orgId = @orgId AND NOT IS_DEFINED(c.bodyRemovedAt) AND ((c.status = 'sent' AND c.sentAt < @cutoff) OR ((c.status = 'failed' OR c.status = 'unreachable') AND c.createdAt < @cutoff))",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@cutoff', value: cutoff },
        ],
      },
      page,
    ) as Promise<Page<Pick<OutboxItem, 'id' | 'status' | 'sentAt' | 'createdAt'>>>;
  }

  /** One page of the ids of finished items, with or without content, that finished before `cutoff`: past the delivery record's retention. */
  finishedBefore(orgId: string, cutoff: string, page: { pageSize: number; continuation?: string }): Promise<Page<Pick<OutboxItem, 'id'>>> {
    return this.docs.queryPage(
      {
        query:
          "SELECT c.id FROM c WHERE c.orgId = @orgId AND ((c.status = 'sent' AND c.sentAt < @cutoff) OR ((c.status = 'failed' OR c.status = 'unreachable') AND c.createdAt < @cutoff))",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@cutoff', value: cutoff },
        ],
      },
      page,
    ) as Promise<Page<Pick<OutboxItem, 'id'>>>;
  }

  /** Items to one person (their delivery records, for their subject access export). */
  toPerson(orgId: string, personId: string): Promise<OutboxItem[]> {
    return toArray(
      this.docs.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.recipient.personId = @personId',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    );
  }
}
