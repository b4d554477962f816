import { toArray, type Collection, type Store, type Stored } from '../store/ports';
import type { ImpactCheck, Review } from './model';

/** The feature's own container, declared in module.ts; named here so the store type-checks it. */
declare module '../store/containers' {
  interface FeatureContainers {
    reviews: true;
  }
}

/** Reviews and their impact checks as stored: the only code that knows their container and queries. */
export class ReviewRecords {
  private readonly reviews: Collection<Review>;
  private readonly checks: Collection<ImpactCheck>;

  constructor(store: Store) {
    this.reviews = store.collection<Review>('reviews');
    this.checks = store.collection<ImpactCheck>('reviews');
  }

  async review(orgId: string, id: string): Promise<Stored<Review> | undefined> {
    const found = await this.reviews.read(orgId, id);
    return found?.kind === 'review' ? found : undefined;
  }

  /** Every review of the organisation, oldest publication first. */
  async allReviews(orgId: string): Promise<Review[]> {
    const found = await toArray(
      this.reviews.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'review'", parameters: [{ name: '@orgId', value: orgId }] }),
    );
    return found.sort((a, b) => a.published.localeCompare(b.published) || a.title.localeCompare(b.title));
  }

  saveReview(review: Review): Promise<Stored<Review>> {
    return this.reviews.upsert(review);
  }

  /** Changes a review with its etag, re-applying `change` to a newer one (a review added again meanwhile). */
  updateReview(orgId: string, id: string, change: (current: Stored<Review>) => Review | undefined): Promise<Stored<Review>> {
    return this.reviews.update(orgId, id, change);
  }

  async check(orgId: string, id: string): Promise<Stored<ImpactCheck> | undefined> {
    const found = await this.checks.read(orgId, id);
    return found?.kind === 'impact-check' ? found : undefined;
  }

  checksOf(orgId: string, reviewId: string): Promise<ImpactCheck[]> {
    return toArray(
      this.checks.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'impact-check' AND c.reviewId = @reviewId",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@reviewId', value: reviewId },
        ],
      }),
    );
  }

  /** Every impact check of the organisation: a subject access export looks through them for one person. */
  allChecks(orgId: string): Promise<ImpactCheck[]> {
    return toArray(
      this.checks.query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'impact-check'", parameters: [{ name: '@orgId', value: orgId }] }),
    );
  }

  /** Unanswered checks due on or before `day`: the impact-check job's work. */
  checksDueBy(orgId: string, day: string): Promise<Stored<ImpactCheck>[]> {
    return toArray(
      this.checks.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'impact-check' AND c.status != 'answered' AND c.dueOn <= @day",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@day', value: day },
        ],
      }),
    );
  }

  /** Unanswered checks that have been put to a person: what they see under "impact checks". */
  checksAskedOf(orgId: string, personId: string): Promise<ImpactCheck[]> {
    return toArray(
      this.checks.query({
        query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'impact-check' AND c.status = 'asked' AND ARRAY_CONTAINS(c.askedPersonIds, @personId)",
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    );
  }

  /** Creates a check once; a review added again keeps its checks (and their answers) as they are. */
  async createCheckOnce(check: ImpactCheck): Promise<boolean> {
    if (await this.checks.read(check.orgId, check.id)) return false;
    await this.checks.create(check);
    return true;
  }

  updateCheck(
    orgId: string,
    id: string,
    change: (current: Stored<ImpactCheck>) => ImpactCheck | undefined,
    current?: Stored<ImpactCheck>,
  ): Promise<Stored<ImpactCheck>> {
    return this.checks.update(orgId, id, change, current);
  }
}
