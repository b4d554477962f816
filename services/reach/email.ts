import escapeHtml from 'escape-html';
import { oneLine, visibleText } from '../core/text';
import type { OutboundMessage } from '../delivery/messages';
import { messageKind, storedKind } from '../kernel/message-kinds';

export type RenderedEmail = { subject: string; html: string };

/** Where the email points people: the 1:1 chat with the bot in Teams, where every card can be answered. */
export type EmailLinks = { teamsChat: string };

/**
 * The same message the Teams card carries, as a plain, accessible HTML email: real headings and
 * lists, no images or layout tables, and every piece of data escaped. Buttons cannot work in an
 * email, so it says how to answer in Teams instead. A notice is the kernel's; every other kind is
 * written by the feature module that declares it, with the same escaping and the same way back to Teams.
 */
export function renderEmail(message: OutboundMessage, links: EmailLinks): RenderedEmail {
  // Hidden controls out first (a reversed name reads as someone else's), then HTML escaped.
  const e = (text: string) => escapeHtml(visibleText(text));
  const reply = (how: string) =>
    `<p><a href="${e(links.teamsChat)}">Open the Safeguarding Action Tracker in Teams</a> to ${e(how)}. Replies to this email are not read.</p>`;
  let subject: string;
  let body: string;
  switch (message.kind) {
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
    case 'feature':
      if (message.namesOthers) {
        // As a notice naming others: the details stay in Teams.
        subject = 'Something to see in the Safeguarding Action Tracker';
        body = '<p>There is something for you to see in the Safeguarding Action Tracker in Teams.</p>' + reply('see it');
      } else {
        ({ subject, body } = messageKind(message.type).email(message.payload, { html: e, reply }));
      }
      break;
    default:
      // A kind a feature module declared under its own name renders by that module's email renderer.
      ({ subject, body } = storedKind(message.kind).email(message, { html: e, reply }));
  }
  // A subject is one line in every mail client: line breaks in a title or a name must not forge a second.
  subject = oneLine(subject);
  const html = `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body><h1>${e(subject)}</h1>${body}</body></html>`;
  return { subject, html };
}
