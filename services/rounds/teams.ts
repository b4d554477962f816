import type { AdaptiveCardJson } from '../../cards/render';
import { noticeCard } from '../../cards/views';
import { roundSummaryCard } from '../../cards/rounds/cards';
import { formatDate } from '../core/dates';
import { roundStatusFor, startRound } from './rounds';
import { DATE, timeZoneOf, type RouteContext, type TextCommand } from '../kernel/route-context';

async function roundStatus(ctx: RouteContext): Promise<AdaptiveCardJson> {
  const status = await roundStatusFor(ctx, ctx.actor);
  if (!status) return noticeCard('No update round is open', 'A plan administrator can start one with "start round YYYY-MM-DD".');
  const { round, progress } = status;
  return roundSummaryCard({
    kind: 'round-summary',
    roundId: round.id,
    heading: `Open update round (started by ${round.startedBy.name})`,
    dueBy: round.dueBy,
    ...progress,
    asAt: ctx.clock.now().toISOString(),
    timeZone: timeZoneOf(ctx),
  });
}

/** Update rounds: an administrator asks every lead for an update by a date, and follows who has answered. */
export const ROUND_TEXT_COMMANDS: TextCommand[] = [
  {
    scope: 'personal',
    pattern: new RegExp(`^start (?:update )?round(?: by)? ${DATE}$`, 'i'),
    example: 'start round 2027-01-15',
    description: 'Administrators: ask every lead to update their actions by that date.',
    run: async (ctx, match) => {
      const round = await startRound(ctx, { actor: ctx.actor, dueBy: match[1]!, timeZone: timeZoneOf(ctx), calendar: ctx.calendar });
      return noticeCard(
        'Update round started',
        `Every lead with open actions${round.agency ? ' in your agency' : ''} is being asked to update their actions by ${formatDate(round.dueBy)}. Your summary card follows within a minute, with how many were asked, and refreshes as they answer.`,
        { tone: 'done' },
      );
    },
    // Asking thousands of leads is background work: set going now rather than at the upkeep's next minute.
    afterAnswer: (app) => app.kickRoundUpkeep?.(),
  },
  {
    scope: 'personal',
    pattern: /^round status$/i,
    example: 'round status',
    description: 'Administrators: who has answered the open update round.',
    menu: 9,
    run: (ctx) => roundStatus(ctx),
  },
];
