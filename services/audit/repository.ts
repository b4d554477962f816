import { toArray, type Collection, type Store } from '../store/ports';
import type { AuditEntry } from './model';

/**
 * The audit container as stored: the only code that queries it. It adds entries, reads, and, for
 * housekeeping at the end of the retention period, deletes; nothing changes an entry.
 */
export class AuditRecords {
  private readonly docs: Collection<AuditEntry>;

  constructor(store: Store) {
    this.docs = store.collection<AuditEntry>('audit');
  }

  /** Adds one entry; ALREADY_EXISTS when an earlier attempt at the same entry (same id) landed. */
  async add(entry: AuditEntry): Promise<void> {
    await this.docs.create(entry);
  }

  /** Entries from `from` up to (not including) `to`, ISO instants, oldest first; optionally by one person or about one record. */
  async between(orgId: string, from: string, to: string, filter: { who?: string; recordId?: string } = {}): Promise<AuditEntry[]> {
    const conditions = ['c.orgId = @orgId', "c.kind = 'audit'", 'c.at >= @from', 'c.at < @to'];
    const parameters: { name: string; value: unknown }[] = [
      { name: '@orgId', value: orgId },
      { name: '@from', value: from },
      { name: '@to', value: to },
    ];
    if (filter.who) {
      conditions.push('c.who = @who');
      parameters.push({ name: '@who', value: filter.who });
    }
    if (filter.recordId) {
      conditions.push('c.record.id = @record');
      parameters.push({ name: '@record', value: filter.recordId });
    }
    const found = await toArray(this.docs.query({ query: `SELECT * FROM c WHERE ${conditions.join(' AND ')}`, parameters }, { pageSize: 1000 }));
    return found.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  }

  /** Every entry of one person's own actions, oldest first: for their subject access export. */
  async ofPerson(orgId: string, personId: string): Promise<AuditEntry[]> {
    const found = await toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'audit' AND c.who = @who",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@who', value: personId },
        ],
      }),
    );
    return found.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Who looked at one record, and how: for "Who has seen this" on a case. */
  async about(orgId: string, kind: string, id: string): Promise<AuditEntry[]> {
    const found = await toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'audit' AND c.record.kind = @kind AND c.record.id = @id",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@kind', value: kind },
          { name: '@id', value: id },
        ],
      }),
    );
    return found.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Ids of entries written before `cutoff`: past their retention period. */
  writtenBefore(orgId: string, cutoff: string): Promise<Pick<AuditEntry, 'id'>[]> {
    return toArray(
      this.docs.query(
        {
          query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND c.kind = 'audit' AND c.at < @cutoff",
          parameters: [
            { name: '@orgId', value: orgId },
            { name: '@cutoff', value: cutoff },
          ],
        },
        { pageSize: 1000 },
      ),
    );
  }

  /** Retention only (services/retention/housekeeping.ts): the end of an entry's period. */
  expire(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }
}
