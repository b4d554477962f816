import type { Collection, Page, Store, Stored } from '../store/ports';

/** One claimed run of a job's slot, shared by the scheduler's instances. */
export type JobSlot = {
  id: string;
  orgId: string;
  kind: 'job-slot';
  key: string;
  instance: string;
  claimedAt: string;
  expiresAt: string;
  /** Set when the job finished; until then the claiming instance may retry it, and after the lease anyone may. */
  doneAt?: string;
  leaseUntil?: string;
  /** Azure Cosmos DB deletes the run record this many seconds after its last write (the container has TTL on). */
  ttl?: number;
};

/** The scheduler's jobs container as stored: the only code that queries it. */
export class JobSlots {
  private readonly docs: Collection<JobSlot>;

  constructor(store: Store) {
    this.docs = store.collection<JobSlot>('jobs');
  }

  /** One page of the ids of run records whose `expiresAt` is before `now` (an ISO time): the embedded server never expires them by TTL. */
  expired(orgId: string, now: string, page: { pageSize: number; continuation?: string }): Promise<Page<Pick<JobSlot, 'id'>>> {
    return this.docs.queryPage(
      {
        query: "SELECT c.id FROM c WHERE c.orgId = @orgId AND c.kind = 'job-slot' AND c.expiresAt < @now",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@now', value: now },
        ],
      },
      page,
    );
  }

  /** Through the bulk API; fails with the first slot that could not be deleted, after trying them all. */
  async deleteMany(orgId: string, ids: string[]): Promise<void> {
    const notDeleted = (await this.docs.bulk(ids.map((id) => ({ kind: 'delete' as const, orgId, id })))).find((o) => !o.ok);
    if (notDeleted && !notDeleted.ok) throw notDeleted.error;
  }

  read(orgId: string, id: string): Promise<Stored<JobSlot> | undefined> {
    return this.docs.read(orgId, id);
  }

  /** Claims a slot: ALREADY_EXISTS when another instance (or an earlier run) holds it. */
  create(slot: JobSlot): Promise<Stored<JobSlot>> {
    return this.docs.create(slot);
  }

  /** Takes a slot over only if it is unchanged since it was read; CONFLICT otherwise. */
  replace(slot: Stored<JobSlot>): Promise<Stored<JobSlot>> {
    return this.docs.replace(slot);
  }

  update(orgId: string, id: string, change: (current: Stored<JobSlot>) => JobSlot | undefined): Promise<Stored<JobSlot>> {
    return this.docs.update(orgId, id, change);
  }

  delete(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }
}
