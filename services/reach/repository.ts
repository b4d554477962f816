import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { ReachDoc, ReachState } from './model';

/** The reach container as stored (per-person reach state, organisation-wide problems): the only code that queries it. */
export class ReachRepository {
  private readonly docs: Collection<ReachDoc>;

  constructor(store: Store) {
    this.docs = store.collection<ReachDoc>('reach');
  }

  read(orgId: string, id: string): Promise<Stored<ReachDoc> | undefined> {
    return this.docs.read(orgId, id);
  }

  /** Writes a person's reach state or an organisation-wide problem as given. */
  async save(doc: ReachDoc): Promise<void> {
    await this.docs.upsert(doc);
  }

  all(orgId: string): Promise<ReachDoc[]> {
    return toArray(this.docs.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: orgId }] }));
  }

  /** Why each person is, or is not, reachable after the last reach run. */
  async personStates(orgId: string): Promise<ReachState[]> {
    const found = await toArray(
      this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'person'", parameters: [{ name: '@orgId', value: orgId }] }),
    );
    return found.filter((d): d is typeof d & ReachState => d.kind === 'person');
  }
}
