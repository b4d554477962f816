import { z } from 'zod';
import { today } from '../core/dates';
import { AppError, type FieldIssue } from '../core/errors';
import { agencyOf, mayCompleteSection11Return, mayScrutiniseSection11, mayViewSection11Return, type Partnership } from '../access/policy';
import { partnershipFor } from '../organisation/organisations';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import {
  NOT_APPLICABLE,
  returnId,
  SCALES,
  type PersonStamp,
  type S11Return,
  type S11Round,
  type Standard,
  type StandardAnswer,
  type StandardSet,
} from './model';
import { Section11Store } from './repository';
import { agencyHasS11Lead, currentRound, previousRound, tellAboutRound, type Section11Deps } from './rounds';
import { answerInputSchema, checkAnswer, guardText, MAX_REASON_CHARS, submitProblems, type AnswerInput } from './rules';
import { findStandardSet } from './standards';

/** What a person may do with one agency's return. */
export type ReturnAccess = { complete: boolean; scrutinise: boolean };

/** The return as its cards show it: the overview of every standard, or one standard's card. */
export type ReturnContext = { round: S11Round; set: StandardSet; ret: S11Return; agencyName: string; access: ReturnAccess };
export type ReturnOverview = ReturnContext & { kind: 'overview'; notice: string; issues: FieldIssue[] };
export type StandardView = ReturnContext & {
  kind: 'standard';
  standard: Standard;
  index: number;
  answer?: StandardAnswer;
  /** What the fields show: the stored answer, or what was typed when it came back with problems. */
  raw: AnswerInput & { response: string; comment: string };
  issues: FieldIssue[];
  notice: string;
};
export type ReturnView = ReturnOverview | StandardView;

const stamp = (p: Person): PersonStamp => ({ personId: p.id, name: p.name });
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/);
/** Card data names the return and the standard; the acting person comes from the activity. */
const cardRef = z.object({
  roundId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  agency: slug,
  standardId: slug.optional(),
  rev: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

function refOf(data: unknown) {
  const parsed = cardRef.safeParse(data);
  if (!parsed.success) throw new AppError('VALIDATION', 'This card arrived incomplete. Type "self-assessment" for a fresh one.');
  return parsed.data;
}

async function accessFor(deps: Section11Deps, actor: Person, agency: string, partnership: Partnership): Promise<ReturnAccess & { view: boolean }> {
  const scrutinise = mayScrutiniseSection11(actor, partnership);
  const complete = mayCompleteSection11Return(actor, agency, partnership, await agencyHasS11Lead(deps.store, actor.orgId, agency, partnership));
  return { complete, scrutinise, view: complete || mayViewSection11Return(actor, agency, partnership) };
}

/**
 * Loads a return for the actor, refusing anyone the access policy keeps from it. A lead opening
 * their agency's return for the first time creates it, each of last round's answers to standards
 * of the same id offered as the starting point, marked carried forward.
 */
async function load(deps: Section11Deps, actor: Person, roundId: string | undefined, agency: string | undefined): Promise<ReturnContext> {
  const partnership = await partnershipFor(deps, actor.orgId);
  const round = await currentRound(deps.store, actor.orgId, roundId);
  const wanted = agency ?? agencyOf(actor, partnership) ?? '';
  const asked = round.agencies.find((a) => a.agency === wanted);
  const access = await accessFor(deps, actor, wanted, partnership);
  if (!access.view) {
    if (agencyOf(actor, partnership) !== wanted)
      throw new AppError(
        'OUTSIDE_AGENCY',
        'That is another agency’s Section 11 return: only that agency and the partnership’s business manager and administrators see it.',
      );
    throw new AppError(
      'FORBIDDEN',
      'Your agency’s Section 11 return is completed by its Section 11 leads (or, where none is named, its safeguarding leads). Ask your administrator for the s11-lead role.',
    );
  }
  if (!asked) throw new AppError('NOT_FOUND', `${wanted || 'Your agency'} was not asked for a return in this Section 11 round.`);
  const set = await findStandardSet(deps.store, actor.orgId, round.standards.key, round.standards.version);
  const repo = new Section11Store(deps.store);
  const id = returnId(round.id, wanted);
  let ret: S11Return | undefined = await repo.return(actor.orgId, id);
  if (!ret) {
    const fresh: S11Return = {
      id,
      orgId: actor.orgId,
      kind: 's11-return',
      roundId: round.id,
      agency: wanted,
      status: 'in-progress',
      answers: await carriedForward(deps, round, set, wanted),
      history: [],
      version: 0,
    };
    // Only someone who may complete it starts it; anyone else sees it not started.
    ret = access.complete && round.status === 'open' ? await repo.createReturn(fresh) : fresh;
  }
  return { round, set, ret, agencyName: asked.name, access: { complete: access.complete, scrutinise: access.scrutinise } };
}

async function carriedForward(deps: Section11Deps, round: S11Round, set: StandardSet, agency: string): Promise<Record<string, StandardAnswer>> {
  const before = await previousRound(deps.store, round);
  const last = before ? await new Section11Store(deps.store).return(round.orgId, returnId(before.id, agency)) : undefined;
  if (!last) return {};
  const ratings = new Set<string>([...SCALES[round.scale].map((r) => r.value), NOT_APPLICABLE]);
  const answers: Record<string, StandardAnswer> = {};
  for (const s of set.standards) {
    const a = last.answers[s.id];
    if (!a) continue;
    // A rating of another scale does not carry; the narrative and links still help.
    const { scrutiny: _s, actionId: _a, proposedAction: _p, proposedDue: _d, ...kept } = a;
    answers[s.id] = { ...kept, rating: ratings.has(a.rating) ? a.rating : '', carriedForward: true, rev: 0 };
  }
  return answers;
}

const overview = (ctx: ReturnContext, notice = '', issues: FieldIssue[] = []): ReturnOverview => ({ ...ctx, kind: 'overview', notice, issues });

function standardView(
  ctx: ReturnContext,
  standardId: string,
  extra: { raw?: Partial<StandardView['raw']>; issues?: FieldIssue[]; notice?: string } = {},
): StandardView {
  const index = ctx.set.standards.findIndex((s) => s.id === standardId);
  if (index < 0) throw new AppError('NOT_FOUND', 'That standard is not in this round’s set. Type "self-assessment" for a fresh card.');
  const answer = ctx.ret.answers[standardId];
  const stored = {
    rating: answer?.rating ?? '',
    naReason: answer?.naReason ?? '',
    narrative: answer?.narrative ?? '',
    evidenceLinks: (answer?.evidenceLinks ?? []).join('\n'),
    proposedAction: answer?.proposedAction ?? '',
    proposedDue: answer?.proposedDue ?? '',
    response: '',
    comment: '',
  };
  return {
    ...ctx,
    kind: 'standard',
    standard: ctx.set.standards[index]!,
    index,
    ...(answer ? { answer } : {}),
    raw: { ...stored, ...extra.raw },
    issues: extra.issues ?? [],
    notice: extra.notice ?? '',
  };
}

/** `self-assessment`: the agency's return (the actor's own, or the one a scrutineer names). */
export async function openReturn(deps: Section11Deps, input: { actor: Person; agency?: string; roundId?: string }): Promise<ReturnOverview> {
  return overview(await load(deps, input.actor, input.roundId, input.agency));
}

/** One standard's card. */
export async function openStandard(deps: Section11Deps, input: { actor: Person; data: unknown }): Promise<StandardView> {
  const ref = refOf(input.data);
  return standardView(await load(deps, input.actor, ref.roundId, ref.agency), ref.standardId ?? '');
}

/** The overview card, from a button on a standard's card. */
export async function openOverview(deps: Section11Deps, input: { actor: Person; data: unknown }): Promise<ReturnOverview> {
  const ref = refOf(input.data);
  return overview(await load(deps, input.actor, ref.roundId, ref.agency));
}

function requireCompleter(ctx: ReturnContext): void {
  if (!ctx.access.complete)
    throw new AppError('FORBIDDEN', `${ctx.agencyName}’s return is completed by its Section 11 leads; you may read it but not change it.`);
  if (ctx.round.status !== 'open') throw new AppError('VALIDATION', 'This Section 11 round has closed: returns can no longer be changed.');
}

const typed = (data: unknown) => answerInputSchema.parse(data && typeof data === 'object' ? data : {});

/**
 * Saves one standard as typed (the card saves at every press: a partial return is kept). Problems
 * come back on the card next to their fields with everything typed kept. `move: 'next'` goes on to
 * the next standard once saved.
 */
export async function saveStandard(deps: Section11Deps, input: { actor: Person; timeZone: string; data: unknown }): Promise<ReturnView> {
  const ref = refOf(input.data);
  const ctx = await load(deps, input.actor, ref.roundId, ref.agency);
  requireCompleter(ctx);
  const standardId = ref.standardId ?? '';
  if (!ctx.set.standards.some((s) => s.id === standardId)) throw new AppError('NOT_FOUND', 'That standard is not in this round’s set.');
  if (ctx.ret.status !== 'in-progress')
    throw new AppError('VALIDATION', `${ctx.agencyName}’s return has been submitted: answer a challenge on its standard’s card instead.`);
  const raw = typed(input.data);
  const current = ctx.ret.answers[standardId];
  if ((current?.rev ?? 0) !== (ref.rev ?? 0)) {
    return standardView(ctx, standardId, {
      notice: `${current?.savedBy.name ?? 'Someone'} changed this standard since your card was shown: here it is as saved now. Nothing of yours was saved.`,
    });
  }
  const { issues, answer } = checkAnswer(raw, ctx.round.scale, today(deps.clock, input.timeZone));
  if (!answer) return standardView(ctx, standardId, { raw, issues, notice: 'Please check the answers marked below. Nothing was saved.' });
  const now = deps.clock.now().toISOString();
  const saved = await new Section11Store(deps.store).updateReturn(ctx.ret.orgId, ctx.ret.id, (r) => {
    if (r.status !== 'in-progress' || (r.answers[standardId]?.rev ?? 0) !== (ref.rev ?? 0)) throw new AppError('STALE_CARD');
    const next: StandardAnswer = { ...answer, rev: (r.answers[standardId]?.rev ?? 0) + 1, savedBy: stamp(input.actor), savedAt: now };
    return {
      ...r,
      answers: { ...r.answers, [standardId]: next },
      history: [...r.history, { at: now, by: stamp(input.actor), what: 'saved', standardId }],
      version: r.version + 1,
    };
  });
  const after = { ...ctx, ret: saved };
  const move = (input.data as { move?: unknown }).move;
  const index = ctx.set.standards.findIndex((s) => s.id === standardId);
  if (move === 'next' && index < ctx.set.standards.length - 1)
    return standardView(after, ctx.set.standards[index + 1]!.id, { notice: `Saved “${ctx.set.standards[index]!.title}”.` });
  if (move === 'next') return overview(after, 'Saved. That was the last standard: submit the return when every standard is rated.');
  return standardView(after, standardId, { notice: 'Saved.' });
}

/** Submits the return for scrutiny: every standard rated, or not applicable with a reason, and nothing left merely carried forward. */
export async function submitReturn(deps: Section11Deps, input: { actor: Person; data: unknown }): Promise<ReturnOverview> {
  const ref = refOf(input.data);
  const ctx = await load(deps, input.actor, ref.roundId, ref.agency);
  requireCompleter(ctx);
  if (ctx.ret.status !== 'in-progress') return overview(ctx, 'This return has been submitted already.');
  const problems = submitProblems(ctx.set, ctx.ret);
  if (problems.length)
    return overview(ctx, `Not submitted: ${problems.length} standard${problems.length === 1 ? ' needs' : 's need'} an answer first (marked below).`, problems);
  const now = deps.clock.now().toISOString();
  const saved = await new Section11Store(deps.store).updateReturn(ctx.ret.orgId, ctx.ret.id, (r) =>
    r.status !== 'in-progress'
      ? undefined
      : {
          ...r,
          status: 'submitted',
          submittedBy: stamp(input.actor),
          submittedAt: now,
          history: [...r.history, { at: now, by: stamp(input.actor), what: 'submitted' }],
          version: r.version + 1,
        },
  );
  // Those who scrutinise it are told: the business managers, and whoever started the round.
  const managers = (await new Directory(deps.store).withRole({ orgId: ctx.ret.orgId }, 'business-manager')).filter((p) => p.active).map((p) => p.id);
  for (const personId of new Set([ctx.round.startedBy.personId, ...managers].filter((id): id is string => !!id))) {
    await tellAboutRound(deps, ctx.round, personId, 'round-summary', `submitted-${ctx.ret.agency}-${personId}`, {
      title: `Section 11: ${ctx.agencyName} has submitted its return`,
      text: `Type "s11 review" to scrutinise it: accept each standard, or challenge it with a comment.`,
    });
  }
  return overview({ ...ctx, ret: saved }, 'Submitted. The partnership’s business manager will scrutinise it; you will hear if a standard is challenged.');
}

const responseSchema = z.object({ response: z.string().max(2000).catch(''), rating: z.string().max(40).catch('') });

/**
 * The agency's answer to a challenge: a response (required), and, if it chooses, a revised rating,
 * for which the response is the reason. A revision to a weak rating needs a proposed action.
 */
export async function answerChallenge(deps: Section11Deps, input: { actor: Person; timeZone: string; data: unknown }): Promise<StandardView> {
  const ref = refOf(input.data);
  const ctx = await load(deps, input.actor, ref.roundId, ref.agency);
  requireCompleter(ctx);
  const standardId = ref.standardId ?? '';
  const current = ctx.ret.answers[standardId];
  if (!current || current.scrutiny?.state !== 'challenged')
    return standardView(ctx, standardId, { notice: 'This standard is not in challenge: there is nothing to answer.' });
  const { response, rating } = responseSchema.parse(input.data ?? {});
  const raw = typed(input.data);
  const revised = rating.trim() || current.rating;
  const merged: AnswerInput = {
    rating: revised,
    naReason: raw.naReason || current.naReason || '',
    narrative: current.narrative,
    evidenceLinks: current.evidenceLinks.join('\n'),
    proposedAction: raw.proposedAction || current.proposedAction || '',
    proposedDue: raw.proposedDue || current.proposedDue || '',
  };
  const checked = checkAnswer(merged, ctx.round.scale, today(deps.clock, input.timeZone));
  const issues = [...checked.issues];
  if (!response.trim())
    issues.push({ field: 'response', message: revised !== current.rating ? 'Give the reason for the revised rating.' : 'Answer the challenge.' });
  else if (response.length > MAX_REASON_CHARS) issues.push({ field: 'response', message: `At most ${MAX_REASON_CHARS} characters.` });
  else issues.push(...guardText({ response }));
  if (issues.length || !checked.answer)
    return standardView(ctx, standardId, {
      raw: { ...raw, response, rating: revised },
      issues,
      notice: 'Please check the answers marked below. Nothing was saved.',
    });
  const now = deps.clock.now().toISOString();
  const by = stamp(input.actor);
  const saved = await new Section11Store(deps.store).updateReturn(ctx.ret.orgId, ctx.ret.id, (r) => {
    const a = r.answers[standardId]!;
    if (a.scrutiny?.state !== 'challenged') throw new AppError('STALE_CARD');
    const changed = revised !== a.rating;
    const next: StandardAnswer = {
      ...a,
      ...checked.answer!,
      narrative: a.narrative,
      evidenceLinks: a.evidenceLinks,
      rev: a.rev + 1,
      savedBy: by,
      savedAt: now,
      scrutiny: { ...a.scrutiny, state: 'answered', response: response.trim(), ...(changed ? { revisedFrom: a.rating } : {}) },
    };
    const events = [
      { at: now, by, what: 'answered' as const, standardId, comment: response.trim() },
      ...(changed ? [{ at: now, by, what: 'revised' as const, standardId, comment: `${a.rating} → ${revised}` }] : []),
    ];
    return { ...r, answers: { ...r.answers, [standardId]: next }, history: [...r.history, ...events], version: r.version + 1 };
  });
  const reviewer = current.scrutiny.by.personId;
  if (reviewer) {
    await tellAboutRound(deps, ctx.round, reviewer, 'round-summary', `answered-${ctx.ret.agency}-${standardId}-${saved.version}`, {
      title: `Section 11: ${ctx.agencyName} has answered your challenge`,
      text: `On “${ctx.set.standards.find((s) => s.id === standardId)!.title}”${revised !== current.rating ? ', with a revised rating' : ''}. Type "s11 review" to accept it or challenge again.`,
    });
  }
  return standardView({ ...ctx, ret: saved }, standardId, { notice: 'Your answer is recorded and the business manager has been told.' });
}

export { load as loadReturn, standardView, overview as returnOverview, refOf as returnRefOf };
