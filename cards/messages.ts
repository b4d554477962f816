import { messageKind } from '../services/kernel/message-kinds';
import { formatDate, formatInstant } from '../services/core/dates';
import type { OutboundMessage } from '../services/delivery/messages';
import { clip } from '../services/core/text';
import { listedText, md, mdName, nameText, renderCard, type AdaptiveCardJson } from './render';
import { channelAlertCard, noticeCard, pageOf, statusLabel } from './views';

/** Round summaries queued before they carried the organisation's time zone were all shown in London time. */
const ZONE_BEFORE_RECORDED = 'Europe/London';
/** A list of names is cut too: a round of many leads with long names must still fit one card. */
const MAX_NAME_LIST_CHARS = 6000;
const names = (list: string[]) => md(clip(list.join(', '), MAX_NAME_LIST_CHARS));

type Digest = Extract<OutboundMessage, { kind: 'reminder-digest' }>;

/**
 * One page of a reminder digest. A digest that knows its outbox item pages with "Show N more"
 * (the lines are read back from that item); one sent before it knew only counts the rest.
 */
export function digestCard(message: Digest, page: number): AdaptiveCardJson {
  const { shown, paging } = pageOf(message.lines, page);
  const pages = message.outboxId !== undefined;
  return renderCard('reminder-digest', {
    heading: md(listedText(message.heading)),
    intro: md(listedText(message.intro)),
    outboxId: message.outboxId ?? '',
    more: pages ? 0 : message.lines.length - shown.length,
    lines: shown.map((l) => ({
      actionId: l.actionId,
      ref: l.ref,
      why: md(listedText(l.why)),
      leadName: mdName(l.leadName ?? ''),
      description: listedText(l.description),
      statusLabel: statusLabel(l.status),
      // Each choice carries its action id: inside a repeated element the template only sees that element.
      snoozeChoices: message.snoozeChoices.map((days) => ({ actionId: l.actionId, days, label: days === 1 ? '1 day' : `${days} days` })),
    })),
    paging: pages ? paging : { ...paging, hasNext: false, hasPrevious: false },
  });
}

/** The card for each kind of proactive message the outbox holds; `botId` is the sending bot's Teams id, for links to its 1:1 chat. */
export function renderMessage(message: OutboundMessage, botId = ''): AdaptiveCardJson {
  switch (message.kind) {
    case 'reminder-digest':
      return digestCard(message, 0);
    case 'round-summary':
      return renderCard('round-summary', {
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
    case 'notice':
      return noticeCard(message.title, message.text);
    case 'questionnaire-invite':
      return renderCard('questionnaire-invite', {
        heading: md(message.chaser === 0 ? message.title : `Reminder: ${message.title}`),
        intro: message.chaser === 0 ? 'You are asked to answer a short questionnaire.' : 'We have not had your answers yet. It only takes a few minutes.',
        closes: formatDate(message.closesOn),
        anonymous: message.anonymous,
        campaignId: message.campaignId,
      });
    case 'escalation-alert':
      return renderCard('escalation-alert', {
        escalationId: message.escalationId,
        heading: md(message.heading),
        note: md(message.note ?? ''),
        canAct: message.role === 'act',
        canAcknowledge: message.role === 'act' && !message.acknowledged,
        // Summaries quote what people typed: plain TextRun, not markdown.
        summary: message.summary,
        facts: message.facts.map((f) => ({ title: md(f.title), value: md(f.value) })),
      });
    case 'escalation-channel-alert':
      return channelAlertCard(message, botId);
    case 'feature':
      return messageKind(message.type).card(message.payload, botId);
  }
}
