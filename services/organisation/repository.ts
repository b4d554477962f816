import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import { agencyDocId, type Agency, type Organisation } from './model';

/** The partnership's agencies as stored: the only code that queries the organisations container. */
export class Agencies {
  private readonly docs: Collection<Agency>;

  constructor(store: Store) {
    this.docs = store.collection<Agency>('organisations');
  }

  async all(orgId: string): Promise<Stored<Agency>[]> {
    const found = await toArray(
      this.docs.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'agency'", parameters: [{ name: '@orgId', value: orgId }] }),
    );
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The agency a tenant maps to, if any (a tenant belongs to one agency at most). */
  async byTenant(orgId: string, tenantId: string): Promise<Stored<Agency> | undefined> {
    const [found] = await toArray(
      this.docs.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'agency' AND ARRAY_CONTAINS(c.tenantIds, @tenantId)",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@tenantId', value: tenantId.toLowerCase() },
        ],
      }),
    );
    return found;
  }

  read(orgId: string, agencyId: string): Promise<Stored<Agency> | undefined> {
    return this.docs.read(orgId, agencyDocId(agencyId));
  }

  create(agency: Agency): Promise<Stored<Agency>> {
    return this.docs.create(agency);
  }

  update(orgId: string, agencyId: string, change: (current: Stored<Agency>) => Agency | undefined): Promise<Stored<Agency>> {
    return this.docs.update(orgId, agencyDocId(agencyId), change);
  }
}

/** The organisation's own document (its id is the partition's): settings, time zone and lead agency. */
export class Organisations {
  private readonly docs: Collection<Organisation>;

  constructor(store: Store) {
    this.docs = store.collection<Organisation>('organisations');
  }

  read(orgId: string): Promise<Stored<Organisation> | undefined> {
    return this.docs.read(orgId, orgId);
  }

  create(organisation: Organisation): Promise<Stored<Organisation>> {
    return this.docs.create(organisation);
  }

  update(orgId: string, change: (current: Stored<Organisation>) => Organisation | undefined): Promise<Stored<Organisation>> {
    return this.docs.update(orgId, orgId, change);
  }
}
