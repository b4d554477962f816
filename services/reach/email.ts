import escapeHtml from 'escape-html';
import { formatDate } from '../core/dates';
import { oneLine, visibleText } from '../core/text';
import type { OutboundMessage } from '../delivery/messages';
import { messageKind } from '../kernel/message-kinds';

export type RenderedEmail = { subject: string; html: string };

/** Where the email points people: the 1:1 chat with the bot in Teams, where every card can be answered. */
export type EmailLinks = { teamsChat: string };

const STATUS: Record<string, string> = { R: 'Red', A: 'Amber', G: 'Green', B: 'Blue (complete)' };

const ESCALATION_SUBJECT = 'A safeguarding escalation to see in Teams';

/**
 * A digest line for an action the recipient covers during a colleague's leave. Its description
 * can quote case references, and the email goes to a second person outside Teams: reference,
 * status and due date only, and not whose action it is (a notice naming others says no names by email).
 */
const COVERED_LINE = 'you cover this action for a colleague on leave; its description is in Teams only.';

/**
 * The same message the Teams card carries, as a plain, accessible HTML email: real headings and
 * lists, no images or layout tables, and every piece of data escaped. Buttons cannot work in an
 * email, so it says how to answer in Teams instead.
 */
export function renderEmail(message: OutboundMessage, links: EmailLinks): RenderedEmail {
  // Hidden controls out first (a reversed name reads as someone else's), then HTML escaped.
  const e = (text: string) => escapeHtml(visibleText(text));
  const reply = (how: string) =>
    `<p><a href="${e(links.teamsChat)}">Open the Safeguarding Action Tracker in Teams</a> to ${e(how)}. Replies to this email are not read.</p>`;
  let subject: string;
  let body: string;
  switch (message.kind) {
    case 'reminder-digest':
      subject = message.heading;
      body =
        `<p>${e(message.intro)}</p><ul>` +
        message.lines
          .map(
            (l) =>
              `<li><strong>${e(l.ref)}</strong> (${e(STATUS[l.status] ?? 'not rated')}): ${l.leadName ? COVERED_LINE : e(l.description)}<br>${e(l.why)}</li>`,
          )
          .join('') +
        '</ul>' +
        reply(`update them: type "action ${message.lines[0]?.ref ?? 'LP1.1'}" (or "my actions") in the chat with the app`);
      break;
    case 'notice':
      subject = message.title;
      // Email leaves the organisation's control: a notice naming other people says only where to look.
      body = message.namesOthers
        ? `<p>The details name people, so they are in Teams only.</p>${reply('see them')}`
        : message.text
            .split('\n')
            .map((line) => `<p>${e(line)}</p>`)
            .join('') + reply('see more');
      break;
    case 'round-summary':
      subject = message.heading;
      body =
        `<p>Leads to update by ${e(formatDate(message.dueBy))}.</p><ul>` +
        `<li>Responded: ${message.responded.length}</li><li>Outstanding: ${message.outstanding.length}</li><li>Cannot be reached: ${message.unreachable.length}</li></ul>` +
        reply('see who');
      break;
    case 'questionnaire-invite':
      subject = message.chaser === 0 ? `Questionnaire: ${message.title}` : `Reminder: questionnaire "${message.title}"`;
      body =
        `<p>You are asked to answer "${e(message.title)}" by ${e(formatDate(message.closesOn))}.${message.anonymous ? ' Your answers are anonymous.' : ''}</p>` +
        reply('answer it: type "questionnaires" in the chat with the app');
      break;
    case 'escalation-alert': {
      // Email leaves the organisation's control: it says only that there is an escalation, and
      // where. Its kind, risk, stage, reference and deadline stay in Teams with the rest.
      const how = message.role === 'act' && !message.acknowledged ? 'read and acknowledge' : 'read';
      subject = ESCALATION_SUBJECT;
      body =
        `<p>There is a safeguarding escalation for you to ${how} in the Safeguarding Action Tracker in Teams.</p>` +
        reply(how === 'read' ? 'read it' : 'read and acknowledge it: type "escalations" in the chat with the app');
      break;
    }
    case 'escalation-channel-alert':
      // Meant for a team channel, which email never replaces; were it emailed, it says no more than the 1:1 alert's email.
      subject = ESCALATION_SUBJECT;
      body = '<p>There is a safeguarding escalation for you to read in the Safeguarding Action Tracker in Teams.</p>' + reply('read it');
      break;
    case 'feature':
      if (message.namesOthers) {
        // As a notice naming others: the details stay in Teams.
        subject = 'Something to see in the Safeguarding Action Tracker';
        body = '<p>There is something for you to see in the Safeguarding Action Tracker in Teams.</p>' + reply('see it');
      } else {
        ({ subject, body } = messageKind(message.type).email(message.payload, { html: e, reply }));
      }
      break;
  }
  // A subject is one line in every mail client: line breaks in a title or a name must not forge a second.
  subject = oneLine(subject);
  const html = `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body><h1>${e(subject)}</h1>${body}</body></html>`;
  return { subject, html };
}
