import type { Store } from '../store/ports';
import { idChunks, toArray } from '../store/ports';
import type { Scope } from '../organisation/model';
import type { Person, Role } from './model';

/** Stored lower-case so the email query is an exact, indexed match. */
const normalised = (person: Person): Person => (person.email ? { ...person, email: person.email.trim().toLowerCase() } : person);

/**
 * The people directory as stored: the only code that queries the people container. Reads take a
 * scope; with `scope.agency` set they return only that agency's people (`c.agency`).
 */
export class Directory {
  constructor(private readonly store: Store) {}

  private get people() {
    return this.store.collection<Person>('people');
  }

  get(orgId: string, id: string): Promise<Person | undefined> {
    return this.people.read(orgId, id);
  }

  /**
   * Writes a whole person, whatever is stored: for a new person, or restoring one. A change to
   * someone already there goes through `update`, so it cannot undo another change made meanwhile.
   */
  save(person: Person): Promise<Person> {
    return this.people.upsert(normalised(person));
  }

  /** Adds someone new; ALREADY_EXISTS if their id is taken. */
  create(person: Person): Promise<Person> {
    return this.people.create(normalised(person));
  }

  /**
   * Changes one person with the stored document's etag: on a conflict the person is read again and
   * `change` applied again, so a concurrent change (leave, a delegate, notify by, a link) is kept.
   * `change` returns undefined to leave them as they are.
   */
  update(orgId: string, id: string, change: (current: Person) => Person | undefined): Promise<Person> {
    return this.people.update(orgId, id, (current) => {
      const next = change(current);
      return next && normalised(next);
    });
  }

  all(scope: Scope): Promise<Person[]> {
    // A council's whole directory (20,000 people) in 10 round trips rather than 40.
    return toArray(this.where(scope, '', [], 2000));
  }

  /** Of `ids`, those in the directory, active or not: a few queries for thousands of people. */
  async existing(orgId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of idChunks(ids)) {
      const page = await toArray(
        this.people.query({
          query: 'SELECT VALUE c.id FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(@ids, c.id)',
          parameters: [
            { name: '@orgId', value: orgId },
            { name: '@ids', value: chunk },
          ],
        }),
      );
      for (const id of page as unknown as string[]) found.add(id);
    }
    return found;
  }

  /** Those holding a role (an indexed look-up): a role's holders are few beside the whole directory. */
  withRole(scope: Scope, role: Role): Promise<Person[]> {
    return toArray(this.where(scope, ' AND ARRAY_CONTAINS(c.roles, @role)', [{ name: '@role', value: role }]));
  }

  /** People holding more than `officer` whose roles have no recorded grants yet (from before role sources were kept). */
  withUnrecordedRoles(orgId: string): Promise<Person[]> {
    return toArray(this.where({ orgId }, " AND NOT IS_DEFINED(c.roleGrants) AND (ARRAY_LENGTH(c.roles) > 1 OR NOT ARRAY_CONTAINS(c.roles, 'officer'))", []));
  }

  /** Leavers who left before `day` (an ISO date): past the retention of what is kept about leavers. */
  leftBefore(orgId: string, day: string): Promise<Person[]> {
    return toArray(this.where({ orgId }, ' AND c.active = false AND c.leftOn < @day', [{ name: '@day', value: day }]));
  }

  /** Erasure only (services/retention/subject.ts). */
  remove(orgId: string, id: string): Promise<void> {
    return this.people.delete(orgId, id);
  }

  async byAadObjectId(scope: Scope, aadObjectId: string): Promise<Person | undefined> {
    const [found] = await toArray(this.where(scope, ' AND c.aadObjectId = @aad', [{ name: '@aad', value: aadObjectId }]));
    return found;
  }

  async byEmail(scope: Scope, email: string): Promise<Person | undefined> {
    const wanted = email.trim().toLowerCase();
    const [found] = await toArray(this.where(scope, ' AND c.email = @email', [{ name: '@email', value: wanted }]));
    return found;
  }

  private where(scope: Scope, condition: string, parameters: { name: string; value: unknown }[], pageSize?: number) {
    const agency = scope.agency === undefined ? '' : ' AND c.agency = @agency';
    return this.people.query(
      {
        query: `SELECT * FROM c WHERE c.orgId = @orgId${agency}${condition}`,
        parameters: [{ name: '@orgId', value: scope.orgId }, ...(scope.agency === undefined ? [] : [{ name: '@agency', value: scope.agency }]), ...parameters],
      },
      pageSize === undefined ? undefined : { pageSize },
    );
  }
}
