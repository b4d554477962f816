import { formatDate, formatInstant } from '../services/core/dates';
import type { AppError, FieldIssue } from '../services/core/errors';
import { isOverdue, RAG_LABELS, type Action, type Rag } from '../services/plan/model';
import type { StatusSubmission } from '../services/updates/rules';
import {
  listedText,
  md,
  mdName,
  nameText,
  renderCard,
  type AdaptiveCardJson,
  type PageInfo,
  type RaiseFormFields,
  type TrainingFormFields,
  type UpdateFormFields,
} from './render';

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

const FORM_FIELDS: UpdateFormFields[] = ['status', 'progress', 'evidence', 'reason', 'remedialAction', 'revisedDueDate'];

export function dueText(action: Action): string {
  if (action.revisedDueDate) return `${formatDate(action.revisedDueDate)} (revised)`;
  const next = action.nextDueDate ? formatDate(action.nextDueDate) : '';
  const cadence = action.due.ongoing ? (action.due.ongoing.cadence === 'unspecified' ? 'ongoing' : `ongoing, ${action.due.ongoing.cadence}`) : '';
  return [next, cadence].filter(Boolean).join(', ') || 'no date';
}

const leadsText = (action: Action) => action.leads.map((l) => mdName(l.name)).join(', ') || 'none';
/** A RAG status in words ("A – Amber"): cards show it in the default colour, so the words carry it. */
export const statusLabel = (status: Rag) => (status === 'NR' ? RAG_LABELS.NR : `${status} – ${RAG_LABELS[status]}`);

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

/** One page of the person's open actions, soonest due first; an overdue one says so, as the tab marks it. `today` is the organisation's date. */
export function myActionsCard(actions: Action[], today: string, page = 0): AdaptiveCardJson {
  const { shown, paging } = pageOf(actions, page);
  const overdue = actions.filter((a) => isOverdue(a, today)).length;
  return renderCard('my-actions', {
    heading: `Your open actions (${actions.length}${overdue ? `, ${overdue} overdue` : ''})`,
    count: actions.length,
    actions: shown.map((a) => {
      const late = isOverdue(a, today);
      return {
        id: a.id,
        ref: a.ref,
        due: `${late ? '⚠ Overdue: was due ' : 'Due '}${md(dueText(a))}`,
        overdue: late,
        description: listedText(a.description),
        statusLabel: statusLabel(a.status),
      };
    }),
    paging,
  });
}

export function updateFormCard(action: Action, options: { notice?: string; values?: Partial<StatusSubmission>; issues?: FieldIssue[] } = {}): AdaptiveCardJson {
  const values = Object.fromEntries(
    FORM_FIELDS.map((f) => [f, String(options.values?.[f] ?? (f === 'status' && action.status !== 'NR' ? action.status : ''))]),
  ) as Record<UpdateFormFields, string>;
  const errors = Object.fromEntries(
    FORM_FIELDS.map((f) => [
      f,
      (options.issues ?? [])
        .filter((i) => i.field === f)
        .map((i) => i.message)
        .join(' '),
    ]),
  ) as Record<UpdateFormFields, string>;
  return renderCard('action-update', {
    actionId: action.id,
    version: action.version,
    ref: action.ref,
    notice: md(options.notice ?? ''),
    description: action.description,
    evidenceExpected: md(action.evidence || '—'),
    due: md(dueText(action)),
    leads: leadsText(action),
    statusLabel: statusLabel(action.status),
    progress: action.progress,
    values,
    errors,
  });
}

export function summaryCard(action: Action, options: { timeZone: string; canUpdate: boolean; notice?: string }): AdaptiveCardJson {
  const last = action.history[action.history.length - 1];
  const heading = last
    ? `Updated to ${RAG_LABELS[last.status]} by ${mdName(last.by.name)} on ${md(formatInstant(last.at, options.timeZone))}`
    : md(`${action.ref}: ${statusLabel(action.status)}`);
  return renderCard('action-summary', {
    actionId: action.id,
    heading,
    notice: md(options.notice ?? ''),
    ref: action.ref,
    description: action.description,
    statusLabel: statusLabel(action.status),
    due: md(dueText(action)),
    leads: leadsText(action),
    progress: action.progress,
    evidence: last?.evidence ?? '',
    reason: last?.reason ?? '',
    remedialAction: last?.remedialAction ?? '',
    canUpdate: options.canUpdate,
  });
}

export function noticeCard(title: string, text: string, options: { code?: string; tone?: NoticeTone } = {}): AdaptiveCardJson {
  return renderCard('notice', { title: `${TONE_SYMBOLS[options.tone ?? 'plain']}${md(title)}`, text: md(text), code: options.code ?? '' });
}

export function errorCard(error: AppError): AdaptiveCardJson {
  return noticeCard(error.code === 'FORBIDDEN' ? 'Not allowed' : 'That did not work', error.message, { code: error.code, tone: 'problem' });
}

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
  return renderCard('raise-concern', { notice: md(options.notice ?? ''), values, errors, namesChecked: options.namesChecked ? 'true' : 'false' });
}

export function escalationListCard(heading: string, items: { id: string; ref: string; title: string; detail: string }[], page = 0): AdaptiveCardJson {
  const { shown, paging } = pageOf(items, page);
  return renderCard('escalation-list', {
    heading: md(heading),
    count: items.length,
    items: shown.map((i) => ({ ...i, title: md(listedText(i.title)), detail: md(listedText(i.detail)) })),
    paging,
  });
}

export function factsCard(heading: string, facts: { title: string; value: string }[], intro = ''): AdaptiveCardJson {
  return renderCard('facts', { heading: md(heading), intro: md(intro), facts: facts.map((f) => ({ title: md(f.title), value: md(f.value) })) });
}

const TRAINING_FIELDS: TrainingFormFields[] = ['courseCode', 'completedOn', 'certificateUrl'];

export function trainingReportCard(
  courses: { code: string; name: string }[],
  options: { values?: Record<string, unknown>; issues?: FieldIssue[]; notice?: string } = {},
): AdaptiveCardJson {
  const values = Object.fromEntries(
    TRAINING_FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string).slice(0, 500) : '']),
  ) as Record<TrainingFormFields, string>;
  const errors = Object.fromEntries(
    TRAINING_FIELDS.map((f) => [
      f,
      (options.issues ?? [])
        .filter((i) => i.field === f)
        .map((i) => i.message)
        .join(' '),
    ]),
  ) as Record<TrainingFormFields, string>;
  return renderCard('training-report', { notice: md(options.notice ?? ''), courses, values, errors });
}

export function trainingVerifyCard(items: { id: string; title: string; detail: string }[], page = 0): AdaptiveCardJson {
  const { shown, paging } = pageOf(items, page);
  return renderCard('training-verify', {
    heading: `Training to verify (${items.length})`,
    count: items.length,
    items: shown.map((i) => ({ id: i.id, title: md(listedText(i.title)), detail: md(listedText(i.detail)) })),
    paging,
  });
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
