import { reportCard } from '../../cards/report-card';
import { returnCard, reviewListCard, section11Card, standardCard } from '../../cards/section11/cards';
import { personal, timeZoneOf, type CardRoute, type RouteContext, type TextCommand } from '../kernel/route-context';
import { returnsForReview, reviewStandard } from './scrutiny';
import { answerChallenge, openOverview, openReturn, openStandard, saveStandard, submitReturn } from './returns';
import { section11Grid } from './report';
import { section11Status, startSection11Round } from './rounds';
import { practitionerSurveyLine } from './survey';
import type { ReturnOverview } from './returns';

/**
 * Section 11 in Teams. Every card and command answers only in the 1:1 chat: a return's narratives
 * are its agency's and the partnership's, never a channel's. Card data names the round, the agency
 * and the standard; who acts is the activity's user, authorised against the stored return.
 */
const deps = (ctx: RouteContext) => ({ store: ctx.store, clock: ctx.clock, organisation: ctx.organisation });

/** The return's overview card, with the agency's practitioner survey beside it where the reader may see its results. */
const overviewCard = async (ctx: RouteContext, view: ReturnOverview) => returnCard(view, await practitionerSurveyLine(ctx, ctx.actor, view.ret.agency));

export const SECTION11_ROUTES: Record<string, CardRoute> = {
  's11.return': personal(async (ctx, data) => overviewCard(ctx, await openOverview(deps(ctx), { actor: ctx.actor, data }))),
  's11.standard': personal(async (ctx, data) => standardCard(await openStandard(deps(ctx), { actor: ctx.actor, data }))),
  's11.save': personal(async (ctx, data) => section11Card(await saveStandard(deps(ctx), { actor: ctx.actor, timeZone: timeZoneOf(ctx), data }))),
  's11.submit': personal(async (ctx, data) => returnCard(await submitReturn(deps(ctx), { actor: ctx.actor, data }))),
  's11.answer': personal(async (ctx, data) => standardCard(await answerChallenge(deps(ctx), { actor: ctx.actor, timeZone: timeZoneOf(ctx), data }))),
  's11.review': personal(async (ctx, data) => section11Card(await reviewStandard(deps(ctx), { actor: ctx.actor, timeZone: timeZoneOf(ctx), data }))),
};

export const SECTION11_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^self[- ]assessment$/i,
    example: 'self-assessment',
    description: 'Section 11 leads: your agency’s Section 11 self-assessment return, one card per standard; it saves as you go.',
    run: async (ctx) => overviewCard(ctx, await openReturn(deps(ctx), { actor: ctx.actor })),
  },
  {
    scope: 'personal',
    pattern: /^s11 review$/i,
    example: 's11 review',
    description: 'Business manager, partnership administrators: the Section 11 returns to accept or challenge.',
    run: async (ctx) => reviewListCard(await returnsForReview(deps(ctx), ctx.actor)),
  },
  {
    scope: 'personal',
    pattern: /^s11 summary$/i,
    example: 's11 summary',
    description: 'Business manager, partnership administrators: which agencies have submitted, are in progress or in challenge.',
    run: async (ctx) => reportCard(await section11Status(ctx, { orgId: ctx.actor.orgId, requester: ctx.actor })),
  },
  {
    scope: 'personal',
    pattern: /^s11 report$/i,
    example: 's11 report',
    description: 'Section 11 ratings by agency and standard, with the change from last round and the actions raised.',
    run: async (ctx) =>
      reportCard(
        await section11Grid(ctx, { orgId: ctx.actor.orgId, requester: ctx.actor }),
        'One row per agency and standard: npm run cli -- s11 report --format csv',
      ),
  },
  {
    scope: 'personal',
    pattern: /^s11 start ([a-z0-9-]{1,40}) (\d{4}-\d{2}-\d{2})$/i,
    example: 's11 start classic 2027-01-29',
    description: 'Partnership administrators: start a Section 11 round against a standards set, closing on a date.',
    run: async (ctx, match) => {
      const { round, withoutLead } = await startSection11Round(deps(ctx), {
        orgId: ctx.actor.orgId,
        requester: ctx.actor,
        standards: match[1]!.toLowerCase(),
        closesOn: match[2]!,
        timeZone: timeZoneOf(ctx),
      });
      const status = await section11Status(ctx, { orgId: ctx.actor.orgId, requester: ctx.actor, roundId: round.id });
      return reportCard({
        ...status,
        notes: [
          ...(status.notes ?? []),
          `Each agency’s lead has been asked.${withoutLead.length ? ` No lead to ask in: ${withoutLead.join(', ')} (grant s11-lead or safeguarding-lead there).` : ''}`,
        ],
      });
    },
  },
];
