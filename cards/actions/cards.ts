import { formatDate, formatInstant } from '../../services/core/dates';
import type { FieldIssue } from '../../services/core/errors';
import type { EmailHelpers } from '../../services/kernel/message-kinds';
import type { MessageOf } from '../../services/delivery/messages';
import { isOverdue, RAG_LABELS, type Action, type Rag } from '../../services/plan';
import type { StatusSubmission } from '../../services/updates';
import { featureCards, listedText, md, mdName, type AdaptiveCardJson, type PageInfo } from '../render';
import { pageOf } from '../views';
import actionSummary from './templates/action-summary.json';
import actionUpdate from './templates/action-update.json';
import myActions from './templates/my-actions.json';
import reminderDigest from './templates/reminder-digest.json';

export type UpdateFormFields = 'status' | 'progress' | 'evidence' | 'reason' | 'remedialAction' | 'revisedDueDate';

/** What each of the actions' cards is expanded with. Text that came from people goes in TextRuns or through `md()`. */
export type ActionCardData = {
  'my-actions': {
    heading: string;
    count: number;
    /** `due` starts "⚠ Overdue: was due …" when the action is overdue, as the tab marks it; `overdue` makes it bold. */
    actions: { id: string; ref: string; due: string; overdue: boolean; description: string; statusLabel: string }[];
    paging: PageInfo;
  };
  'action-update': {
    actionId: string;
    version: number;
    ref: string;
    notice: string;
    description: string;
    evidenceExpected: string;
    due: string;
    leads: string;
    statusLabel: string;
    progress: string;
    values: Record<UpdateFormFields, string>;
    errors: Record<UpdateFormFields, string>;
  };
  'action-summary': {
    actionId: string;
    heading: string;
    notice: string;
    ref: string;
    description: string;
    statusLabel: string;
    due: string;
    leads: string;
    progress: string;
    evidence: string;
    reason: string;
    remedialAction: string;
    canUpdate: boolean;
  };
  'reminder-digest': {
    heading: string;
    intro: string;
    /** The outbox item the digest was sent as ('' for one sent before paging): "Show N more" reads its lines from there. */
    outboxId: string;
    /** No outbox item to page from: the rest are only counted, with a pointer to "my actions". */
    more: number;
    lines: {
      actionId: string;
      ref: string;
      why: string;
      leadName: string;
      description: string;
      statusLabel: string;
      snoozeChoices: { actionId: string; label: string; days: number }[];
    }[];
    paging: PageInfo;
  };
};

const render = featureCards<ActionCardData>({
  'my-actions': myActions,
  'action-update': actionUpdate,
  'action-summary': actionSummary,
  'reminder-digest': reminderDigest,
});

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

/** One page of the person's open actions, soonest due first; an overdue one says so, as the tab marks it. `today` is the organisation's date. */
export function myActionsCard(actions: Action[], today: string, page = 0): AdaptiveCardJson {
  const { shown, paging } = pageOf(actions, page);
  const overdue = actions.filter((a) => isOverdue(a, today)).length;
  return render('my-actions', {
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
  return render('action-update', {
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
  return render('action-summary', {
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

/**
 * One page of a reminder digest. A digest that knows its outbox item pages with "Show N more"
 * (the lines are read back from that item); one sent before it knew only counts the rest.
 */
export function digestCard(message: MessageOf<'reminder-digest'>, page: number): AdaptiveCardJson {
  const { shown, paging } = pageOf(message.lines, page);
  const pages = message.outboxId !== undefined;
  return render('reminder-digest', {
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

const STATUS: Record<string, string> = { R: 'Red', A: 'Amber', G: 'Green', B: 'Blue (complete)' };

/**
 * A digest line for an action the recipient covers during a colleague's leave. Its description
 * can quote case references, and the email goes to a second person outside Teams: reference,
 * status and due date only, and not whose action it is (a notice naming others says no names by email).
 */
const COVERED_LINE = 'you cover this action for a colleague on leave; its description is in Teams only.';

/** A reminder digest by email: each action's reference, status and why, and how to update them in Teams. */
export function digestEmail(message: MessageOf<'reminder-digest'>, h: EmailHelpers): { subject: string; body: string } {
  const e = h.html;
  return {
    subject: message.heading,
    body:
      `<p>${e(message.intro)}</p><ul>` +
      message.lines
        .map(
          (l) =>
            `<li><strong>${e(l.ref)}</strong> (${e(STATUS[l.status] ?? 'not rated')}): ${l.leadName ? COVERED_LINE : e(l.description)}<br>${e(l.why)}</li>`,
        )
        .join('') +
      '</ul>' +
      h.reply(`update them: type "action ${message.lines[0]?.ref ?? 'LP1.1'}" (or "my actions") in the chat with the app`),
  };
}
