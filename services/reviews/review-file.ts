import path from 'node:path';
import { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError, type FieldIssue } from '../core/errors';
import { findIdentifyingText } from '../core/identifying';
import { REVIEW_KINDS } from './model';

/** A review file is a few pages of text at most; anything larger is not one. */
export const MAX_REVIEW_FILE_BYTES = 512 * 1024;
const MAX_RECOMMENDATIONS = 200;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string) => ISO_DATE.test(s) && DateTime.fromISO(s).isValid;

/** YAML may read an unquoted date as a Date: either way the file means the calendar date. */
const dateField = (what: string) =>
  z.preprocess(
    (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
    z.string({ error: `Give ${what} as a date, YYYY-MM-DD.` }).refine(isDate, { message: `Give ${what} as a date, YYYY-MM-DD.` }),
  );

const text = (max: number, missing: string) => z.string({ error: missing }).trim().min(1, missing).max(max, `At most ${max} characters.`);
const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters.`).optional();

const actionSchema = z.strictObject({
  action: text(2000, 'Say what will be done.'),
  evidence: optionalText(2000),
  lead: optionalText(200),
  due: dateField('the action’s completion date').optional(),
});

const recommendationSchema = z.strictObject({
  id: z
    .string({ error: 'Give the recommendation’s number as the review gives it (R1).' })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, 'A recommendation number is up to 20 letters, digits, dots or dashes (R1, 3.2).'),
  lineOfEnquiry: text(200, 'Say which line of enquiry this recommendation answers.'),
  text: text(2000, 'Give the recommendation’s text.'),
  outcome: text(1000, 'Say what outcome this recommendation is meant to bring: without it nobody can say whether it made a difference.'),
  measure: text(1000, 'Say how the outcome will be measured: without it the impact check has nothing to check.'),
  owner: text(200, 'Name the owner: a person’s email address or an agency id.'),
  due: dateField('the recommendation’s due date'),
  impactCheck: dateField('the impact check’s date').optional(),
  agencies: z.array(text(100, 'An agency id may not be empty.')).max(50).optional(),
  questionnaire: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'Name the questionnaire by its key (training-follow-up).')
    .optional(),
  actions: z.array(actionSchema).max(30, 'At most 30 actions per recommendation.').optional(),
});

export const reviewFileSchema = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{2,79}$/, 'A review id is 3–80 lower-case letters, digits or dashes.')
    .optional(),
  kind: z.enum(REVIEW_KINDS, { error: `The kind is one of ${REVIEW_KINDS.join(', ')}.` }),
  title: text(300, 'Give the review’s published name.'),
  published: dateField('the publication date'),
  linesOfEnquiry: z
    .array(text(200, 'A line of enquiry may not be empty.'), { error: 'List the review’s key lines of enquiry.' })
    .min(1, 'List the review’s key lines of enquiry.')
    .max(30),
  /** The recommendations are already learning points of this plan (its Review and Recommendation columns name them): no actions are added. */
  plan: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'A plan id is letters, digits, dashes and underscores.')
    .optional(),
  recommendations: z
    .array(recommendationSchema, { error: 'List the review’s recommendations.' })
    .min(1, 'List the review’s recommendations.')
    .max(MAX_RECOMMENDATIONS),
});

export type ReviewFile = z.infer<typeof reviewFileSchema>;
export type RecommendationEntry = ReviewFile['recommendations'][number];

/** A field's place in the file as people read it: recommendations.R2.outcome rather than recommendations.1.outcome. */
function fieldName(issuePath: readonly PropertyKey[], data: unknown): string {
  const parts: string[] = [];
  let node: unknown = data;
  issuePath.forEach((key, i) => {
    const parent = node as Record<PropertyKey, unknown> | undefined;
    node = parent && typeof parent === 'object' ? parent[key] : undefined;
    const id =
      typeof key === 'number' && issuePath[i - 1] === 'recommendations' && node && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
    parts.push(typeof id === 'string' && id.trim() ? id.trim() : typeof key === 'number' ? String(key + 1) : String(key));
  });
  return parts.join('.') || 'file';
}

/** The default impact check: twelve months after publication, as review guidance asks. */
export const defaultImpactCheck = (published: string) => DateTime.fromISO(published).plus({ months: 12 }).toISODate()!;

/** Reads a review file's text (YAML or JSON, by its name), or refuses it saying why. */
export function readReviewText(fileName: string, content: string): unknown {
  if (Buffer.byteLength(content, 'utf8') > MAX_REVIEW_FILE_BYTES)
    throw new AppError('VALIDATION', `A review file is at most ${MAX_REVIEW_FILE_BYTES / 1024} KB; this one is larger.`);
  const ext = path.extname(fileName).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(content);
    if (ext === '.yaml' || ext === '.yml') return parseYaml(content, { maxAliasCount: 20 });
  } catch (e) {
    throw new AppError(
      'VALIDATION',
      `${path.basename(fileName)} cannot be read as ${ext === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  throw new AppError('VALIDATION', `A review file is .yaml, .yml or .json, not "${ext || 'no extension'}".`);
}

/**
 * Checks a review file as a whole: its shape, its dates, that every recommendation answers a line
 * of enquiry the review lists, and that no text identifies a child. Every problem is named by its
 * field; the caller refuses the file whole if there is any.
 */
export function checkReviewFile(data: unknown): { file?: ReviewFile; problems: FieldIssue[] } {
  const parsed = reviewFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => ({
        field: fieldName(i.path, data),
        message: i.code === 'unrecognized_keys' ? `Not a field of a review file: ${i.keys.join(', ')}.` : i.message,
      })),
    };
  }
  const file = parsed.data;
  const problems: FieldIssue[] = [];
  const lines = new Set(file.linesOfEnquiry.map((l) => l.toLowerCase()));
  const seen = new Set<string>();
  for (const r of file.recommendations) {
    const at = `recommendations.${r.id}`;
    if (seen.has(r.id.toLowerCase())) problems.push({ field: `${at}.id`, message: `${r.id} is used by more than one recommendation.` });
    seen.add(r.id.toLowerCase());
    if (!lines.has(r.lineOfEnquiry.toLowerCase()))
      problems.push({
        field: `${at}.lineOfEnquiry`,
        message: `"${r.lineOfEnquiry}" is not one of the review’s lines of enquiry (${file.linesOfEnquiry.join('; ')}).`,
      });
    const check = r.impactCheck ?? defaultImpactCheck(file.published);
    if (check <= file.published) problems.push({ field: `${at}.impactCheck`, message: 'The impact check comes after the review is published.' });
    if (r.due < file.published) problems.push({ field: `${at}.due`, message: 'The due date is before the review was published.' });
    if (file.plan && r.actions?.length)
      problems.push({
        field: `${at}.actions`,
        message: `The review’s recommendations are already in the plan "${file.plan}": list their actions there, not here.`,
      });
    (r.actions ?? []).forEach((a, i) => {
      if (a.due && a.due < file.published)
        problems.push({ field: `${at}.actions.${i + 1}.due`, message: 'The completion date is before the review was published.' });
    });
  }
  // A review is about the system: the guard every other free text passes, on every text field.
  const texts: Record<string, string | undefined> = { title: file.title };
  file.linesOfEnquiry.forEach((l, i) => (texts[`linesOfEnquiry.${i + 1}`] = l));
  for (const r of file.recommendations) {
    const at = `recommendations.${r.id}`;
    Object.assign(texts, { [`${at}.lineOfEnquiry`]: r.lineOfEnquiry, [`${at}.text`]: r.text, [`${at}.outcome`]: r.outcome, [`${at}.measure`]: r.measure });
    (r.actions ?? []).forEach((a, i) =>
      Object.assign(texts, {
        [`${at}.actions.${i + 1}.action`]: a.action,
        [`${at}.actions.${i + 1}.evidence`]: a.evidence,
        [`${at}.actions.${i + 1}.lead`]: a.lead,
      }),
    );
  }
  for (const found of findIdentifyingText(texts)) {
    problems.push({ field: found.field, message: `This looks like ${found.label}. A review is about the system, never a child: remove identifying details.` });
  }
  return { file, problems };
}

/** The refusal of a whole file: one error naming every problem by its field. */
export function refuseReviewFile(problems: FieldIssue[]): AppError {
  const list = problems.map((p) => `${p.field}: ${p.message}`).join(' | ');
  return new AppError('VALIDATION', `The review was not added (nothing was written): ${problems.length} problem${problems.length === 1 ? '' : 's'}. ${list}`, {
    fields: problems,
  });
}
