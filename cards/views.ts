import { formatDate, formatInstant } from '../services/core/dates';
import type { AppError, FieldIssue } from '../services/core/errors';
import { RAG_LABELS, type Action, type Rag } from '../services/plan/model';
import type { StatusSubmission } from '../services/updates/rules';
import { md, renderCard, type AdaptiveCardJson, type CardColor, type RaiseFormFields, type TrainingFormFields, type UpdateFormFields } from './render';

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

const leadsText = (action: Action) => md(action.leads.map((l) => l.name).join(', ') || 'none');
export const statusLabel = (status: Rag) => (status === 'NR' ? RAG_LABELS.NR : `${status} – ${RAG_LABELS[status]}`);
export const ragColor = (status: Rag): CardColor => RAG_COLORS[status];

export function welcomeCard(name: string, linked: boolean, openCount: number): AdaptiveCardJson {
  return renderCard('welcome', { heading: `Welcome, ${md(name)}`, linked, openCount });
}

export const HELP_COMMANDS = [
  { command: 'my actions', meaning: 'Your open actions, soonest due first, each with an Update button.' },
  { command: 'action LP2.3', meaning: 'Open one action by its reference to see or update it.' },
  { command: 'leave until 2026-12-31 delegate Jo Smith', meaning: 'While you are away, your delegate (name or email) gets your reminders and may update your actions.' },
  { command: 'back from leave', meaning: 'End leave cover early.' },
  { command: 'start round 2026-12-15', meaning: 'Administrators: ask every lead to update their actions by that date.' },
  { command: 'round status', meaning: 'Who has answered the open update round.' },
  { command: 'my training', meaning: 'The safeguarding courses your role needs, and where each stands.' },
  { command: 'report training', meaning: 'Tell HR about a course you completed (HR verifies it).' },
  { command: 'training report by department', meaning: 'HR, leads: completion rates by department, role or course.' },
  { command: 'training overdue', meaning: 'HR: who is overdue, by name.' },
  { command: 'training to verify', meaning: 'HR: self-reported completions to verify or reject.' },
  { command: 'raise concern', meaning: 'Raise a safeguarding concern or professional disagreement (case reference only, never a child’s name).' },
  { command: 'escalations', meaning: 'Open escalations you can see, with their stage and deadline.' },
  { command: 'escalations report 2026-07-01 2026-09-30', meaning: 'Safeguarding leads: the three-monthly review of the central record.' },
  { command: 'surveys', meaning: 'Questionnaires sent to you that are open; administrators, HR and leads also see results.' },
  { command: 'survey results <campaign>', meaning: 'Administrators, HR, leads: a questionnaire’s results.' },
  { command: 'notify by email', meaning: 'Get your messages by email, or "notify by both" for Teams and email, "notify by teams" to go back.' },
  { command: 'help', meaning: 'This list.' },
];

export function helpCard(notice = ''): AdaptiveCardJson {
  return renderCard('help', { notice: md(notice), commands: HELP_COMMANDS });
}

export function myActionsCard(actions: Action[]): AdaptiveCardJson {
  const shown = actions.slice(0, MAX_ACTIONS_PER_CARD);
  return renderCard('my-actions', {
    heading: `Your open actions (${actions.length})`,
    count: actions.length,
    more: actions.length - shown.length,
    actions: shown.map((a) => ({ id: a.id, ref: a.ref, due: md(dueText(a)), description: a.description, statusLabel: statusLabel(a.status), statusColor: RAG_COLORS[a.status] })),
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
    ? `Updated to ${RAG_LABELS[last.status]} by ${last.by.name} on ${formatInstant(last.at, options.timeZone)}`
    : `${action.ref}: ${statusLabel(action.status)}`;
  return renderCard('action-summary', {
    actionId: action.id,
    heading: md(heading),
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
export function raiseConcernCard(options: { values?: Record<string, unknown>; issues?: FieldIssue[]; notice?: string } = {}): AdaptiveCardJson {
  const values = Object.fromEntries(RAISE_FIELDS.map((f) => [f, typeof options.values?.[f] === 'string' ? (options.values[f] as string).slice(0, 2000) : f === 'immediateRisk' ? 'false' : ''])) as Record<RaiseFormFields, string>;
  const errors = Object.fromEntries(RAISE_FIELDS.map((f) => [f, (options.issues ?? []).filter((i) => i.field === f).map((i) => i.message).join(' ')])) as Record<RaiseFormFields, string>;
  return renderCard('raise-concern', { notice: md(options.notice ?? ''), values, errors });
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
