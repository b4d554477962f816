import type { Clock } from '../core/clock';
import { AppError, type FieldIssue } from '../core/errors';
import { allows, mayAddReview, OPERATOR, type Partnership, type Requester } from '../access/policy';
import { listAgencies } from '../organisation/agencies';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { importPlan, type ImportReport } from '../plan';
import { ActionPlan } from '../plan';
import { PLAN_COLUMNS } from '../plan';
import type { Table } from '../core/tabular';
import { partnershipOf } from '../organisation/organisations';
import type { Store } from '../store/ports';
import { impactCheckId, type ImpactCheck, type Recommendation, type RecommendationOwner, type Review } from './model';
import { ReviewRecords } from './repository';
import { checkReviewFile, defaultImpactCheck, refuseReviewFile, type RecommendationEntry, type ReviewFile } from './review-file';

export type ReviewDeps = { store: Store; clock: Clock };

/** `plan`: the plan import's report, unless the recommendations were already in a plan. */
export type AddReviewResult = { review: Review; created: boolean; plan?: ImportReport; checksCreated: number; checksMoved: number };

/** The review's id: the one the file gives, or its title and year, as a slug (never `/ \ ? #`). */
export function reviewIdOf(file: Pick<ReviewFile, 'id' | 'title' | 'published'>): string {
  if (file.id) return file.id;
  const words = file.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Cut at a word's end, within the id's length.
  const slug = words.length <= 70 ? words : words.slice(0, 71).replace(/-[^-]*$/, '');
  return `${slug || 'review'}-${file.published.slice(0, 4)}`;
}

/** The plan a review's recommendations become learning points of: one plan per review, so importing it again is the plan import's own update. */
export const reviewPlanId = (reviewId: string) => `review-${reviewId}`;

type OwnerLookup = { owners: Map<string, RecommendationOwner>; leadText: Map<string, string>; problems: FieldIssue[] };

/**
 * An owner is a person of the directory by email, or an agency by id. An agency's actions are led
 * by its safeguarding leads (by email, so the import links them), or by the agency's name when it has none yet.
 */
async function resolveOwners(store: Store, partnership: Partnership, recommendations: RecommendationEntry[]): Promise<OwnerLookup> {
  const { orgId } = partnership;
  const directory = new Directory(store);
  const agencies = new Map((await listAgencies(store, orgId)).map((a) => [a.agencyId, a]));
  const result: OwnerLookup = { owners: new Map(), leadText: new Map(), problems: [] };
  for (const r of recommendations) {
    const field = `recommendations.${r.id}.owner`;
    if (r.owner.includes('@')) {
      const person = await directory.byEmail({ orgId }, r.owner);
      if (!person?.active) result.problems.push({ field, message: `No one with the email "${r.owner}" is in the people directory.` });
      else {
        result.owners.set(r.id, { kind: 'person', personId: person.id, name: person.name });
        result.leadText.set(r.id, person.email ?? person.name);
      }
    } else {
      const agency = agencies.get(r.owner);
      if (!agency)
        result.problems.push({
          field,
          message: `"${r.owner}" is neither an email address nor an agency id (${[...agencies.keys()].join(', ') || 'no agencies yet'}).`,
        });
      else {
        result.owners.set(r.id, { kind: 'agency', agencyId: agency.agencyId, name: agency.name });
        const leads = (await directory.withRole({ orgId }, 'safeguarding-lead')).filter(
          (p) => p.active && (p.agency || partnership.leadAgencyId) === agency.agencyId && p.email,
        );
        result.leadText.set(r.id, leads.length ? leads.map((p) => p.email).join('; ') : agency.name);
      }
    }
    for (const [i, id] of (r.agencies ?? []).entries()) {
      if (!agencies.has(id))
        result.problems.push({
          field: `recommendations.${r.id}.agencies.${i + 1}`,
          message: `"${id}" is not an agency id (${[...agencies.keys()].join(', ') || 'no agencies yet'}).`,
        });
    }
  }
  return result;
}

/** The plan rows a review's recommendations become: one learning point each, its actions (or the recommendation itself) as rows. */
function planTable(reviewId: string, file: ReviewFile, leadText: Map<string, string>): Table {
  const headers = [...PLAN_COLUMNS];
  const rows: Table['rows'] = [];
  file.recommendations.forEach((r, i) => {
    const actions = r.actions?.length ? r.actions : [{ action: r.text, evidence: r.measure, lead: undefined, due: undefined }];
    actions.forEach((a, j) => {
      const cells: Record<string, string> = {
        'Learning point': j === 0 ? `Learning Point ${i + 1}: ${r.id} ${r.text}` : '',
        Action: a.action,
        Evidence: a.evidence ?? r.measure,
        'Completion date': a.due ?? r.due,
        Lead: a.lead ?? leadText.get(r.id) ?? '',
        Progress: '',
        Status: '',
        Review: j === 0 ? reviewId : '',
        Recommendation: j === 0 ? r.id : '',
      };
      rows.push({ rowNumber: rows.length + 2, cells });
    });
  });
  return { headers, rows };
}

/**
 * Records a review from its file: refused whole, with every problem named by its field, if any part
 * is wrong. Each recommendation becomes a learning point of the review's action plan through the
 * plan import (so reminders, RAG updates, escalations, rounds and the board report treat its
 * actions as any other), and gets its impact check. Adding the same review again updates it and
 * keeps the RAG given in Teams and the impact checks' answers.
 */
export async function addReview(deps: ReviewDeps, input: { orgId: string; requester: Requester; data: unknown; fileName: string }): Promise<AddReviewResult> {
  const partnership = await partnershipOf(deps.store, input.orgId);
  if (!allows(input.requester, (actor) => mayAddReview(actor, partnership)))
    throw new AppError('FORBIDDEN', 'Reviews are added by the partnership’s administrators.');
  const { file, problems } = checkReviewFile(input.data);
  if (!file) throw refuseReviewFile(problems);
  const owners = await resolveOwners(deps.store, partnership, file.recommendations);
  problems.push(...owners.problems);
  if (problems.length > 0) throw refuseReviewFile(problems);

  const reviewId = reviewIdOf(file);
  const planId = file.plan ?? reviewPlanId(reviewId);
  const importInput = { orgId: input.orgId, planId, title: file.title, fileName: input.fileName, table: planTable(reviewId, file, owners.leadText) };
  // The learning points the recommendations are in: numbered in file order for a plan of the review's own, or as an existing plan links them.
  const linked = new Map<string, number>();
  if (file.plan) {
    const existingPlan = (await new ActionPlan(deps.store).plansOf(input.orgId)).find((p) => p.id === file.plan);
    if (!existingPlan) throw refuseReviewFile([{ field: 'plan', message: `There is no plan "${file.plan}". Import it first (npm run cli -- plan import).` }]);
    for (const lp of existingPlan.learningPoints) if (lp.review?.reviewId === reviewId) linked.set(lp.review.recommendationId, lp.number);
  } else {
    // Rows the plan import would refuse refuse the review too: nothing is written unless all of it goes in.
    const dry = await importPlan(deps, { ...importInput, dryRun: true });
    if (dry.problems.length > 0) throw refuseReviewFile(dry.problems.map((p) => ({ field: `action row ${p.rowNumber - 1}`, message: p.reason })));
  }

  const records = new ReviewRecords(deps.store);
  const existing = await records.review(input.orgId, reviewId);
  const now = deps.clock.now().toISOString();
  const recommendations: Recommendation[] = file.recommendations.map((r, i) => ({
    id: r.id,
    lineOfEnquiry: r.lineOfEnquiry,
    text: r.text,
    outcome: r.outcome,
    measure: r.measure,
    owner: owners.owners.get(r.id)!,
    due: r.due,
    impactCheck: r.impactCheck ?? defaultImpactCheck(file.published),
    ...(r.agencies?.length ? { agencies: r.agencies } : {}),
    ...(r.questionnaire ? { questionnaire: r.questionnaire } : {}),
    actions: (r.actions ?? []).map((a) => ({
      action: a.action,
      evidence: a.evidence ?? r.measure,
      lead: a.lead ?? owners.leadText.get(r.id) ?? '',
      due: a.due ?? r.due,
    })),
    learningPoint: file.plan ? (linked.get(r.id) ?? 0) : i + 1,
  }));
  const by = input.requester === OPERATOR ? { name: 'operator (command line)' } : { personId: input.requester.id, name: (input.requester as Person).name };
  const review: Review = {
    id: reviewId,
    orgId: input.orgId,
    kind: 'review',
    reviewKind: file.kind,
    title: file.title,
    published: file.published,
    linesOfEnquiry: file.linesOfEnquiry,
    recommendations,
    planId,
    addedAt: existing?.addedAt ?? now,
    addedBy: existing?.addedBy ?? by,
    source: { fileName: input.fileName },
    updatedAt: now,
  };
  const plan = file.plan ? undefined : await importPlan(deps, { ...importInput, dryRun: false });
  await records.saveReview(review);

  let checksCreated = 0;
  let checksMoved = 0;
  for (const r of recommendations) {
    const check: ImpactCheck = {
      id: impactCheckId(reviewId, r.id),
      orgId: input.orgId,
      kind: 'impact-check',
      reviewId,
      recommendationId: r.id,
      dueOn: r.impactCheck,
      status: 'waiting',
      askedPersonIds: [],
      reminders: 0,
      postponements: [],
      version: 1,
    };
    if (await records.createCheckOnce(check)) checksCreated++;
    else {
      // A corrected date in the file moves a check nobody has been asked yet; an asked, answered or postponed one stays.
      let moved = false;
      await records.updateCheck(input.orgId, check.id, (c) => {
        moved = c.status === 'waiting' && c.postponements.length === 0 && c.dueOn !== r.impactCheck;
        return moved ? { ...c, dueOn: r.impactCheck, version: c.version + 1 } : undefined;
      });
      if (moved) checksMoved++;
    }
  }
  return { review, created: !existing, plan, checksCreated, checksMoved };
}

/** A review by id, or NOT_FOUND naming the ones there are. */
export async function requireReview(store: Store, orgId: string, id: string): Promise<Review> {
  const records = new ReviewRecords(store);
  const found = /^[a-z0-9][a-z0-9-]{2,79}$/.test(id) ? await records.review(orgId, id) : undefined;
  if (found) return found;
  const ids = (await records.allReviews(orgId)).map((r) => r.id);
  throw new AppError('NOT_FOUND', `There is no review "${id.slice(0, 80)}". Reviews: ${ids.join(', ') || 'none yet (npm run cli -- review add <file>)'}.`);
}

/** Every review, oldest publication first: what `review list` prints. */
export function listReviews(store: Store, orgId: string): Promise<Review[]> {
  return new ReviewRecords(store).allReviews(orgId);
}
