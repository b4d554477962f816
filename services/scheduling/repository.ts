import type { Collection, Page, Store } from '../store/ports';
import type { JobSlot } from './coordinator';

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
        parameters: [{ name: '@orgId', value: orgId }, { name: '@now', value: now }],
      },
      page,
    );
  }

  /** Through the bulk API; fails with the first slot that could not be deleted, after trying them all. */
  async deleteMany(orgId: string, ids: string[]): Promise<void> {
    const notDeleted = (await this.docs.bulk(ids.map((id) => ({ kind: 'delete' as const, orgId, id })))).find((o) => !o.ok);
    if (notDeleted && !notDeleted.ok) throw notDeleted.error;
  }

  delete(orgId: string, id: string): Promise<void> {
    return this.docs.delete(orgId, id);
  }
}
