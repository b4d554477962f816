import { z } from 'zod';
import { today } from '../core/dates';
import { impactCheckCard, impactCheckEmail, type ImpactCheckView } from '../../cards/reviews/cards';
import { mayViewReviewReport } from '../access/policy';
import type { FeatureModule } from '../kernel/module';
import { IMPACT_CHECK_MESSAGE, runImpactChecks } from './impact-checks';
import { reviewAppendix, reviewBoardSection, reviewReport } from './reports';
import { reviewsErasure } from './erasure';
import { reviewsSubjectAccess } from './subject';
import { REVIEW_CARD_ROUTES, REVIEW_TEXT_COMMANDS } from './teams';

/** The outbox keeps what services/reviews queued; the renderers read it back through this, never trusting its shape. */
const impactCheckPayload = z.object({
  checkId: z.string(),
  version: z.number(),
  heading: z.string(),
  intro: z.string(),
  facts: z.array(z.object({ title: z.string(), value: z.string() })),
  figures: z.array(z.string()),
  chaser: z.number(),
});
const view = (payload: Record<string, unknown>): ImpactCheckView => impactCheckPayload.parse(payload);

const partnershipIn = (o: { orgId: string; leadAgencyId?: string }) => ({ orgId: o.orgId, ...(o.leadAgencyId ? { leadAgencyId: o.leadAgencyId } : {}) });

/**
 * Learning from reviews: practice reviews, rapid reviews and audits, their recommendations as
 * learning points of an action plan, and the 12-month impact check of each.
 */
export const REVIEWS_MODULE: FeatureModule = {
  name: 'reviews',
  containers: {
    /** Reviews and their impact checks: only what its repository filters on is indexed, free text is not. */
    reviews: { indexed: ['/kind', '/reviewId', '/status', '/dueOn', '/askedPersonIds/[]'] },
  },
  cardRoutes: REVIEW_CARD_ROUTES,
  subjectAccess: reviewsSubjectAccess,
  erasure: reviewsErasure,
  textCommands: REVIEW_TEXT_COMMANDS,
  cli: { review: async () => (await import('./cli.js')).REVIEW_COMMANDS },
  jobs: {
    'impact-checks': {
      cron: '45 9 * * 1-5',
      description:
        'Asks each recommendation’s owner what difference it made on its impact-check date; chases every second working day and escalates by the ladder’s rules',
      workingDaysOnly: true,
      run: runImpactChecks,
    },
  },
  messages: {
    [IMPACT_CHECK_MESSAGE]: {
      card: (payload) => impactCheckCard(view(payload)),
      email: (payload, helpers) => impactCheckEmail(view(payload), helpers),
    },
  },
  reports: [
    {
      name: 'reviews',
      title: 'Learning from reviews',
      description: 'Per review: each recommendation, its actions’ RAG, the impact check’s answer and the outcome measures met',
      params: z.object({
        review: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{2,79}$/, 'Give a review id (review list).')
          .optional(),
      }),
      allowed: (actor, organisation) => mayViewReviewReport(actor, partnershipIn(organisation)),
      build: (ctx, requester, params) =>
        reviewReport(ctx, {
          orgId: ctx.organisation.orgId,
          requester,
          timeZone: ctx.organisation.timeZone,
          ...(typeof params.review === 'string' ? { reviewId: params.review } : {}),
        }),
      // It names owners and what they answered: who saw it is recorded.
      audited: (params) => ({ kind: 'review-report', id: typeof params.review === 'string' ? params.review : 'all' }),
    },
    {
      name: 'review-appendix',
      title: 'Annual report appendix',
      description: 'What we learned, what we did, what difference it made, recommendation by recommendation',
      allowed: (actor, organisation) => mayViewReviewReport(actor, partnershipIn(organisation)),
      build: async (ctx, requester) => (await reviewAppendix(ctx, { orgId: ctx.organisation.orgId, requester, timeZone: ctx.organisation.timeZone })).table,
      audited: () => ({ kind: 'review-appendix', id: 'all' }),
    },
    {
      name: 'review-progress',
      title: 'Reviews at a glance',
      description: 'Every review’s progress on one line: recommendations, actions on target, impact checks answered and measures met',
      allowed: (actor, organisation) => mayViewReviewReport(actor, partnershipIn(organisation)),
      build: (ctx) => reviewBoardSection(ctx.store, ctx.organisation.orgId, ctx.asAt ?? today(ctx.clock, ctx.organisation.timeZone)),
      inBoardReport: true,
    },
  ],
};
