import { formatDate, formatInstant } from '../../services/core/dates';
import { clip } from '../../services/core/text';
import type { MessageOf } from '../../services/delivery/messages';
import type { EmailHelpers } from '../../services/kernel/message-kinds';
import { featureCards, md, nameText, type AdaptiveCardJson } from '../render';
import roundSummary from './templates/round-summary.json';

/** What the round summary card is expanded with. */
export type RoundCardData = {
  'round-summary': {
    heading: string;
    dueBy: string;
    asAt: string;
    respondedCount: string;
    outstandingCount: string;
    unreachableCount: string;
    responded: string;
    outstanding: string;
    unreachable: string;
  };
};

const render = featureCards<RoundCardData>({ 'round-summary': roundSummary });

/** Round summaries queued before they carried the organisation's time zone were all shown in London time. */
const ZONE_BEFORE_RECORDED = 'Europe/London';
/** A list of names is cut too: a round of many leads with long names must still fit one card. */
const MAX_NAME_LIST_CHARS = 6000;
const names = (list: string[]) => md(clip(list.join(', '), MAX_NAME_LIST_CHARS));

/** The administrator's round summary: how many leads responded, are outstanding (seen or not) and cannot be reached, and who. */
export function roundSummaryCard(message: MessageOf<'round-summary'>): AdaptiveCardJson {
  return render('round-summary', {
    heading: md(message.heading),
    dueBy: formatDate(message.dueBy),
    asAt: formatInstant(message.asAt, message.timeZone ?? ZONE_BEFORE_RECORDED),
    // TextBlock text must be a string; a bare number fails card validation.
    respondedCount: String(message.responded.length),
    outstandingCount: String(message.outstanding.length),
    unreachableCount: String(message.unreachable.length),
    responded: names(message.responded.map(nameText)),
    outstanding: names(
      message.outstanding.map((n) => (message.seen === undefined ? nameText(n) : `${nameText(n)} (${message.seen.includes(n) ? 'seen' : 'not yet seen'})`)),
    ),
    unreachable: names(message.unreachable.map(nameText)),
  });
}

/** The round summary by email: the figures only; who is in each group is in Teams. */
export function roundSummaryEmail(message: MessageOf<'round-summary'>, h: EmailHelpers): { subject: string; body: string } {
  return {
    subject: message.heading,
    body:
      `<p>Leads to update by ${h.html(formatDate(message.dueBy))}.</p><ul>` +
      `<li>Responded: ${message.responded.length}</li><li>Outstanding: ${message.outstanding.length}</li><li>Cannot be reached: ${message.unreachable.length}</li></ul>` +
      h.reply('see who'),
  };
}
