import { AppError, isAppError } from '../core/errors';
import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { S11Return, S11Round, StandardSet } from './model';

type Section11Doc = StandardSet | S11Round | S11Return;

/** The container this module keeps its standards sets, rounds and returns in (declared in module.ts). */
export const SECTION11_CONTAINER = 'section11' as const;

declare module '../store/containers' {
  interface FeatureContainers {
    section11: true;
  }
}

/**
 * Section 11 as stored: the only code that knows the container and its queries, for reads and
 * writes alike. One return is one document, changed with its etag, so two leads of an agency
 * saving at once never lose each other's answers.
 */
export class Section11Store {
  private readonly docs: Collection<Section11Doc>;

  constructor(store: Store) {
    this.docs = store.collection<Section11Doc>('section11');
  }

  private byKind<T extends Section11Doc>(
    orgId: string,
    kind: T['kind'],
    extra = '',
    parameters: { name: string; value: unknown }[] = [],
  ): Promise<Stored<T>[]> {
    return toArray(
      this.docs.query({
        query: `SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = @kind${extra}`,
        parameters: [{ name: '@orgId', value: orgId }, { name: '@kind', value: kind }, ...parameters],
      }),
    ) as unknown as Promise<Stored<T>[]>;
  }

  addedStandardSets(orgId: string): Promise<Stored<StandardSet>[]> {
    return this.byKind<StandardSet>(orgId, 's11-standards');
  }

  async addStandardSet(set: StandardSet): Promise<Stored<StandardSet>> {
    try {
      return (await this.docs.create(set)) as Stored<StandardSet>;
    } catch (e) {
      if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
      throw new AppError('ALREADY_EXISTS', `Version ${set.version} of "${set.key}" exists already; a changed set needs a new version number.`);
    }
  }

  rounds(orgId: string): Promise<Stored<S11Round>[]> {
    return this.byKind<S11Round>(orgId, 's11-round');
  }

  async openRound(orgId: string): Promise<Stored<S11Round> | undefined> {
    return (await this.byKind<S11Round>(orgId, 's11-round', " AND c.status = 'open'")).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  }

  async round(orgId: string, id: string): Promise<Stored<S11Round> | undefined> {
    const doc = await this.docs.read(orgId, id);
    return doc?.kind === 's11-round' ? (doc as Stored<S11Round>) : undefined;
  }

  createRound(round: S11Round): Promise<Stored<S11Round>> {
    return this.docs.create(round) as Promise<Stored<S11Round>>;
  }

  updateRound(orgId: string, id: string, change: (current: S11Round) => S11Round | undefined): Promise<Stored<S11Round>> {
    return this.docs.update(orgId, id, (c) => change(c as Stored<S11Round>)) as Promise<Stored<S11Round>>;
  }

  async return(orgId: string, id: string): Promise<Stored<S11Return> | undefined> {
    const doc = await this.docs.read(orgId, id);
    return doc?.kind === 's11-return' ? (doc as Stored<S11Return>) : undefined;
  }

  returnsOf(orgId: string, roundId: string): Promise<Stored<S11Return>[]> {
    return this.byKind<S11Return>(orgId, 's11-return', ' AND c.roundId = @roundId', [{ name: '@roundId', value: roundId }]);
  }

  /** Every return of every round: a subject access export looks through them all for one person. */
  allReturns(orgId: string): Promise<Stored<S11Return>[]> {
    return this.byKind<S11Return>(orgId, 's11-return');
  }

  /** Creates the return, or gives the one another lead of the agency created a moment earlier. */
  async createReturn(doc: S11Return): Promise<Stored<S11Return>> {
    try {
      return (await this.docs.create(doc)) as Stored<S11Return>;
    } catch (e) {
      if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
      return (await this.return(doc.orgId, doc.id))!;
    }
  }

  updateReturn(orgId: string, id: string, change: (current: S11Return) => S11Return | undefined): Promise<Stored<S11Return>> {
    return this.docs.update(orgId, id, (c) => change(c as Stored<S11Return>)) as Promise<Stored<S11Return>>;
  }
}
