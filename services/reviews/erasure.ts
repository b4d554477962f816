import type { ErasureContributor, FormerStaff } from '../kernel/module';
import type { Person } from '../people/model';
import type { PersonRef } from '../plan';
import type { ImpactCheck, Review } from './model';
import { ReviewRecords } from './repository';

/**
 * The review without the person: who added it, the recommendations they owned (the owner becomes
 * the former member of staff, so nobody is asked its impact check until the file names another)
 * and the recommendations' actions led by them (by their email or name, as the review file named
 * them). The recommendations, their text and their actions stay.
 */
export function reviewWithout(review: Review, person: Pick<Person, 'id' | 'name' | 'email'>, former: FormerStaff): Review {
  const swap = (ref: PersonRef): PersonRef => (ref.personId === person.id ? { name: former.name } : ref);
  const names = new Set([person.email?.toLowerCase(), person.name.toLowerCase()].filter((n): n is string => !!n));
  const lead = (text: string) => {
    const parts = text.split(/;\s*/);
    return parts.some((l) => names.has(l.trim().toLowerCase())) ? parts.map((l) => (names.has(l.trim().toLowerCase()) ? former.name : l)).join('; ') : text;
  };
  return {
    ...review,
    addedBy: swap(review.addedBy),
    recommendations: review.recommendations.map((r) => ({
      ...r,
      owner: r.owner.kind === 'person' && r.owner.personId === person.id ? { kind: 'person', name: former.name } : r.owner,
      actions: r.actions.map((a) => ({ ...a, lead: lead(a.lead) })),
    })),
  };
}

/** The impact check without the person: no longer asked of them; their answer and postponements stay, by the former member of staff. */
export function checkWithout(check: ImpactCheck, personId: string, former: FormerStaff): ImpactCheck {
  const swap = (ref: PersonRef): PersonRef => (ref.personId === personId ? { name: former.name } : ref);
  return {
    ...check,
    askedPersonIds: check.askedPersonIds.filter((id) => id !== personId),
    ...(check.answer ? { answer: { ...check.answer, by: swap(check.answer.by) } } : {}),
    postponements: check.postponements.map((p) => ({ ...p, by: swap(p.by) })),
  };
}

const changed = <T>(before: T, after: T) => JSON.stringify(before) !== JSON.stringify(after);
/** The change for an etag update: undefined (no write) once nothing names them any more. */
const unless = <T>(current: T, next: T) => (changed(current, next) ? next : undefined);

/**
 * Erasing a leaver from learning from reviews: the reviews and impact checks that name them keep
 * everything but their name. Each document is changed with its etag, the change re-applied to
 * whatever a concurrent write left. The plan actions made from a review are the plan's, which
 * erasure anonymises itself.
 */
export const reviewsErasure: ErasureContributor = async ({ store }, orgId, person, former) => {
  const records = new ReviewRecords(store);
  const reviews = (await records.allReviews(orgId)).filter((r) => changed(r, reviewWithout(r, person, former)));
  const checks = (await records.allChecks(orgId)).filter((c) => changed(c, checkWithout(c, person.id, former)));
  return {
    steps: [
      { what: 'reviews naming them (who added it, recommendations they own, actions they lead)', count: reviews.length, how: 'anonymised' },
      { what: 'impact checks put to them, answered or postponed by them', count: checks.length, how: 'anonymised' },
    ],
    async erase() {
      for (const r of reviews) await records.updateReview(orgId, r.id, (current) => unless(current, reviewWithout(current, person, former)));
      for (const c of checks) await records.updateCheck(orgId, c.id, (current) => unless(current, checkWithout(current, person.id, former)));
    },
  };
};
