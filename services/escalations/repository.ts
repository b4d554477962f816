import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import { isAppError } from '../core/errors';
import type { Escalation } from './model';

/** The year's last reference number, in the escalations container beside the escalations it numbers. */
type ReferenceCounter = { id: string; orgId: string; kind: 'escalation-counter'; year: string; last: number };

/** Rounds of the store's own etag re-tries a reference may take when very many are raised at once. */
const COUNTER_ROUNDS = 5;

/** Escalations as stored: the only code that queries the escalations container. */
export class EscalationRecords {
  private readonly docs: Collection<Escalation & { id: string }>;
  private readonly counters: Collection<ReferenceCounter>;

  constructor(store: Store) {
    this.docs = store.collection<Escalation & { id: string }>('escalations');
    this.counters = store.collection<ReferenceCounter>('escalations');
  }

  /** Opens an escalation, or reads the one another instance opened under its id a moment ago. */
  createOrRead(escalation: Escalation & { id: string }): Promise<{ doc: Stored<Escalation & { id: string }>; created: boolean }> {
    return this.docs.createOrRead(escalation);
  }

  /** Every escalation of the organisation, open or closed: the central record. */
  all(orgId: string): Promise<Escalation[]> {
    return toArray(
      this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation'", parameters: [{ name: '@orgId', value: orgId }] }),
    );
  }

  /** Ids of escalations closed (resolved) before `cutoff`: past retention. */
  closedBefore(orgId: string, cutoff: string): Promise<Pick<Escalation, 'id'>[]> {
    return toArray(
      this.docs.query({
        query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation' AND c.status = 'resolved' AND c.resolvedAt < @cutoff",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@cutoff', value: cutoff },
        ],
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
    return this.docs.update(orgId, id, change as (current: Stored<Escalation & { id: string }>) => (Escalation & { id: string }) | undefined) as Promise<
      Stored<Escalation>
    >;
  }

  remove(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }

  /** Open escalations, in no particular order. */
  open(orgId: string): Promise<Escalation[]> {
    return toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation' AND c.status = 'open'",
        parameters: [{ name: '@orgId', value: orgId }],
      }),
    );
  }

  /**
   * The next number of the year's references, unique however many are raised at once. Cosmos DB
   * has no sequences, and a count read by two raises at once gave both the same number: a counter
   * document per year is advanced with its etag instead (a conflict re-reads and re-applies). The
   * first raise of a year, or the first since counters came in, starts it from the year's count.
   */
  async nextNumber(orgId: string, year: string): Promise<number> {
    const id = `escalation-counter-${year}`;
    if (!(await this.counters.read(orgId, id))) {
      const last = await this.countRaisedIn(orgId, year);
      await this.counters.create({ id, orgId, kind: 'escalation-counter', year, last }).catch((e: unknown) => {
        if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
      });
    }
    for (let round = 1; ; round++) {
      try {
        return (await this.counters.update(orgId, id, (c) => ({ ...c, last: c.last + 1 }))).last;
      } catch (e) {
        // Many raises in the same instant: each round of re-tries lets at least one through.
        if (!isAppError(e, 'CONFLICT') || round >= COUNTER_ROUNDS) throw e;
      }
    }
  }

  /** How many escalations were raised in a year (`YYYY`), summing every page the store answers with. */
  private async countRaisedIn(orgId: string, year: string): Promise<number> {
    const counts = await toArray(
      this.docs.query({
        query: 'SELECT VALUE COUNT(1) FROM c WHERE c.orgId = @orgId AND c.kind = "escalation" AND STARTSWITH(c.raisedAt, @year)',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@year', value: year },
        ],
      }) as AsyncIterable<unknown>,
    );
    return counts.reduce<number>((sum, n) => sum + Number(n ?? 0), 0);
  }
}
