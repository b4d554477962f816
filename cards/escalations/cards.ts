import { formatDate } from '../../services/core/dates';
import type { FieldIssue } from '../../services/core/errors';
import type { MessageOf } from '../../services/delivery/messages';
import type { EmailHelpers } from '../../services/kernel/message-kinds';
import { featureCards, listedText, md, renderCard, type AdaptiveCardJson, type PageInfo } from '../render';
import { pageOf, personalChatLink } from '../views';
import escalationAlert from './templates/escalation-alert.json';
import escalationList from './templates/escalation-list.json';
import raiseConcern from './templates/raise-concern.json';

export type RaiseFormFields = 'category' | 'agency' | 'caseReference' | 'asked' | 'wanted' | 'immediateRisk';

/** What each of the escalations' cards is expanded with. Text that came from people goes in TextRuns or through `md()`. */
export type EscalationCardData = {
  'raise-concern': { notice: string; values: Record<RaiseFormFields, string>; errors: Record<RaiseFormFields, string>; namesChecked: 'true' | 'false' };
  'escalation-list': { heading: string; count: number; items: { id: string; ref: string; title: string; detail: string }[]; paging: PageInfo };
  'escalation-alert': {
    escalationId: string;
    heading: string;
    note: string;
    canAct: boolean;
    canAcknowledge: boolean;
    summary: string;
    facts: { title: string; value: string }[];
  };
};

const render = featureCards<EscalationCardData>({ 'raise-concern': raiseConcern, 'escalation-list': escalationList, 'escalation-alert': escalationAlert });

const RAISE_FIELDS: RaiseFormFields[] = ['category', 'agency', 'caseReference', 'asked', 'wanted', 'immediateRisk'];

/** The raise-a-concern form, with the answers kept and any problem shown next to its field. */
export function raiseConcernCard(
  options: { values?: Record<string, unknown>; issues?: FieldIssue[]; notice?: string; namesChecked?: boolean } = {},
): AdaptiveCardJson {
  const values = Object.fromEntries(
    RAISE_FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string).slice(0, 2000) : f === 'immediateRisk' ? 'false' : '']),
  ) as Record<RaiseFormFields, string>;
  const errors = Object.fromEntries(
    RAISE_FIELDS.map((f) => [
      f,
      (options.issues ?? [])
        .filter((i) => i.field === f)
        .map((i) => i.message)
        .join(' '),
    ]),
  ) as Record<RaiseFormFields, string>;
  return render('raise-concern', { notice: md(options.notice ?? ''), values, errors, namesChecked: options.namesChecked ? 'true' : 'false' });
}

export function escalationListCard(heading: string, items: { id: string; ref: string; title: string; detail: string }[], page = 0): AdaptiveCardJson {
  const { shown, paging } = pageOf(items, page);
  return render('escalation-list', {
    heading: md(heading),
    count: items.length,
    items: shown.map((i) => ({ ...i, title: md(listedText(i.title)), detail: md(listedText(i.detail)) })),
    paging,
  });
}

/** An escalation alert for a team channel: what every member may see (reference, stage, deadline), and the way to the details. */
export function channelAlertCard(alert: { ref: string; stage: string; deadline: string; resolved: boolean }, botId: string): AdaptiveCardJson {
  return renderCard('personal-pointer', {
    heading: alert.resolved ? `✓ Escalation ${md(alert.ref)} resolved` : `⚠ Escalation ${md(alert.ref)} needs attention`,
    text: 'The details are only shown to the people asked to act, in their 1:1 chat with me or in the dashboard tab. Type **escalations** there.',
    hasFacts: true,
    facts: [
      { title: 'Reference', value: md(alert.ref) },
      { title: 'Stage', value: md(alert.stage) },
      ...(alert.resolved ? [] : [{ title: 'Respond by', value: formatDate(alert.deadline) }]),
    ],
    url: personalChatLink(botId),
  });
}

/** An escalation's alert to one person: Acknowledge and the next steps for those asked to act, the facts for everyone. */
export function escalationAlertCard(message: MessageOf<'escalation-alert'>): AdaptiveCardJson {
  return render('escalation-alert', {
    escalationId: message.escalationId,
    heading: md(message.heading),
    note: md(message.note ?? ''),
    canAct: message.role === 'act',
    canAcknowledge: message.role === 'act' && !message.acknowledged,
    // Summaries quote what people typed: plain TextRun, not markdown.
    summary: message.summary,
    facts: message.facts.map((f) => ({ title: md(f.title), value: md(f.value) })),
  });
}

const ESCALATION_SUBJECT = 'A safeguarding escalation to see in Teams';

/**
 * An escalation alert by email. Email leaves the organisation's control: it says only that there is
 * an escalation, and where. Its kind, risk, stage, reference and deadline stay in Teams with the rest.
 */
export function escalationAlertEmail(message: MessageOf<'escalation-alert'>, h: EmailHelpers): { subject: string; body: string } {
  const how = message.role === 'act' && !message.acknowledged ? 'read and acknowledge' : 'read';
  return {
    subject: ESCALATION_SUBJECT,
    body:
      `<p>There is a safeguarding escalation for you to ${how} in the Safeguarding Action Tracker in Teams.</p>` +
      h.reply(how === 'read' ? 'read it' : 'read and acknowledge it: type "escalations" in the chat with the app'),
  };
}

/** Meant for a team channel, which email never replaces; were it emailed, it says no more than the 1:1 alert's email. */
export function channelAlertEmail(_message: MessageOf<'escalation-channel-alert'>, h: EmailHelpers): { subject: string; body: string } {
  return {
    subject: ESCALATION_SUBJECT,
    body: '<p>There is a safeguarding escalation for you to read in the Safeguarding Action Tracker in Teams.</p>' + h.reply('read it'),
  };
}
