import { formatDate, formatInstant } from '../services/core/dates';
import type { AppError, FieldIssue } from '../services/core/errors';
import { RAG_LABELS, type Action, type Rag } from '../services/plan/model';
import type { StatusSubmission } from '../services/updates/rules';
import { listedText, md, mdName, nameText, renderCard, type AdaptiveCardJson, type CardColor, type RaiseFormFields, type TrainingFormFields, type UpdateFormFields } from './render';

/** A card must stay well under Teams' ~80 KB message limit, so long lists are cut. */
export const MAX_ACTIONS_PER_CARD = 25;

const RAG_COLORS: Record<Rag, CardColor> = { B: 'Accent', G: 'Good', A: 'Warning', R: 'Attention', NR: 'Default' };
const FORM_FIELDS: UpdateFormFields[] = ['status', 'progress', 'evidence', 'reason', 'remedialAction', 'revisedDueDate'];

export function dueText(action: Action): string {
  if (action.revisedDueDate) return `${formatDate(action.revisedDueDate)} (revised)`;
  const next = action.nextDueDate ? formatDate(action.nextDueDate) : '';
  const cadence = action.due.ongoing ? (action.due.ongoing.cadence === 'unspecified' ? 'ongoing' : `ongoing, ${action.due.ongoing.cadence}`) : '';
  return [next, cadence].filter(Boolean).join(', ') || 'no date';
}

const leadsText = (action: Action) => action.leads.map((l) => mdName(l.name)).join(', ') || 'none';
export const statusLabel = (status: Rag) => (status === 'NR' ? RAG_LABELS.NR : `${status} – ${RAG_LABELS[status]}`);
export const ragColor = (status: Rag): CardColor => RAG_COLORS[status];

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

export function myActionsCard(actions: Action[]): AdaptiveCardJson {
  const shown = actions.slice(0, MAX_ACTIONS_PER_CARD);
  return renderCard('my-actions', {
    heading: `Your open actions (${actions.length})`,
    count: actions.length,
    more: actions.length - shown.length,
    actions: shown.map((a) => ({ id: a.id, ref: a.ref, due: md(dueText(a)), description: listedText(a.description), statusLabel: statusLabel(a.status), statusColor: RAG_COLORS[a.status] })),
  });
}

export function updateFormCard(action: Action, options: { notice?: string; values?: Partial<StatusSubmission>; issues?: FieldIssue[] } = {}): AdaptiveCardJson {
  const values = Object.fromEntries(FORM_FIELDS.map((f) => [f, String(options.values?.[f] ?? (f === 'status' && action.status !== 'NR' ? action.status : ''))])) as Record<UpdateFormFields, string>;
  const errors = Object.fromEntries(FORM_FIELDS.map((f) => [f, (options.issues ?? []).filter((i) => i.field === f).map((i) => i.message).join(' ')])) as Record<UpdateFormFields, string>;
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
    statusColor: RAG_COLORS[action.status],
    ref: action.ref,
    description: action.description,
    statusLabel: statusLabel(action.status),
    due: md(dueText(action)),
    leads: leadsText(action),
    progress: action.progress,
    evidence: last?.evidence ?? '',
    remedialAction: last?.remedialAction ?? '',
    canUpdate: options.canUpdate,
  });
}

export function noticeCard(title: string, text: string, options: { code?: string; color?: CardColor } = {}): AdaptiveCardJson {
  return renderCard('notice', { title: md(title), text: md(text), code: options.code ?? '', color: options.color ?? 'Default' });
}

export function errorCard(error: AppError): AdaptiveCardJson {
  return noticeCard(error.code === 'FORBIDDEN' ? 'Not allowed' : 'That did not work', error.message, { code: error.code, color: 'Attention' });
}

const RAISE_FIELDS: RaiseFormFields[] = ['category', 'agency', 'caseReference', 'asked', 'wanted', 'immediateRisk'];

/** The raise-a-concern form, with the answers kept and any problem shown next to its field. */
export function raiseConcernCard(options: { values?: Record<string, unknown>; issues?: FieldIssue[]; notice?: string; namesChecked?: boolean } = {}): AdaptiveCardJson {
  const values = Object.fromEntries(RAISE_FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string).slice(0, 2000) : f === 'immediateRisk' ? 'false' : ''])) as Record<RaiseFormFields, string>;
  const errors = Object.fromEntries(RAISE_FIELDS.map((f) => [f, (options.issues ?? []).filter((i) => i.field === f).map((i) => i.message).join(' ')])) as Record<RaiseFormFields, string>;
  return renderCard('raise-concern', { notice: md(options.notice ?? ''), values, errors, namesChecked: options.namesChecked ? 'true' : 'false' });
}

export function escalationListCard(heading: string, items: { id: string; ref: string; title: string; detail: string }[]): AdaptiveCardJson {
  const shown = items.slice(0, MAX_ACTIONS_PER_CARD);
  return renderCard('escalation-list', { heading: md(heading), count: items.length, more: items.length - shown.length, items: shown.map((i) => ({ ...i, title: md(i.title), detail: md(i.detail) })) });
}

export function factsCard(heading: string, facts: { title: string; value: string }[], intro = ''): AdaptiveCardJson {
  return renderCard('facts', { heading: md(heading), intro: md(intro), facts: facts.map((f) => ({ title: md(f.title), value: md(f.value) })) });
}

const TRAINING_FIELDS: TrainingFormFields[] = ['courseCode', 'completedOn', 'certificateUrl'];

export function trainingReportCard(courses: { code: string; name: string }[], options: { values?: Record<string, unknown>; issues?: FieldIssue[]; notice?: string } = {}): AdaptiveCardJson {
  const values = Object.fromEntries(TRAINING_FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string).slice(0, 500) : ''])) as Record<TrainingFormFields, string>;
  const errors = Object.fromEntries(TRAINING_FIELDS.map((f) => [f, (options.issues ?? []).filter((i) => i.field === f).map((i) => i.message).join(' ')])) as Record<TrainingFormFields, string>;
  return renderCard('training-report', { notice: md(options.notice ?? ''), courses, values, errors });
}

export function trainingVerifyCard(items: { id: string; title: string; detail: string }[]): AdaptiveCardJson {
  const shown = items.slice(0, MAX_ACTIONS_PER_CARD);
  return renderCard('training-verify', { heading: `Training to verify (${items.length})`, count: items.length, items: shown.map((i) => ({ id: i.id, title: md(i.title), detail: md(i.detail) })) });
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
    color: 'Default',
    hasFacts: false,
    facts: [],
    url: personalChatLink(botId),
  });
}

/** An escalation alert for a team channel: what every member may see (reference, stage, deadline), and the way to the details. */
export function channelAlertCard(alert: { ref: string; stage: string; deadline: string; resolved: boolean }, botId: string): AdaptiveCardJson {
  return renderCard('personal-pointer', {
    heading: alert.resolved ? `Escalation ${md(alert.ref)} resolved` : `Escalation ${md(alert.ref)} needs attention`,
    text: 'The details are only shown to the people asked to act, in their 1:1 chat with me or in the dashboard tab. Type **escalations** there.',
    color: alert.resolved ? 'Good' : 'Attention',
    hasFacts: true,
    facts: [
      { title: 'Reference', value: md(alert.ref) },
      { title: 'Stage', value: md(alert.stage) },
      ...(alert.resolved ? [] : [{ title: 'Respond by', value: formatDate(alert.deadline) }]),
    ],
    url: personalChatLink(botId),
  });
}
