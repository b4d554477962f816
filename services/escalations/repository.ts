import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { Escalation } from './model';

/** Escalations as stored: the only code that queries the escalations container. */
export class EscalationRecords {
  private readonly docs: Collection<Escalation & { id: string }>;

  constructor(store: Store) {
    this.docs = store.collection<Escalation & { id: string }>('escalations');
  }

  /** Every escalation of the organisation, open or closed: the central record. */
  all(orgId: string): Promise<Escalation[]> {
    return toArray(this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation'", parameters: [{ name: '@orgId', value: orgId }] }));
  }

  /** Ids of escalations closed (resolved) before `cutoff`: past retention. */
  closedBefore(orgId: string, cutoff: string): Promise<Pick<Escalation, 'id'>[]> {
    return toArray(
      this.docs.query({
        query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation' AND c.status = 'resolved' AND c.resolvedAt < @cutoff",
        parameters: [{ name: '@orgId', value: orgId }, { name: '@cutoff', value: cutoff }],
      }),
    );
  }

  /** Retention only. */
  read(orgId: string, id: string): Promise<Stored<Escalation> | undefined> {
    return this.docs.read(orgId, id) as Promise<Stored<Escalation> | undefined>;
  }

  /** Stores a new escalation; ALREADY_EXISTS when its id is taken (the same cause already escalated). */
  async create(escalation: Escalation): Promise<void> {
    await this.docs.create(escalation);
  }

  /** Changes an escalation where it stands: `change` sees the stored one (again after a concurrent write) and returns undefined to leave it. */
  update(orgId: string, id: string, change: (current: Stored<Escalation>) => Escalation | undefined): Promise<Stored<Escalation>> {
    return this.docs.update(orgId, id, change as (current: Stored<Escalation & { id: string }>) => (Escalation & { id: string }) | undefined) as Promise<Stored<Escalation>>;
  }

  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  /** Open escalations, in no particular order. */
  open(orgId: string): Promise<Escalation[]> {
    return toArray(this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation' AND c.status = 'open'", parameters: [{ name: '@orgId', value: orgId }] }));
  }

  /** How many escalations were raised in a year (`YYYY`): the next reference's number. */
  async countRaisedIn(orgId: string, year: string): Promise<number> {
    const [count] = await toArray(
      this.docs.query({
        query: 'SELECT VALUE COUNT(1) FROM c WHERE c.orgId = @orgId AND c.kind = "escalation" AND STARTSWITH(c.raisedAt, @year)',
        parameters: [{ name: '@orgId', value: orgId }, { name: '@year', value: year }],
      }) as AsyncIterable<unknown>,
    );
    return Number(count ?? 0);
  }
}
