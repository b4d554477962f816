import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { UpdateRound } from './model';

/** Update rounds as stored: the only code that knows their container and queries. */
export class UpdateRounds {
  private readonly docs: Collection<UpdateRound>;

  constructor(store: Store) {
    this.docs = store.collection<UpdateRound>('rounds');
  }

  open(orgId: string): Promise<Stored<UpdateRound>[]> {
    return toArray(this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.status = 'open'", parameters: [{ name: '@orgId', value: orgId }] }));
  }

  read(orgId: string, id: string): Promise<Stored<UpdateRound> | undefined> {
    return this.docs.read(orgId, id);
  }

  create(round: UpdateRound): Promise<Stored<UpdateRound>> {
    return this.docs.create(round);
  }

  update(orgId: string, id: string, change: (current: Stored<UpdateRound>) => UpdateRound | undefined): Promise<Stored<UpdateRound>> {
    return this.docs.update(orgId, id, change);
  }
}
