import type { DueSchedule } from './due-dates';
import type { Rag, ReviewLink } from './plan-rows';

export type { Rag, ReviewLink } from './plan-rows';

export const RAG_LABELS: Record<Rag, string> = {
  B: 'Blue',
  G: 'Green',
  A: 'Amber',
  R: 'Red',
  NR: 'Not yet rated',
};

/** The key from the source plan, shown wherever a status is chosen. */
export const RAG_MEANINGS: Record<Exclude<Rag, 'NR'>, string> = {
  B: 'Action completed',
  G: 'Action on target to be met',
  A: 'There is a risk that the action may not be completed on time',
  R: 'High risk that the action will not be completed; remedial action is required',
};

export type PersonRef = { personId?: string; name: string };

/** `review`: the review recommendation the learning point came from, when the import named one. */
export type LearningPoint = { number: number; title: string; review?: ReviewLink };

export type Plan = {
  id: string;
  orgId: string;
  title: string;
  learningPoints: LearningPoint[];
  owner?: PersonRef;
  period?: { start: string; end: string };
  reviewDates?: { lastReviewed?: string; nextReview?: string };
  source?: { fileName: string; importedAt: string };
};

export type StatusUpdate = {
  id: string;
  at: string;
  by: PersonRef;
  source: 'teams' | 'import';
  /** The action version the card showed, so a replayed submission is recognised. */
  fromVersion?: number;
  previousStatus: Rag;
  status: Rag;
  progress: string;
  evidence?: string;
  reason?: string;
  remedialAction?: string;
  revisedDueDate?: string;
};

/** Older updates of one action, in the actions container beside it; `part` counts from 0, oldest first (services/plan/history.ts). */
export type HistoryPart = { id: string; orgId: string; kind: 'history-part'; actionId: string; part: number; entries: StatusUpdate[] };

/** Everything that must change atomically about one action lives in this one document. */
export type Action = {
  id: string;
  orgId: string;
  planId: string;
  /** Stable natural key from the import, so re-importing the same row updates it. */
  importKey: string;
  ref: string;
  learningPoint: number;
  /** The review recommendation this action answers (from the import's Review and Recommendation columns). */
  review?: ReviewLink;
  description: string;
  evidence: string;
  due: DueSchedule;
  /** `due.ongoing` flattened, so the reminder job can select ongoing actions with an indexed filter. */
  ongoing: boolean;
  /** Set by an owner's update; takes precedence over the plan's dates. */
  revisedDueDate?: string;
  leads: PersonRef[];
  /** Person ids of the leads, kept flat so "my actions" is one indexed query. */
  leadIds: string[];
  status: Rag;
  progress: string;
  /** Bumped on every change; cards carry it so a stale card cannot overwrite a newer answer. */
  version: number;
  /** The latest updates; older ones are in history parts (services/plan/history.ts). */
  history: StatusUpdate[];
  /** How many history parts hold this action's older updates (absent: none). */
  historyParts?: number;
  /** What the last import set, to tell a changed file from a status changed in Teams since. */
  imported: { status: Rag; progress: string; rowNumber: number };
  open: boolean;
  /** The earliest date the action is due next, for sorting and reminder queries. */
  nextDueDate?: string;
  /** Reminders about this action are paused up to and including this date. */
  snoozedUntil?: string;
  /** Update rounds that asked about this action, so an answer refreshes only their summaries. */
  roundIds?: string[];
  updatedAt: string;
};

/** Blue is done; everything else still needs attention. */
export function isOpen(status: Rag): boolean {
  return status !== 'B';
}

/** The date an action is next due on or after `today` (ISO dates compare as strings), else its last date. */
export function nextDueDate(action: Pick<Action, 'due' | 'revisedDueDate'>, today: string): string | undefined {
  if (action.revisedDueDate) return action.revisedDueDate;
  const dates = action.due.dates;
  return dates.find((d) => d >= today) ?? dates[dates.length - 1];
}

/**
 * Overdue as the dashboard and the "my actions" card both show it: open, not ongoing, and its
 * revised or next due date is before `today` (an ISO date in the organisation's time zone).
 */
export function isOverdue(action: Pick<Action, 'open' | 'ongoing' | 'revisedDueDate' | 'nextDueDate'>, today: string): boolean {
  const due = action.revisedDueDate ?? action.nextDueDate;
  return action.open && !action.ongoing && !!due && due < today;
}
