import type { SubjectAccessContributor } from '../kernel/module';
import type { PersonRef } from '../plan';
import { ReviewRecords } from './repository';

/**
 * What learning from reviews holds about one person, for their subject access request: the reviews
 * they added, the recommendations they own, the recommendations' actions that name them as lead
 * (by their email or name, as the review file did), and the impact checks put to them, answered or
 * postponed by them. The plan actions made from those are in the export's actions already.
 */
export const reviewsSubjectAccess: SubjectAccessContributor = async ({ store }, orgId, person) => {
  const theirs = (ref: PersonRef | undefined) => ref?.personId === person.id;
  const names = new Set([person.email?.toLowerCase(), person.name.toLowerCase()].filter((n): n is string => !!n));
  const records = new ReviewRecords(store);
  const reviews = await records.allReviews(orgId);
  const titleOf = new Map(reviews.map((r) => [r.id, r.title]));
  const added = reviews.filter((r) => theirs(r.addedBy)).map((r) => ({ reviewId: r.id, title: r.title, addedAt: r.addedAt }));
  const owned = reviews.flatMap((r) =>
    r.recommendations
      .filter((rec) => rec.owner.kind === 'person' && rec.owner.personId === person.id)
      .map((rec) => ({ reviewId: r.id, recommendationId: rec.id, text: rec.text, due: rec.due, impactCheck: rec.impactCheck })),
  );
  const actionsLed = reviews.flatMap((r) =>
    r.recommendations.flatMap((rec) =>
      rec.actions
        .filter((a) => a.lead.split(/;\s*/).some((l) => names.has(l.trim().toLowerCase())))
        .map((a) => ({ reviewId: r.id, recommendationId: rec.id, action: a.action, due: a.due })),
    ),
  );
  const checks = (await records.allChecks(orgId))
    .filter((c) => c.askedPersonIds.includes(person.id) || theirs(c.answer?.by) || c.postponements.some((p) => theirs(p.by)))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => ({
      reviewId: c.reviewId,
      recommendationId: c.recommendationId,
      dueOn: c.dueOn,
      status: c.status,
      askedThem: c.askedPersonIds.includes(person.id),
      ...(c.answer && theirs(c.answer.by)
        ? {
            theirAnswer: {
              at: c.answer.at,
              changed: c.answer.changed,
              evidenceLinks: c.answer.evidenceLinks,
              measure: c.answer.measure,
              outcomeRag: c.answer.outcomeRag,
            },
          }
        : {}),
      theirPostponements: c.postponements.filter((p) => theirs(p.by)).map((p) => ({ at: p.at, from: p.from, to: p.to, reason: p.reason })),
    }));
  const review = (id: string) => titleOf.get(id) ?? id;
  return {
    title: 'Learning from reviews',
    records: { reviewsAdded: added, recommendationsOwned: owned, recommendationActionsLed: actionsLed, impactChecks: checks },
    sheets: () => [
      {
        title: 'Learning from reviews',
        headers: ['Review', 'Recommendation', 'What', 'Detail', 'Date'],
        rows: [
          ...added.map((a) => [a.title, '', 'added the review', '', a.addedAt]),
          ...owned.map((o) => [review(o.reviewId), o.recommendationId, 'owns the recommendation', o.text, o.due]),
          ...actionsLed.map((a) => [review(a.reviewId), a.recommendationId, 'leads an action', a.action, a.due]),
          ...checks.flatMap((c) => [
            [review(c.reviewId), c.recommendationId, c.askedThem ? `impact check (${c.status})` : 'impact check', '', c.dueOn],
            ...(c.theirAnswer ? [[review(c.reviewId), c.recommendationId, 'answered the impact check', c.theirAnswer.changed, c.theirAnswer.at]] : []),
            ...c.theirPostponements.map((p) => [review(c.reviewId), c.recommendationId, `postponed the impact check to ${p.to}`, p.reason, p.at]),
          ]),
        ],
      },
    ],
  };
};
