import type { AdaptiveCardJson } from '../../cards/render';
import { reportCard } from '../../cards/report-card';
import { surveyCard, surveyListCard } from '../../cards/surveys/views';
import { formatDate } from '../core/dates';
import { campaignsVisibleTo, describeAudience, listCampaigns } from './campaigns';
import { mayViewSurveyResults } from '../access/policy';
import { answerSurvey, mySurveys, openSurvey } from './responses';
import { campaignResults, resultsReport } from './results';
import { kindOf } from './kinds';
import { auditInTeams, objectOf, pageIn, personal, timeZoneOf, type CardRoute, type RouteContext, type TextCommand } from '../kernel/route-context';
import { AppError } from '../core/errors';
import type { AnswerDeps } from './answer-pool';
import type { AnswerSeal } from './seal';

/** What the questionnaire routes need beyond every route's context: the answer seal, which the Teams host wires (bot/tracker-bot.ts). */
type SurveyRouteContext = RouteContext<{ seal?: AnswerSeal }>;

/** The seal for anonymous answers: a host that did not wire it is a set-up mistake, said as one rather than a crash. */
function answering(ctx: SurveyRouteContext): AnswerDeps {
  if (!ctx.seal)
    throw new AppError('CONFIG_INVALID', 'Questionnaires cannot be answered here: this server was started without the answer seal (SURVEY_SEAL_KEY).');
  return { store: ctx.store, clock: ctx.clock, organisation: ctx.organisation, seal: ctx.seal };
}

/** A campaign's results as the card shows them: no written answer's text, which stays in the export. */
async function resultsCard(ctx: RouteContext, campaignId: string): Promise<AdaptiveCardJson> {
  const results = await campaignResults(ctx, ctx.actor.orgId, campaignId, ctx.actor);
  if (!results.campaign.anonymous) auditInTeams(ctx, { kind: 'questionnaire-results', id: results.campaign.id });
  return reportCard(resultsReport(results, { detail: 'summary' }), `Full results: npm run cli -- survey results ${results.campaign.id} --format xlsx`);
}

/**
 * Open questionnaires sent to me and, for those who run them, every campaign with its results:
 * one entry per campaign, saying whether it was sent to me or is one I review.
 */
async function surveysCard(ctx: RouteContext, page = 0): Promise<AdaptiveCardJson> {
  const campaigns = await listCampaigns(ctx.store, ctx.actor.orgId);
  const mine = await mySurveys(ctx, ctx.actor, campaigns);
  const reviewed = mayViewSurveyResults(ctx.actor) ? await campaignsVisibleTo(ctx, ctx.actor) : [];
  const hasResults = new Set(reviewed.filter((c) => c.status !== 'scheduled').map((c) => c.id));
  const sentToMe = new Set(mine.map((m) => m.campaign.id));
  const items = mine.map(({ campaign, answered }) => ({
    campaign,
    // Where one answer stands for a team, another of its managers may have given it.
    detail: `Sent to you: ${answered ? (kindOf(campaign).answersFor ? 'your team has answered' : 'you have answered') : 'not answered yet'}; open until ${formatDate(campaign.closesOn)}${campaign.anonymous ? '; anonymous' : ''}`,
    // An anonymous answer cannot be reopened by anyone, its author included, except from its own card.
    canAnswer: !answered || !campaign.anonymous,
    answered,
    canSeeResults: hasResults.has(campaign.id),
  }));
  for (const campaign of reviewed.filter((c) => !sentToMe.has(c.id))) {
    items.push({
      campaign,
      detail: `For review: ${campaign.status}; to ${describeAudience(campaign.audience)}; ${campaign.invited} asked; closes ${formatDate(campaign.closesOn)}`,
      canAnswer: false,
      answered: false,
      canSeeResults: hasResults.has(campaign.id),
    });
  }
  return surveyListCard('Questionnaires', items, 'No questionnaire is waiting for you.', page);
}

export const SURVEY_ROUTES = {
  'survey.open': personal(async (ctx: SurveyRouteContext, data) =>
    surveyCard(await openSurvey(answering(ctx), { actor: ctx.actor, timeZone: timeZoneOf(ctx), campaignId: objectOf(data).campaignId })),
  ),
  'survey.edit': personal(async (ctx: SurveyRouteContext, data) =>
    surveyCard(
      await openSurvey(answering(ctx), {
        actor: ctx.actor,
        timeZone: timeZoneOf(ctx),
        campaignId: objectOf(data).campaignId,
        answerKey: objectOf(data).answerKey,
      }),
    ),
  ),
  'survey.page': personal(async (ctx: SurveyRouteContext, data) =>
    surveyCard(await answerSurvey(answering(ctx), { actor: ctx.actor, timeZone: timeZoneOf(ctx), data })),
  ),
  'survey.list': personal(async (ctx, data) => surveysCard(ctx, pageIn(data))),
  'survey.results': personal(async (ctx, data) => {
    const id = objectOf(data).campaignId;
    return resultsCard(ctx, typeof id === 'string' ? id : '');
  }),
} satisfies Record<string, CardRoute>;

export const SURVEY_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: /^(?:my )?(?:surveys|questionnaires)$/i,
    example: 'surveys',
    description: 'Questionnaires sent to you that are open; administrators, HR and leads also see results.',
    menu: 5,
    run: (ctx) => surveysCard(ctx),
  },
  {
    scope: 'personal',
    pattern: /^(?:survey|questionnaire) results ([A-Za-z0-9_-]{1,200})$/i,
    example: 'survey results campaign-1',
    description: 'Administrators, HR, leads: one questionnaire’s results (or press Results beside it in "surveys").',
    run: (ctx, match) => resultsCard(ctx, match[1]!),
  },
];
