import type { PersonRef } from '../plan';

export const AUTOMATIC_CAUSES = ['action-red', 'amber-twice', 'overdue', 'no-response', 'owner-unreachable'] as const;
export const RAISED_CATEGORIES = ['professional-disagreement', 'referral-outcome', 'other-concern'] as const;
export type EscalationCause = (typeof AUTOMATIC_CAUSES)[number] | (typeof RAISED_CATEGORIES)[number];

export const CAUSE_LABELS: Record<EscalationCause, string> = {
  'action-red': 'Action turned Red',
  'amber-twice': 'Amber in two consecutive updates',
  overdue: 'Overdue with no update',
  'no-response': 'No response to reminders',
  'owner-unreachable': 'Owner cannot be reached in Teams',
  'professional-disagreement': 'Professional disagreement',
  'referral-outcome': 'Concern about a referral outcome',
  'other-concern': 'Other safeguarding concern',
};

export type EscalationStep = {
  at: string;
  by: PersonRef;
  what: 'raised' | 'acknowledged' | 'note' | 'assigned' | 'moved' | 'auto-moved' | 'resolved' | 'feedback-requested' | 'feedback-received' | 'feedback-overdue';
  stage: number;
  text?: string;
};

/**
 * One concern in the central record. Automatic ones are about an action; raised ones carry a
 * case reference, never a child's name. The whole history lives in the document.
 */
export type Escalation = {
  id: string;
  orgId: string;
  kind: 'escalation';
  ref: string;
  cause: EscalationCause;
  source: 'automatic' | 'raised';
  actionId?: string;
  actionRef?: string;
  summary: string;
  agency?: string;
  caseReference?: string;
  asked?: string;
  wanted?: string;
  immediateRisk: boolean;
  raisedBy: PersonRef;
  raisedAt: string;
  /** People concerned at stage 1 (the action's leads, or the raiser's manager). */
  involvedPersonIds: string[];
  stage: number;
  stageStartedAt: string;
  /** ISO date: the stage must be acknowledged by the end of this working day. */
  stageDeadline: string;
  highestStage: number;
  acknowledged?: { at: string; by: PersonRef };
  firstAcknowledgedAt?: string;
  assignedTo?: PersonRef;
  feedback?: { from: string; dueBy: string; requestedAt: string; receivedAt?: string; overdueHandled?: boolean };
  status: 'open' | 'resolved';
  outcome?: string;
  resolvedAt?: string;
  history: EscalationStep[];
  version: number;
};
