import { DateTime } from 'luxon';
import { z } from 'zod';
import { AppError, type FieldIssue } from '../core/errors';
import { MAX_WRITTEN_CHARS, SCALE, type Answer, type Answers, type Question, type QuestionnaireDefinition } from './model';
import { findIdentifyingText } from '../core/identifying';

/** The answers a question offers, in order, with what people see; none for free text and dates. */
export function fixedAnswers(q: Question): { value: string; label: string }[] {
  switch (q.type) {
    case 'yes-no':
      return [
        { value: 'yes', label: 'Yes' },
        { value: 'no', label: 'No' },
      ];
    case 'single':
    case 'multi':
      return q.options;
    case 'scale':
      return SCALE.map((n) => ({ value: String(n), label: n === 1 ? `1 (${q.minLabel})` : n === 5 ? `5 (${q.maxLabel})` : String(n) }));
    default:
      return [];
  }
}

/** Card inputs are named after their question, so any other input name is not ours. */
export const inputName = (questionId: string) => `q_${questionId}`;

export function pagesOf(q: Pick<QuestionnaireDefinition, 'questions' | 'pageSize'>): Question[][] {
  const pages: Question[][] = [];
  for (let i = 0; i < q.questions.length; i += q.pageSize) pages.push(q.questions.slice(i, i + q.pageSize));
  return pages;
}

/** What a questionnaire card sends back. Everything in it is untrusted and checked here. */
const submissionSchema = z.object({
  campaignId: z.string().min(1).max(200),
  page: z.coerce.number().int().min(0).max(100),
  move: z.enum(['next', 'back', 'submit']),
  /** Raw answers from earlier pages, carried by the card rather than stored half-done. */
  carried: z.string().max(60_000).default('{}'),
  /** The respondent's own key to their answers (anonymous campaigns): random, held only by their card. */
  answerKey: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/, 'not an answer key'),
});

export type Submission = z.infer<typeof submissionSchema> & { raw: Record<string, string> };

/**
 * Reads a card submission against the questionnaire it claims to answer: known fields only, every
 * answer a string of bounded size. Extra fields (an id of someone else, say) are refused outright.
 */
export function parseSubmission(data: unknown, questionnaire: QuestionnaireDefinition): Submission {
  const object = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const inputs = new Set(questionnaire.questions.map((q) => inputName(q.id)));
  const known = new Set(['campaignId', 'page', 'move', 'carried', 'answerKey']);
  const unexpected = Object.keys(object).filter((k) => !known.has(k) && !inputs.has(k));
  if (unexpected.length)
    throw new AppError('VALIDATION', `This card sent fields it should not have (${unexpected.slice(0, 3).join(', ')}); nothing was saved.`);
  const parsed = submissionSchema.safeParse(object);
  if (!parsed.success)
    throw new AppError(
      'VALIDATION',
      `This card’s answer could not be read: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}. Nothing was saved.`,
    );

  let carried: unknown;
  try {
    carried = JSON.parse(parsed.data.carried);
  } catch {
    throw new AppError('VALIDATION', 'This card’s earlier answers could not be read; nothing was saved.');
  }
  const raw: Record<string, string> = {};
  const fromCarried = z.record(z.string(), z.string().max(2000)).safeParse(carried);
  if (!fromCarried.success) throw new AppError('VALIDATION', 'This card’s earlier answers could not be read; nothing was saved.');
  for (const [id, value] of Object.entries(fromCarried.data)) {
    if (!inputs.has(inputName(id)))
      throw new AppError('VALIDATION', `This card carried an answer to a question the questionnaire does not have ("${id.slice(0, 40)}"); nothing was saved.`);
    raw[id] = value;
  }
  for (const q of questionnaire.questions) {
    const value = object[inputName(q.id)];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > 2000)
      throw new AppError('VALIDATION', `The answer to "${q.text.slice(0, 60)}" is not valid; nothing was saved.`);
    raw[q.id] = value;
  }
  return { ...parsed.data, raw };
}

/** One raw card value as a stored answer, or the problem with it. Blank is `undefined`. */
export function readAnswer(q: Question, raw: string | undefined): { value?: Answer; issue?: string } {
  const text = (raw ?? '').replace(/\r\n?/g, '\n').trim();
  if (text === '') return q.required ? { issue: 'Please answer this question.' } : {};
  switch (q.type) {
    case 'yes-no':
      return text === 'yes' || text === 'no' ? { value: text } : { issue: 'Choose Yes or No.' };
    case 'single':
      return q.options.some((o) => o.value === text) ? { value: text } : { issue: 'Choose one of the options.' };
    case 'multi': {
      const values = [
        ...new Set(
          text
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ];
      if (values.some((v) => !q.options.some((o) => o.value === v))) return { issue: 'Choose from the options given.' };
      return values.length
        ? { value: q.options.map((o) => o.value).filter((v) => values.includes(v)) }
        : q.required
          ? { issue: 'Please answer this question.' }
          : {};
    }
    case 'scale':
      return /^[1-5]$/.test(text) ? { value: Number(text) } : { issue: 'Choose a number from 1 to 5.' };
    case 'text': {
      if (text.length > q.maxLength) return { issue: `Keep this under ${q.maxLength} characters (it has ${text.length}).` };
      // Written answers reach reports read by many: no child's details in them.
      const [found] = findIdentifyingText({ answer: text });
      return found ? { issue: `This looks like ${found.label}. Do not enter children’s names or identifying details.` } : { value: text };
    }
    case 'date': {
      const d = DateTime.fromISO(text, { zone: 'utc' });
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && d.isValid && d.year >= 1900 && d.year <= 2100 ? { value: text } : { issue: 'Give a date (YYYY-MM-DD).' };
    }
  }
}

/** Checks some questions (a page) or all of them; issues are keyed by question id. */
export function checkAnswers(questions: Question[], raw: Record<string, string>): { answers: Answers; issues: FieldIssue[] } {
  const answers: Answers = {};
  const issues: FieldIssue[] = [];
  for (const q of questions) {
    const { value, issue } = readAnswer(q, raw[q.id]);
    if (issue) issues.push({ field: q.id, message: issue });
    else if (value !== undefined) answers[q.id] = value;
  }
  return { answers, issues };
}

/** Stored answers back as card values, to show them again for a change. */
export function rawOf(answers: Answers): Record<string, string> {
  return Object.fromEntries(Object.entries(answers).map(([id, v]) => [id, Array.isArray(v) ? v.join(',') : String(v)]));
}

/** Room kept for the department, job title and agency labels and the entry's key and field names. */
const ENTRY_OVERHEAD_BYTES = 3 * 200 + 200;

/**
 * The most bytes one set of answers to this questionnaire takes as JSON: written answers at their
 * longest, three bytes a character (UTF-8 of any character typed, or an escaped quote), every
 * option of a multi-choice chosen. Answers are padded to this while they wait sealed, so the
 * sealed size says how many wait, never what any of them wrote.
 */
export function maxEntryBytes(questionnaire: Pick<QuestionnaireDefinition, 'questions'>): number {
  // A questionnaire added before written answers were capped is padded as if it kept to the cap, so
  // its waiting answers still fit one document (an answer longer than that then shows in the size).
  const writtenChars = Math.min(
    MAX_WRITTEN_CHARS,
    questionnaire.questions.reduce((n, q) => n + (q.type === 'text' ? q.maxLength : 0), 0),
  );
  const answerBytes = (q: Question): number => {
    switch (q.type) {
      case 'text':
        return 2;
      case 'multi':
        return q.options.reduce((n, o) => n + o.value.length + 3, 2);
      case 'single':
        return Math.max(...q.options.map((o) => o.value.length)) + 2;
      case 'yes-no':
        return 5;
      case 'scale':
        return 1;
      case 'date':
        return 12;
    }
  };
  return questionnaire.questions.reduce((n, q) => n + q.id.length + 4 + answerBytes(q), ENTRY_OVERHEAD_BYTES + 3 * writtenChars);
}
