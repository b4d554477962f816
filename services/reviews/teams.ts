import { z } from 'zod';
import { answeredOn, impactCheckCard, type ImpactCheckView } from '../../cards/reviews/cards';
import { noticeCard } from '../../cards/views';
import { reportCard } from '../../cards/report-card';
import { formatDate, formatInstant } from '../core/dates';
import { isAppError } from '../core/errors';
import { runReport } from '../kernel/reports';
import { objectOf, personal, timeZoneOf, type CardRoute, type RouteContext, type TextCommand } from '../kernel/route-context';
import { answerImpactCheck, checksFor, impactCheckMessage, postponeImpactCheck, type CheckInContext } from './impact-checks';
import { MEASURE_LABELS, OUTCOME_RAG_LABELS } from './model';

/** A check as its card shows it now: the form, or its answer once given. */
async function checkCard(ctx: RouteContext, found: CheckInContext, options: Parameters<typeof impactCheckCard>[1] = {}) {
  const view: ImpactCheckView = await impactCheckMessage(ctx.store, found);
  const a = found.check.answer;
  return impactCheckCard(view, {
    ...options,
    ...(a
      ? {
          answered: {
            by: a.by.name,
            at: answeredOn(a.at),
            measure: MEASURE_LABELS[a.measure],
            outcome: OUTCOME_RAG_LABELS[a.outcomeRag],
            changed: a.changed,
            evidence: a.evidenceLinks,
          },
        }
      : {}),
  });
}

const checkRef = z.object({ checkId: z.string().max(200) });

/**
 * An answer or a postponement from the card: the use case authorises the acting person against the
 * stored check; a form problem comes back on the same card, with the answers kept and each message
 * beside its field.
 */
function fromCard(act: typeof answerImpactCheck, done: (ctx: RouteContext, found: CheckInContext) => Promise<ReturnType<typeof impactCheckCard>>): CardRoute {
  return personal(async (ctx, data) => {
    try {
      return await done(ctx, await act(ctx, { actor: ctx.actor, data, timeZone: timeZoneOf(ctx) }));
    } catch (e) {
      const ref = checkRef.safeParse(data);
      if (!isAppError(e, 'VALIDATION') || e.fields.length === 0 || !ref.success) throw e;
      const mine = (await checksFor(ctx, ctx.actor, timeZoneOf(ctx))).find((c) => c.check.id === ref.data.checkId);
      if (!mine) throw e;
      return checkCard(ctx, mine, { notice: e.message, values: objectOf(data), issues: e.fields });
    }
  });
}

export const REVIEW_CARD_ROUTES: Record<string, CardRoute> = {
  'reviews.impact.answer': fromCard(answerImpactCheck, (ctx, found) =>
    checkCard(ctx, found, { notice: 'Thank you: your answer is recorded and goes into the review report.' }),
  ),
  'reviews.impact.postpone': fromCard(postponeImpactCheck, async (_ctx, found) =>
    noticeCard('Impact check moved', `We will ask again on ${formatDate(found.check.dueOn)}. Your reason is recorded with the review.`, { tone: 'done' }),
  ),
};

export const REVIEW_TEXT_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^impact checks?$/i,
    example: 'impact checks',
    description: 'Impact checks waiting for your answer: what difference a review’s recommendation made.',
    run: async (ctx) => {
      const waiting = await checksFor(ctx, ctx.actor, timeZoneOf(ctx));
      if (waiting.length === 0) return noticeCard('No impact checks', 'Nothing is waiting for your answer.');
      return checkCard(
        ctx,
        waiting[0]!,
        waiting.length > 1
          ? { notice: `${waiting.length} impact checks are waiting for you; this is the first. Type "impact checks" again for the next once it is answered.` }
          : {},
      );
    },
  },
  {
    scope: 'personal',
    pattern: /^review report(?:\s+([a-z0-9-]{1,80}))?$/i,
    example: 'review report',
    description: 'Partnership administrators and the business manager: each review’s recommendations, their actions’ RAG and what the impact checks found.',
    run: async (ctx, match) => {
      const { report } = await runReport(ctx, ctx.actor, 'reviews', match[1] ? { review: match[1].toLowerCase() } : {});
      return reportCard(
        report,
        `Reviews as at ${formatInstant(ctx.clock.now().toISOString(), ctx.organisation.timeZone)}. For the board paper: npm run cli -- review report --format xlsx; the annual report appendix: npm run cli -- review appendix.`,
      );
    },
  },
];
