import { DateTime } from 'luxon';
import { z } from 'zod';
import type { FieldIssue } from '../core/errors';
import { findIdentifyingText } from '../core/identifying';

export const LIMITS = { progress: 2000, evidence: 1000, reason: 1000, remedialAction: 1000 } as const;

const text = (max: number) =>
  z
    .string()
    .max(max * 2) // the rule below gives the friendly message; this only bounds what we read
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .optional()
    .default('');

/**
 * A status update as submitted from a card. The data is untrusted: only the action id and the
 * version come from the card itself, and they are checked against the store.
 */
export const statusSubmissionSchema = z.object({
  actionId: z.string().min(1).max(200),
  version: z.coerce.number().int().min(1).max(1_000_000),
  status: z.string().max(4).optional().default(''),
  progress: text(LIMITS.progress),
  evidence: text(LIMITS.evidence),
  reason: text(LIMITS.reason),
  remedialAction: text(LIMITS.remedialAction),
  revisedDueDate: z
    .string()
    .max(40)
    .optional()
    .default('')
    .transform((s) => s.trim()),
});

export type StatusSubmission = z.infer<typeof statusSubmissionSchema>;

export type ValidStatusUpdate = {
  status: 'B' | 'G' | 'A' | 'R';
  progress: string;
  evidence?: string;
  reason?: string;
  remedialAction?: string;
  revisedDueDate?: string;
};

const EVIDENCE_LINK = /^https?:\/\//i;

/**
 * The rules of a RAG update, from the plan's key: Amber and Red need a reason and the remedial
 * action; Blue (completed) needs evidence; a revised date must be in the future.
 */
export function checkStatusUpdate(input: StatusSubmission, today: string): { ok: true; value: ValidStatusUpdate } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });

  const status = ['B', 'G', 'A', 'R'].includes(input.status) ? (input.status as ValidStatusUpdate['status']) : undefined;
  if (!status) add('status', 'Choose Blue, Green, Amber or Red.');
  if (!input.progress) add('progress', 'Say briefly where this action stands.');
  for (const field of ['progress', 'evidence', 'reason', 'remedialAction'] as const) {
    if (input[field].length > LIMITS[field]) add(field, `Keep this under ${LIMITS[field]} characters (it has ${input[field].length}).`);
  }
  if ((status === 'A' || status === 'R') && !input.reason) add('reason', `${status === 'A' ? 'Amber' : 'Red'} needs the reason it is at risk.`);
  if ((status === 'A' || status === 'R') && !input.remedialAction)
    add('remedialAction', `${status === 'A' ? 'Amber' : 'Red'} needs the remedial action being taken.`);
  if (status === 'B' && !input.evidence) add('evidence', 'Blue (completed) needs evidence: what shows it is done, or a link to it.');
  // Reason and remedial action are copied into escalations; notes and evidence go to the board report.
  const guarded = {
    progress: input.progress,
    evidence: EVIDENCE_LINK.test(input.evidence) ? undefined : input.evidence,
    reason: input.reason,
    remedialAction: input.remedialAction,
  };
  for (const found of findIdentifyingText(guarded))
    add(found.field, `This looks like ${found.label}. Do not enter children’s names or identifying details; write a meeting date as "March 2026".`);
  if (input.evidence && /^[a-z][a-z0-9+.-]*:/i.test(input.evidence) && !EVIDENCE_LINK.test(input.evidence)) {
    add('evidence', 'Links must start with https:// (or describe the evidence in words).');
  }
  let revisedDueDate: string | undefined;
  if (input.revisedDueDate) {
    const date = DateTime.fromISO(input.revisedDueDate);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.revisedDueDate) || !date.isValid) add('revisedDueDate', 'Give the date as a calendar date.');
    else if (input.revisedDueDate <= today) add('revisedDueDate', 'A revised due date must be in the future.');
    else revisedDueDate = input.revisedDueDate;
  }
  if (issues.length > 0 || !status) return { ok: false, issues };
  return {
    ok: true,
    value: {
      status,
      progress: input.progress,
      ...(input.evidence ? { evidence: input.evidence } : {}),
      ...(status === 'A' || status === 'R' ? { reason: input.reason, remedialAction: input.remedialAction } : {}),
      ...(revisedDueDate ? { revisedDueDate } : {}),
    },
  };
}
