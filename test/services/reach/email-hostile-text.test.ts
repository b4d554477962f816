import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import type { OutboundMessage } from '../../../services/delivery/messages';
import { renderEmail } from '../../../services/reach/email';
// Every kind of message but a notice is written by the feature module that declares it: the modules are registered first.
import '../../../bot/modules';

/**
 * An attacker controls text that goes into the email someone outside Teams gets from the
 * council's mailbox: a plan line, a lead's name, a questionnaire title, a notice. The email is
 * parsed as a mail client would (an HTML parser), not searched for strings.
 */
const LINKS = { teamsChat: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot-id' };

function digest(line: { description?: string; leadName?: string; heading?: string }): OutboundMessage {
  return {
    kind: 'reminder-digest',
    heading: line.heading ?? 'Actions due soon',
    intro: 'These actions are due soon.',
    snoozeChoices: [1, 3, 7],
    lines: [
      {
        actionId: 'a1',
        ref: 'LP1.1',
        description: line.description ?? 'Deliver training.',
        why: 'due in 5 working days',
        status: 'A',
        ...(line.leadName ? { leadName: line.leadName } : {}),
      },
    ],
  };
}

/** The email as a mail client's HTML parser reads it: its elements by tag, and the text it shows. */
function parsed(html: string) {
  const doc = parseDocument(html);
  const elements = (...tags: string[]) => DomUtils.findAll((e) => tags.includes(e.name), doc.children) as Element[];
  return { elements, text: DomUtils.textContent(doc), heading: DomUtils.textContent(elements('h1')[0]!) };
}

describe('hostile text in the fallback email', () => {
  const breakouts = [
    '</li></ul><p>Your account is locked. <a href="https://evil.example/login">Sign in again</a></p><ul><li>',
    '<img src="https://evil.example/pixel.gif?who=lead" alt="">',
    '"><a href=https://evil.example>x</a>',
    '<style>body{display:none}</style><p>Nothing due.</p>',
    '<!-- ',
  ];

  it.each(breakouts)('%s in a plan description, a lead’s name or a notice adds no element to the email', (attack) => {
    // A delegate's email leaves out the covered action's description and its lead's name altogether.
    const covered = parsed(renderEmail(digest({ description: attack, leadName: attack }), LINKS).html);
    expect(covered.elements('a').map((a) => a.attribs.href)).toEqual([LINKS.teamsChat]);
    expect(covered.text).not.toContain(attack.trim());
    const messages: OutboundMessage[] = [
      digest({ description: attack }),
      { kind: 'notice', title: `Notice ${attack}`, text: `Line one\n${attack}` },
      { kind: 'questionnaire-invite', campaignId: 'c1', title: attack, closesOn: '2026-12-04', anonymous: true, chaser: 0 },
    ];
    for (const message of messages) {
      const doc = parsed(renderEmail(message, LINKS).html);
      // The only link is the one to Teams; no image, style or comment swallows the rest.
      expect(doc.elements('a').map((a) => a.attribs.href)).toEqual([LINKS.teamsChat]);
      expect(doc.elements('img', 'style', 'script')).toEqual([]);
      expect(doc.text).toContain(attack.trim());
      expect(doc.text).toContain('Replies to this email are not read.');
    }
  });

  it('a right-to-left override or a control character in a name is taken out of the body and the subject', () => {
    const email = renderEmail(
      digest({ heading: 'Actions due for Val \u202enosnhoJ\u202c\u0007', description: 'Deliver \u2066training\u2069 with Val \u202enosnhoJ\u202c\u0007' }),
      LINKS,
    );
    expect(email.subject).toBe('Actions due for Val nosnhoJ');
    expect(email.html).not.toMatch(/[\u0000-\u0008\u202a-\u202e\u2066-\u2069]/);
    expect(parsed(email.html).text).toContain('Deliver training with Val nosnhoJ');
  });

  it('a questionnaire title with line breaks gives a one-line subject, not a forged second line', () => {
    const email = renderEmail(
      {
        kind: 'questionnaire-invite',
        campaignId: 'c1',
        title: 'Training survey\r\n\r\nURGENT: your DBS check has expired',
        closesOn: '2026-12-04',
        anonymous: false,
        chaser: 0,
      },
      LINKS,
    );
    expect(email.subject).toBe('Questionnaire: Training survey URGENT: your DBS check has expired');
    expect(parsed(email.html).heading).toBe(email.subject);
  });

  it('a notice naming other people says only where to look, whatever its text holds (regression)', () => {
    const email = renderEmail({ kind: 'notice', title: 'Cannot be reached', text: 'Jo Bloggs <jo@police.example>\nSam Smith', namesOthers: true }, LINKS);
    expect(parsed(email.html).text).not.toMatch(/Jo Bloggs|Sam Smith/);
  });
});
