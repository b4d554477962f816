import { z } from 'zod';
import { formatDate } from '../core/dates';
import { mayScrutiniseSection11 } from '../access/policy';
import { partnershipFor } from '../organisation/organisations';
import { AppError } from '../core/errors';
import { addPlanActions } from '../plan';
import type { Person } from '../people/model';
import { Directory } from '../people/repository';
import type { PersonStamp, S11Return } from './model';
import { Section11Store } from './repository';
import { loadReturn, returnOverview, returnRefOf, standardView, type ReturnContext, type ReturnView } from './returns';
import { currentRound, tellAboutRound, type Section11Deps } from './rounds';
import { guardText, raisesAction, ratingLabel, stateOf } from './rules';

const stamp = (p: Person): PersonStamp => ({ personId: p.id, name: p.name });
const decisionSchema = z.object({ decision: z.enum(['accept', 'challenge']), comment: z.string().max(2000).catch('') });

/** The returns waiting for scrutiny in the current round: those submitted and not yet accepted, with what is in challenge. */
export type ReviewList = { roundId: string; year: number; items: { agency: string; name: string; state: string }[] };

export async function returnsForReview(deps: Section11Deps, actor: Person): Promise<ReviewList> {
  const round = await currentRound(deps.store, actor.orgId);
  if (!mayScrutiniseSection11(actor, await partnershipFor(deps, actor.orgId)))
    throw new AppError('FORBIDDEN', 'Scrutinising Section 11 returns is for the partnership’s business manager and administrators.');
  const returns = new Map((await new Section11Store(deps.store).returnsOf(actor.orgId, round.id)).map((r) => [r.agency, r]));
  return { roundId: round.id, year: round.year, items: round.agencies.map((a) => ({ agency: a.agency, name: a.name, state: stateOf(returns.get(a.agency)) })) };
}

function requireScrutineer(ctx: ReturnContext): void {
  if (!ctx.access.scrutinise)
    throw new AppError('FORBIDDEN', 'Accepting or challenging a return is for the partnership’s business manager and administrators.');
  if (ctx.ret.status === 'in-progress') throw new AppError('VALIDATION', `${ctx.agencyName} has not submitted its return yet.`);
}

/**
 * The business manager's decision on one standard of a submitted return: accept it, or challenge
 * it with a comment (which the agency answers). When every standard is accepted the return is
 * accepted, and its weak standards and proposed actions become plan actions.
 */
export async function reviewStandard(deps: Section11Deps, input: { actor: Person; timeZone: string; data: unknown }): Promise<ReturnView> {
  const ref = returnRefOf(input.data);
  const ctx = await loadReturn(deps, input.actor, ref.roundId, ref.agency);
  requireScrutineer(ctx);
  const standardId = ref.standardId ?? '';
  const answer = ctx.ret.answers[standardId];
  if (!answer) throw new AppError('NOT_FOUND', 'That standard is not in this return.');
  const parsed = decisionSchema.safeParse(input.data ?? {});
  if (!parsed.success) throw new AppError('VALIDATION', 'This card arrived incomplete. Type "s11 review" for a fresh one.');
  const { decision } = parsed.data;
  const comment = parsed.data.comment.trim();
  if (ctx.ret.status === 'accepted') return standardView(ctx, standardId, { notice: 'This return has been accepted already.' });
  if (answer.scrutiny?.state === 'challenged' && decision === 'challenge')
    return standardView(ctx, standardId, { notice: 'This standard is already in challenge, waiting for the agency’s answer.' });
  const issues =
    decision === 'challenge' && !comment
      ? [{ field: 'comment', message: 'Say what the agency should answer.' }]
      : comment.length > 1000
        ? [{ field: 'comment', message: 'At most 1000 characters.' }]
        : guardText({ comment });
  if (issues.length) return standardView(ctx, standardId, { raw: { comment }, issues, notice: 'Please check the comment. Nothing was recorded.' });
  if ((answer.rev ?? 0) !== (ref.rev ?? 0))
    return standardView(ctx, standardId, { notice: 'The agency changed this standard since your card was shown: here it is now. Nothing was recorded.' });
  const now = deps.clock.now().toISOString();
  const by = stamp(input.actor);
  let saved: S11Return = await new Section11Store(deps.store).updateReturn(ctx.ret.orgId, ctx.ret.id, (r) => {
    const a = r.answers[standardId]!;
    if (r.status !== 'submitted' || a.rev !== answer.rev) throw new AppError('STALE_CARD');
    const scrutiny =
      decision === 'accept'
        ? { ...a.scrutiny, state: 'accepted' as const, by, at: now, ...(comment ? { comment } : {}) }
        : { state: 'challenged' as const, by, at: now, comment };
    return {
      ...r,
      answers: { ...r.answers, [standardId]: { ...a, scrutiny } },
      history: [
        ...r.history,
        { at: now, by, what: decision === 'accept' ? ('accepted' as const) : ('challenged' as const), standardId, ...(comment ? { comment } : {}) },
      ],
      version: r.version + 1,
    };
  });
  const title = ctx.set.standards.find((s) => s.id === standardId)!.title;
  if (decision === 'challenge') {
    for (const lead of leadsToTell(ctx)) {
      await tellAboutRound(deps, ctx.round, lead, 'round-chaser', `challenge-${ctx.ret.agency}-${standardId}-${saved.version}-${lead}`, {
        title: `Section 11: a standard of ${ctx.agencyName}’s return is challenged`,
        text: `“${title}” has been challenged${ctx.round.challengeEventOn ? ` (challenge event ${formatDate(ctx.round.challengeEventOn)})` : ''}. Type "self-assessment" to read the comment and answer it.`,
      });
    }
  }
  const allAccepted = ctx.set.standards.every((s) => saved.answers[s.id]?.scrutiny?.state === 'accepted');
  if (allAccepted) {
    saved = await acceptReturn(deps, { ...ctx, ret: saved }, by, input.timeZone);
    return returnOverview(
      { ...ctx, ret: saved },
      `Every standard accepted: ${ctx.agencyName}’s return is accepted${Object.values(saved.answers).some((a) => a.actionId) ? ', and its actions are in the plan' : ''}.`,
    );
  }
  const next = ctx.set.standards.find((s) => saved.answers[s.id]?.scrutiny?.state !== 'accepted' && s.id !== standardId);
  return standardView({ ...ctx, ret: saved }, decision === 'accept' && next ? next.id : standardId, {
    notice: decision === 'accept' ? `Accepted “${title}”.` : `Challenged “${title}”: ${ctx.agencyName} has been asked to answer.`,
  });
}

/** Whom to tell about the return: whoever submitted it, and the agency's leads asked in the round. */
function leadsToTell(ctx: ReturnContext): string[] {
  const asked = ctx.round.agencies.find((a) => a.agency === ctx.ret.agency)?.leads ?? [];
  return [...new Set([ctx.ret.submittedBy?.personId, ...asked.map((l) => l.personId)].filter((id): id is string => !!id))];
}

/**
 * Accepting a return: each weak standard and each proposed action becomes an action of the plan,
 * under the learning point "Section 11 <year>: <standard>", led by the agency's lead who submitted
 * the return, due when the agency proposed. Safe to repeat: actions are keyed by return and standard.
 */
async function acceptReturn(deps: Section11Deps, ctx: ReturnContext, by: PersonStamp, timeZone: string): Promise<S11Return> {
  const raising = ctx.set.standards.filter((s) => raisesAction(ctx.ret.answers[s.id]));
  const lead = ctx.ret.submittedBy?.personId ? await new Directory(deps.store).get(ctx.ret.orgId, ctx.ret.submittedBy.personId) : undefined;
  const leads = lead?.active
    ? [{ personId: lead.id, name: lead.name }]
    : (ctx.round.agencies.find((a) => a.agency === ctx.ret.agency)?.leads ?? []).map((l) => ({
        ...(l.personId ? { personId: l.personId } : {}),
        name: l.name,
      }));
  const raised = raising.length
    ? await addPlanActions(deps, {
        orgId: ctx.ret.orgId,
        ...(ctx.round.planId ? { planId: ctx.round.planId } : {}),
        title: 'Partnership action plan',
        timeZone,
        actions: raising.map((s) => {
          const a = ctx.ret.answers[s.id]!;
          return {
            key: `s11-${ctx.round.id}-${ctx.ret.agency}-${s.id}`,
            learningPoint: `Section 11 ${ctx.round.year}: ${s.title}`,
            description: `${ctx.agencyName}: ${a.proposedAction ?? `improve "${s.title}"`}`,
            evidence: `Section 11 ${ctx.round.year} return of ${ctx.agencyName}, standard "${s.id}" rated ${ratingLabel(ctx.round.scale, a.rating)} (type "self-assessment" to see it).`,
            dueDate: a.proposedDue!,
            leads,
          };
        }),
      })
    : { actionIds: [] };
  const now = deps.clock.now().toISOString();
  const ids = new Map(raising.map((s, i) => [s.id, raised.actionIds[i]!]));
  const saved = await new Section11Store(deps.store).updateReturn(ctx.ret.orgId, ctx.ret.id, (r) =>
    r.status === 'accepted'
      ? undefined
      : {
          ...r,
          status: 'accepted',
          acceptedAt: now,
          answers: Object.fromEntries(Object.entries(r.answers).map(([id, a]) => [id, ids.has(id) ? { ...a, actionId: ids.get(id)! } : a])),
          history: [...r.history, { at: now, by, what: 'return-accepted', comment: `${raising.length} action${raising.length === 1 ? '' : 's'} raised` }],
          version: r.version + 1,
        },
  );
  for (const person of leadsToTell(ctx)) {
    await tellAboutRound(deps, ctx.round, person, 'round-summary', `accepted-${ctx.ret.agency}-${person}`, {
      title: `Section 11: ${ctx.agencyName}’s return is accepted`,
      text: raising.length
        ? `${raising.length} action${raising.length === 1 ? ' is' : 's are'} now in the partnership’s action plan, with reminders like every other action. Type "my actions" to see them.`
        : 'No action was raised from it.',
    });
  }
  return saved;
}
