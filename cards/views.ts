import type { AppError } from '../services/core/errors';
import { md, mdName, nameText, renderCard, type AdaptiveCardJson, type PageInfo } from './render';

/*
 * The kernel's card fillers: what every feature and host shares (notices and errors, facts, the
 * welcome and help cards, the pointer to the 1:1 chat, and list paging). A feature's own cards are
 * in cards/<feature>/.
 */

/**
 * Items on one page of a list card. Each item shows one button, and "Show N more" is the sixth:
 * Teams shows at most 6 actions side by side, and a card of 25 buttons is a wall nobody reads.
 */
export const LIST_PAGE_SIZE = 5;

/** One page of a list (a page past the end shows the last), and what the card says about where it is. */
export function pageOf<T>(items: readonly T[], page: number): { shown: T[]; paging: PageInfo } {
  const pages = Math.max(1, Math.ceil(items.length / LIST_PAGE_SIZE));
  const at = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
  const shown = items.slice(at * LIST_PAGE_SIZE, (at + 1) * LIST_PAGE_SIZE);
  const rest = items.length - (at + 1) * LIST_PAGE_SIZE;
  return {
    shown,
    paging: {
      page: at,
      range: items.length > LIST_PAGE_SIZE ? `Showing ${at * LIST_PAGE_SIZE + 1}–${at * LIST_PAGE_SIZE + shown.length} of ${items.length}.` : '',
      hasNext: rest > 0,
      nextPage: at + 1,
      nextLabel: `Show ${Math.min(LIST_PAGE_SIZE, Math.max(0, rest))} more`,
      hasPrevious: at > 0,
    },
  };
}

/**
 * What a notice is about, said with a symbol before its title: colour alone carries no meaning
 * (and Teams' Good and Warning text colours are unreadable on its light theme).
 */
export type NoticeTone = 'done' | 'problem' | 'plain';
const TONE_SYMBOLS: Record<NoticeTone, string> = { done: '✓ ', problem: '⚠ ', plain: '' };

export function welcomeCard(name: string, linked: boolean, openCount: number): AdaptiveCardJson {
  // Without a name (the Agents Playground sends none with an install) the heading is just "Welcome".
  return renderCard('welcome', { heading: nameText(name).trim() ? `Welcome, ${mdName(name)}` : 'Welcome', linked, openCount });
}

/** One typed command as the help card lists it. */
export type HelpEntry = { command: string; meaning: string; inChannel: boolean };

/**
 * The commands the bot understands, each marked if it also answers in a channel or group chat;
 * the rest answer only in a 1:1 chat, because what they show can name people or cases.
 */
export function helpCard(commands: HelpEntry[], notice = ''): AdaptiveCardJson {
  const inChannel = commands.filter((c) => c.inChannel).map((c) => `"${c.command}"`);
  return renderCard('help', {
    notice: md(notice),
    commands: commands.map((c) => ({ command: c.command, meaning: c.inChannel ? `${c.meaning} Works in a channel too.` : c.meaning })),
    channelNote: inChannel.length
      ? `In a team channel or group chat I answer only ${inChannel.join(', ')}; everything else works in a 1:1 chat with me, because it can name people or cases.`
      : 'Everything works in a 1:1 chat with me only, because it can name people or cases.',
  });
}

export function noticeCard(title: string, text: string, options: { code?: string; tone?: NoticeTone } = {}): AdaptiveCardJson {
  return renderCard('notice', { title: `${TONE_SYMBOLS[options.tone ?? 'plain']}${md(title)}`, text: md(text), code: options.code ?? '' });
}

export function errorCard(error: AppError): AdaptiveCardJson {
  return noticeCard(error.code === 'FORBIDDEN' ? 'Not allowed' : 'That did not work', error.message, { code: error.code, tone: 'problem' });
}

export function factsCard(heading: string, facts: { title: string; value: string }[], intro = ''): AdaptiveCardJson {
  return renderCard('facts', { heading: md(heading), intro: md(intro), facts: facts.map((f) => ({ title: md(f.title), value: md(f.value) })) });
}

/**
 * Teams' deep link that opens the 1:1 chat with the bot. The bot's Teams id is `28:<app id>`; the
 * link needs that form whichever of the two it is given.
 */
export function personalChatLink(botId: string): string {
  // App ids are GUIDs; anything else in an activity's recipient id is dropped rather than put in a link.
  const appId = botId.replace(/^28:/, '').replace(/[^A-Za-z0-9-]/g, '');
  return `https://teams.microsoft.com/l/chat/0/0?users=28:${appId}`;
}

/** What the bot says in a channel or group chat to anything but help: personal data stays in the 1:1 chat. */
export function personalPointerCard(botId: string): AdaptiveCardJson {
  return renderCard('personal-pointer', {
    heading: 'Let’s talk in a 1:1 chat',
    text: 'Actions, training, escalations and questionnaires can name people and cases, so I only answer them in a personal chat with you, not here. Type **help** here to see what I can do.',
    hasFacts: false,
    facts: [],
    url: personalChatLink(botId),
  });
}
