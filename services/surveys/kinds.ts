import { AppError } from '../core/errors';
import type { QuestionnaireKind } from './model';
import { staffQuestionnaire } from './kinds/staff';
import { teamCheck } from './kinds/team-check';

/**
 * Every kind of questionnaire (see QuestionnaireKind in model.ts), the staff questionnaire first. A
 * new kind is its file in kinds/ and its line here: campaigns, responses and results ask a
 * campaign's kind, and every surface (the Teams card, the command line, the tab) shows its results.
 */
export const QUESTIONNAIRE_KINDS: readonly QuestionnaireKind[] = [staffQuestionnaire, teamCheck];

/** The kind of every questionnaire and campaign stored before kinds existed, which carry none. */
export const STAFF_KIND = staffQuestionnaire.name;

// Checked once, at load: a kind that broke these would misfile answers or name anonymous ones.
for (const [i, kind] of QUESTIONNAIRE_KINDS.entries()) {
  if (QUESTIONNAIRE_KINDS.findIndex((k) => k.name === kind.name) !== i) throw new Error(`Two kinds of questionnaire are named "${kind.name}".`);
  if (kind.answersFor && kind.anonymity !== 'never')
    throw new Error(`The ${kind.label} is answered once per unit, so its answers name who gave them: it cannot be anonymous.`);
}

/** A kind by its stored name (none: the staff questionnaire); a name this version does not know is refused, never guessed. */
export function kindNamed(name: string | undefined): QuestionnaireKind {
  const kind = QUESTIONNAIRE_KINDS.find((k) => k.name === (name ?? STAFF_KIND));
  if (!kind)
    throw new AppError(
      'VALIDATION',
      `There is no kind of questionnaire "${String(name).slice(0, 40)}". Kinds: ${QUESTIONNAIRE_KINDS.map((k) => k.name).join(', ')}.`,
    );
  return kind;
}

/** The kind of a questionnaire or campaign, defaulting on read: no migration for those stored without one. */
export const kindOf = (doc: { questionnaireKind?: string | undefined }): QuestionnaireKind => kindNamed(doc.questionnaireKind);
