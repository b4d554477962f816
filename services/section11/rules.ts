import { z } from 'zod';
import type { FieldIssue } from '../core/errors';
import { findIdentifyingText } from '../core/identifying';
import {
  MET_RATINGS,
  NOT_APPLICABLE,
  SCALES,
  WEAK_RATINGS,
  type ReturnState,
  type S11Return,
  type ScaleName,
  type StandardAnswer,
  type StandardSet,
} from './model';

/**
 * The rules of a return, as plain functions of its data: what a saved answer must hold, when a
 * return may be submitted, which standards become actions, and what state a return is in.
 */

export const MAX_NARRATIVE_CHARS = 4000;
export const MAX_REASON_CHARS = 1000;
export const MAX_LINKS = 10;

/** What the card sends for one standard, every field as typed. */
export type AnswerInput = { rating: string; naReason: string; narrative: string; evidenceLinks: string; proposedAction: string; proposedDue: string };
export type AnswerField = keyof AnswerInput;
export const ANSWER_FIELDS: AnswerField[] = ['rating', 'naReason', 'narrative', 'evidenceLinks', 'proposedAction', 'proposedDue'];

const cardText = (max: number) =>
  z
    .string()
    .max(max * 2)
    .catch('');
/** Card data is untrusted: anything that is not a string counts as empty; the checks below say what is wrong. */
export const answerInputSchema = z.object({
  rating: cardText(40),
  naReason: cardText(MAX_REASON_CHARS),
  narrative: cardText(MAX_NARRATIVE_CHARS),
  evidenceLinks: cardText(3000),
  proposedAction: cardText(MAX_REASON_CHARS),
  proposedDue: cardText(20),
});

export const ratingLabel = (scale: ScaleName, rating: string | undefined): string =>
  rating === NOT_APPLICABLE ? 'Not applicable' : (SCALES[scale].find((r) => r.value === rating)?.label ?? (rating ? rating : 'Not rated'));

export const isWeak = (rating: string | undefined) => !!rating && WEAK_RATINGS.includes(rating);
export const isMet = (rating: string | undefined) => !!rating && (MET_RATINGS.includes(rating) || rating === NOT_APPLICABLE);

const IDENTIFYING_FIELDS: AnswerField[] = ['naReason', 'narrative', 'proposedAction'];

function linksOf(text: string): { links: string[]; problem?: string } {
  const links = text
    .split(/[\s,]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (links.length > MAX_LINKS) return { links, problem: `At most ${MAX_LINKS} links.` };
  for (const link of links) {
    let url: URL | undefined;
    try {
      url = new URL(link);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:' || link.length > 500)
      return { links, problem: `"${link.slice(0, 60)}" is not a link: give https:// addresses only, one per line (no files).` };
  }
  return { links };
}

/**
 * Checks what was typed for one standard. Every problem comes back by field, so the card shows it
 * next to the field with the answers kept. A rating may be left blank while the return is in
 * progress; submitting needs one (see submitProblems). `today` is the organisation's date.
 */
export function checkAnswer(
  input: AnswerInput,
  scale: ScaleName,
  today: string,
): { issues: FieldIssue[]; answer?: Omit<StandardAnswer, 'rev' | 'savedBy' | 'savedAt'> } {
  const issues: FieldIssue[] = [];
  const add = (field: AnswerField, message: string) => issues.push({ field, message });
  const rating = input.rating.trim();
  const valid = [...SCALES[scale].map((r) => r.value as string), NOT_APPLICABLE];
  if (rating && !valid.includes(rating)) add('rating', `Choose one of ${SCALES[scale].map((r) => r.label).join(', ')} or Not applicable.`);
  const naReason = input.naReason.trim();
  if (rating === NOT_APPLICABLE && !naReason) add('naReason', 'Say why this standard does not apply to your agency.');
  if (naReason.length > MAX_REASON_CHARS) add('naReason', `At most ${MAX_REASON_CHARS} characters.`);
  const narrative = input.narrative.trim();
  if (narrative.length > MAX_NARRATIVE_CHARS) add('narrative', `At most ${MAX_NARRATIVE_CHARS} characters: put the rest in a linked document.`);
  const { links, problem } = linksOf(input.evidenceLinks);
  if (problem) add('evidenceLinks', problem);
  const proposedAction = input.proposedAction.trim();
  if (proposedAction.length > MAX_REASON_CHARS) add('proposedAction', `At most ${MAX_REASON_CHARS} characters.`);
  const proposedDue = input.proposedDue.trim();
  if (proposedDue && (!/^\d{4}-\d{2}-\d{2}$/.test(proposedDue) || Number.isNaN(Date.parse(proposedDue)))) add('proposedDue', 'Give a date.');
  else if (proposedDue && proposedDue <= today) add('proposedDue', 'The action’s due date must be in the future.');
  if (proposedAction && !proposedDue) add('proposedDue', 'Give the date the proposed action will be done by.');
  if (proposedDue && !proposedAction) add('proposedAction', 'Say what the action is, or clear its date.');
  if (isWeak(rating) && !proposedAction) add('proposedAction', 'A standard rated this low needs the action your agency proposes, with its date.');
  issues.push(...guardText(Object.fromEntries(IDENTIFYING_FIELDS.map((f) => [f, input[f]]))));
  if (issues.length) return { issues };
  return {
    issues,
    answer: {
      rating,
      ...(rating === NOT_APPLICABLE ? { naReason } : {}),
      narrative,
      evidenceLinks: links,
      ...(proposedAction && !isMet(rating) ? { proposedAction, proposedDue } : {}),
    },
  };
}

/** The identifier guard every text input of the product passes: text that identifies a child is refused, by field. */
export function guardText(fields: Record<string, string>): FieldIssue[] {
  return findIdentifyingText(fields).map((found) => ({
    field: found.field,
    message: `This looks like ${found.label}. Do not enter children’s names or identifying details; write a meeting date as "March 2026".`,
  }));
}

/** Why a return cannot be submitted yet, by standard: unrated, not applicable with no reason, carried forward unconfirmed. */
export function submitProblems(set: Pick<StandardSet, 'standards'>, ret: Pick<S11Return, 'answers'>): FieldIssue[] {
  const problems: FieldIssue[] = [];
  for (const s of set.standards) {
    const a = ret.answers[s.id];
    if (!a?.rating) problems.push({ field: s.id, message: 'Not rated yet.' });
    else if (a.rating === NOT_APPLICABLE && !a.naReason) problems.push({ field: s.id, message: 'Not applicable needs a reason.' });
    else if (a.carriedForward) problems.push({ field: s.id, message: 'Carried forward from last round: confirm or change it.' });
  }
  return problems;
}

/** The standards of an accepted return that become plan actions: every weak rating, and every proposed action. */
export const raisesAction = (a: StandardAnswer | undefined) => !!a && a.rating !== NOT_APPLICABLE && (isWeak(a.rating) || !!a.proposedAction);

/** Standards still in challenge: challenged and not yet accepted again. */
export const inChallenge = (ret: Pick<S11Return, 'answers'>) =>
  Object.entries(ret.answers)
    .filter(([, a]) => a.scrutiny && a.scrutiny.state !== 'accepted')
    .map(([id]) => id);

/** The state a return is in, as the summary and the csv say it. */
export function stateOf(ret: Pick<S11Return, 'status' | 'answers'> | undefined): ReturnState {
  if (!ret) return 'not started';
  if (ret.status === 'accepted') return 'accepted';
  if (ret.status === 'submitted') return inChallenge(ret).length > 0 ? 'challenged' : 'submitted';
  // Answers carried forward and not yet touched are last round's, not this one's.
  return Object.values(ret.answers).some((a) => !a.carriedForward) ? 'in progress' : 'not started';
}
