import { z } from 'zod';
import { AppError, isAppError } from '../core/errors';
import type { Person } from '../people/model';
import { NOT_APPLICABLE, SCALES } from './model';
import { answerChallenge, openReturn, saveStandard, submitReturn, type ReturnContext, type ReturnView } from './returns';
import type { Section11Deps } from './rounds';
import { ANSWER_FIELDS, MAX_NARRATIVE_CHARS, MAX_REASON_CHARS, ratingLabel, stateOf, type AnswerField } from './rules';
import type { ReturnForm, ReturnFormField, ReturnFormStandard } from './form';

/**
 * The tab's form of a return, built from the same use cases as the cards (openReturn, saveStandard,
 * submitReturn, answerChallenge) and so under the same access rules; the shapes are in form.ts.
 */

const blank = (): Record<ReturnFormField, string> => ({
  rating: '',
  naReason: '',
  narrative: '',
  evidenceLinks: '',
  proposedAction: '',
  proposedDue: '',
  response: '',
});

function standardStatus(ctx: ReturnContext, id: string): string {
  const a = ctx.ret.answers[id];
  if (!a || (!a.rating && !a.narrative)) return 'Not started';
  const parts = [a.rating ? ratingLabel(ctx.round.scale, a.rating) : 'Not rated yet'];
  if (a.scrutiny?.state === 'challenged') parts.push('challenged: answer needed');
  if (a.scrutiny?.state === 'answered') parts.push('challenge answered');
  if (a.scrutiny?.state === 'accepted') parts.push('accepted');
  return parts.join('; ');
}

/** The form from a use case's view: the whole return, with the one standard it concerns as the view left it. */
export function returnForm(view: ReturnView): ReturnForm {
  const { round, ret, set } = view;
  const open = round.status === 'open';
  const editable = view.access.complete && ret.status === 'in-progress' && open;
  const standards = set.standards.map((s): ReturnFormStandard => {
    const a = ret.answers[s.id];
    const stored = {
      ...blank(),
      ...(a
        ? {
            rating: a.rating,
            naReason: a.naReason ?? '',
            narrative: a.narrative,
            evidenceLinks: a.evidenceLinks.join('\n'),
            proposedAction: a.proposedAction ?? '',
            proposedDue: a.proposedDue ?? '',
          }
        : {}),
    };
    const here = view.kind === 'standard' && view.standard.id === s.id;
    const sc = a?.scrutiny;
    return {
      id: s.id,
      title: s.title,
      prompts: s.prompts,
      values: here ? { ...stored, ...Object.fromEntries(Object.entries(view.raw).filter(([k]) => k in stored)) } : stored,
      saved: stored,
      rev: a?.rev ?? 0,
      status: standardStatus(view, s.id),
      carriedForward: !!a?.carriedForward,
      ...(a?.savedAt && a.rev > 0 ? { savedBy: { name: a.savedBy.name, at: a.savedAt } } : {}),
      ...(sc
        ? {
            scrutiny: {
              state: sc.state,
              by: sc.by.name,
              at: sc.at,
              ...(sc.comment ? { comment: sc.comment } : {}),
              ...(sc.response ? { response: sc.response } : {}),
              ...(sc.revisedFrom ? { revisedFrom: ratingLabel(round.scale, sc.revisedFrom) } : {}),
            },
          }
        : {}),
      mayAnswer: view.access.complete && open && sc?.state === 'challenged',
      issues: here ? view.issues : [],
      notice: here ? view.notice : '',
    };
  });
  return {
    kind: 'return',
    roundId: round.id,
    year: round.year,
    agency: ret.agency,
    agencyName: view.agencyName,
    closesOn: round.closesOn,
    ...(round.challengeEventOn ? { challengeEventOn: round.challengeEventOn } : {}),
    roundOpen: open,
    status: ret.status,
    state: stateOf(ret),
    editable,
    ratings: [...SCALES[round.scale].map((r) => ({ value: r.value as string, label: r.label as string })), { value: NOT_APPLICABLE, label: 'Not applicable' }],
    limits: { narrative: MAX_NARRATIVE_CHARS, reason: MAX_REASON_CHARS },
    notice: view.kind === 'overview' ? view.notice : '',
    submitIssues: view.kind === 'overview' ? view.issues : [],
    standards,
  };
}

const id = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'is not an id');
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'is not an agency or standard id');
/** Text as typed: the rules say what is too long or wrong, next to the field; only absurd sizes are refused outright. */
const typed = (max: number) =>
  z
    .string()
    .max(max * 2, `is longer than ${max * 2} characters`)
    .default('');
const ref = { roundId: id, agency: slug };
const answerFields = Object.fromEntries(
  ANSWER_FIELDS.map((f) => [
    f,
    typed(f === 'narrative' ? MAX_NARRATIVE_CHARS : f === 'evidenceLinks' ? 3000 : f === 'rating' || f === 'proposedDue' ? 40 : MAX_REASON_CHARS),
  ]),
) as Record<AnswerField, ReturnType<typeof typed>>;

/** What the tab's form sends: the return and the standard it names, and the fields as typed. Strict: anything else is a mistake. */
export const tabQuerySchema = z.object({ round: id.optional(), agency: slug.optional() }).strict();
export const tabSaveSchema = z.object({ ...ref, standardId: slug, rev: z.number().int().min(0).max(1_000_000), ...answerFields }).strict();
export const tabSubmitSchema = z.object(ref).strict();
export const tabAnswerSchema = z
  .object({
    ...ref,
    standardId: slug,
    response: typed(MAX_REASON_CHARS),
    rating: answerFields.rating,
    naReason: answerFields.naReason,
    proposedAction: answerFields.proposedAction,
    proposedDue: answerFields.proposedDue,
  })
  .strict();

function parsed<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields = result.error.issues.slice(0, 10).map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  throw new AppError('VALIDATION', `The form arrived malformed: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}.`, { fields });
}

/**
 * The tab's return: the reader's own agency's (or, for those who may see it, the agency named).
 * With nothing named and nothing to fill (no round yet, or their agency not asked), it says so.
 */
export async function openReturnForm(deps: Section11Deps, input: { actor: Person; query: unknown }): Promise<ReturnForm> {
  const q = parsed(tabQuerySchema, input.query);
  try {
    return returnForm(await openReturn(deps, { actor: input.actor, ...(q.agency ? { agency: q.agency } : {}), ...(q.round ? { roundId: q.round } : {}) }));
  } catch (e) {
    if (!q.agency && !q.round && isAppError(e, 'NOT_FOUND')) return { kind: 'none', message: e.message };
    throw e;
  }
}

/** Saves one standard as typed; the form comes back with that standard saved, or with its problems next to the fields and the typing kept. */
export async function saveFromForm(deps: Section11Deps, input: { actor: Person; timeZone: string; body: unknown }): Promise<ReturnForm> {
  return returnForm(await saveStandard(deps, { actor: input.actor, timeZone: input.timeZone, data: parsed(tabSaveSchema, input.body) }));
}

export async function submitFromForm(deps: Section11Deps, input: { actor: Person; body: unknown }): Promise<ReturnForm> {
  return returnForm(await submitReturn(deps, { actor: input.actor, data: parsed(tabSubmitSchema, input.body) }));
}

/** The agency's answer to a challenge, with a revised rating if it chooses (the answer is then its reason). */
export async function answerFromForm(deps: Section11Deps, input: { actor: Person; timeZone: string; body: unknown }): Promise<ReturnForm> {
  return returnForm(await answerChallenge(deps, { actor: input.actor, timeZone: input.timeZone, data: parsed(tabAnswerSchema, input.body) }));
}
