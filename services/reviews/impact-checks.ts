import { z } from 'zod';
import type { Clock } from '../core/clock';
import { formatDate, today } from '../core/dates';
import { AppError } from '../core/errors';
import { coversFor, mayAnswerImpactCheck } from '../access/policy';
import { enqueue } from '../delivery/outbox';
import { CasePeople, openEscalation } from '../escalations';
import { requireNoIdentifyingText } from '../core/identifying';
import { rulesOf } from '../organisation/escalation-ladder';
import { partnershipFor } from '../organisation/organisations';
import type { Organisation } from '../organisation/model';
import { Directory } from '../people/repository';
import { coverFor, type Person } from '../people/model';
import type { JobContext } from '../scheduling/job-context';
import type { Store, Stored } from '../store/ports';
import { measureFigures } from './measure-figures';
import { MEASURE_RESULTS, OUTCOME_RAGS, REVIEW_KIND_LABELS, type ImpactCheck, type Recommendation, type Review } from './model';
import { ReviewRecords } from './repository';

/** The outbox type of an impact check's request and chasers: the module's own message kind. */
export const IMPACT_CHECK_MESSAGE = 'reviews.impact-check';

/** What the owner's card shows, as data: the outbox stores this and the card is drawn from it when sent. */
export type ImpactCheckMessage = {
  checkId: string;
  version: number;
  heading: string;
  intro: string;
  facts: { title: string; value: string }[];
  /** The measure's questionnaire result, under its anonymity rules; empty when the measure names none. */
  figures: string[];
  /** 0 for the request, then each chaser's number. */
  chaser: number;
};

/** Working days between chasers, as a round chases. */
const CHASE_EVERY_WORKING_DAYS = 2;

/** A check with its review and recommendation. */
export type CheckInContext = { check: ImpactCheck; review: Review; recommendation: Recommendation };

async function inContext(store: Store, check: ImpactCheck): Promise<CheckInContext | undefined> {
  const review = await new ReviewRecords(store).review(check.orgId, check.reviewId);
  const recommendation = review?.recommendations.find((r) => r.id === check.recommendationId);
  return review && recommendation ? { check, review, recommendation } : undefined;
}

/** The card's content for a check, as at now: its questionnaire's figures are read afresh. */
export async function impactCheckMessage(store: Store, { check, review, recommendation: r }: CheckInContext, chaser = 0): Promise<ImpactCheckMessage> {
  return {
    checkId: check.id,
    version: check.version,
    heading: chaser === 0 ? `Impact check: ${r.id} of “${review.title}”` : `Reminder: impact check ${r.id} of “${review.title}”`,
    intro:
      chaser === 0
        ? `The ${REVIEW_KIND_LABELS[review.reviewKind].toLowerCase()} published ${formatDate(review.published)} asked for this. What difference has it made? If it is too soon to say, ask for a later date.`
        : 'We have not had your answer yet. Say what difference it made, or ask for a later date with a reason.',
    facts: [
      { title: 'Recommendation', value: r.text },
      { title: 'Line of enquiry', value: r.lineOfEnquiry },
      { title: 'Intended outcome', value: r.outcome },
      { title: 'Measure', value: r.measure },
      { title: 'Owner', value: r.owner.name },
      { title: 'Check date', value: formatDate(check.dueOn) },
    ],
    figures: r.questionnaire ? await measureFigures(store, check.orgId, r.questionnaire) : [],
    chaser,
  };
}

/** Who is asked: the owning person, or the owning agency's active safeguarding leads. */
async function ownersOf(ctx: JobContext, r: Recommendation): Promise<Person[]> {
  const { store, orgId } = ctx;
  const directory = new Directory(store);
  if (r.owner.kind === 'person') {
    const person = r.owner.personId ? await directory.get(orgId, r.owner.personId) : undefined;
    return person?.active ? [person] : [];
  }
  const partnership = ctx.organisation;
  const agencyId = r.owner.agencyId;
  return (await directory.withRole({ orgId }, 'safeguarding-lead')).filter((p) => p.active && (p.agency || partnership.leadAgencyId) === agencyId);
}

/** Each asked person's message goes to whoever covers for them today, as reminders do. */
async function recipientsFor(ctx: JobContext, personIds: string[], day: string): Promise<string[]> {
  const directory = new Directory(ctx.store);
  const partnership = ctx.organisation;
  const out = new Set<string>();
  for (const id of personIds) {
    const person = await directory.get(ctx.orgId, id);
    const delegateId = person ? coverFor(person, day) : undefined;
    const delegate = delegateId ? await directory.get(ctx.orgId, delegateId) : undefined;
    out.add(person && delegate?.active && coversFor(delegate, person, day, partnership) ? delegate.id : id);
  }
  return [...out];
}

const escalationDeps = (ctx: JobContext) => ({
  store: ctx.store,
  clock: ctx.clock,
  calendar: ctx.calendar,
  people: new CasePeople(ctx.store, ctx.orgId, ctx.organisation),
});

const short = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}…` : text);

/**
 * The daily impact-check job. On its date each check is put to its owner as a card through the
 * outbox; unanswered, it is chased every second working day, as a round chases; and once the
 * escalation ladder's rules say so (as many reminders as `noResponseAfterReminders`, or
 * `overdueWorkingDays` since it was asked) it is escalated as "no response to reminders", which
 * the ladder then carries as any other escalation.
 */
export async function runImpactChecks(ctx: JobContext): Promise<Record<string, unknown>> {
  const day = today(ctx.clock, ctx.organisation.timeZone);
  const records = new ReviewRecords(ctx.store);
  const rules = rulesOf(ctx.organisation);
  const counts = { asked: 0, chasers: 0, escalated: 0, nobodyToAsk: 0 };
  for (const due of await records.checksDueBy(ctx.orgId, day)) {
    const found = await inContext(ctx.store, due);
    if (!found) continue;
    let check: Stored<ImpactCheck> = due;
    if (check.status === 'waiting') {
      const owners = (await ownersOf(ctx, found.recommendation)).map((p) => p.id);
      if (owners.length === 0) {
        // The owner has left, or the owning agency has no safeguarding lead: the ladder finds someone, once per check date.
        const { review, recommendation: r } = found;
        const { created } = await openEscalation(escalationDeps(ctx), ctx.organisation, {
          id: `esc-${check.id}-${check.dueOn}-nobody`,
          cause: 'owner-unreachable',
          source: 'automatic',
          summary: `The impact check of ${r.id} "${short(r.text)}" (review "${short(review.title)}") is due, but its owner (${r.owner.name}) has nobody in the directory to ask: name another owner in the review file and add it again.`,
          immediateRisk: false,
          raisedBy: { name: 'Safeguarding Action Tracker' },
          involvedPersonIds: [],
          startStage: 1,
        });
        if (created) counts.nobodyToAsk++;
        continue;
      }
      check = await records.updateCheck(
        ctx.orgId,
        check.id,
        (c) => (c.status === 'waiting' ? { ...c, status: 'asked', askedPersonIds: owners, askedOn: day, reminders: 0, version: c.version + 1 } : undefined),
        check,
      );
      if (check.status !== 'asked' || check.askedOn !== day) continue;
      await send(ctx, { ...found, check }, day, 0);
      counts.asked++;
      continue;
    }
    if (check.status !== 'asked' || !check.askedOn) continue;
    const sinceAsked = ctx.calendar.workingDaysBetween(check.askedOn, day);
    const escalate =
      !check.escalationId &&
      ((rules.noResponseAfterReminders > 0 && check.reminders >= rules.noResponseAfterReminders) ||
        (rules.overdueWorkingDays > 0 && sinceAsked >= rules.overdueWorkingDays));
    if (escalate) {
      const { review, recommendation: r } = found;
      const id = `esc-${check.id}-${check.dueOn}`;
      await openEscalation(escalationDeps(ctx), ctx.organisation, {
        id,
        cause: 'no-response',
        source: 'automatic',
        summary: `The impact check of ${r.id} "${short(r.text)}" (review "${short(review.title)}", owner ${r.owner.name}) was asked on ${check.askedOn} and has had ${check.reminders} reminders and no answer.`,
        immediateRisk: false,
        raisedBy: { name: 'Safeguarding Action Tracker' },
        involvedPersonIds: check.askedPersonIds,
        startStage: 1,
      });
      await records.updateCheck(ctx.orgId, check.id, (c) => (c.escalationId ? undefined : { ...c, escalationId: id }));
      counts.escalated++;
      continue;
    }
    if (check.escalationId || check.lastReminderOn === day) continue;
    if (sinceAsked > 0 && sinceAsked % CHASE_EVERY_WORKING_DAYS === 0) {
      await send(ctx, found, day, check.reminders);
      counts.chasers++;
    }
  }
  return { day, ...counts };
}

/** Sends the request (chaser 0) or a chaser to each asked person (or their cover), once per day, and counts it. */
async function send(ctx: JobContext, found: CheckInContext, day: string, chaser: number): Promise<void> {
  const { check } = found;
  const message = await impactCheckMessage(ctx.store, found, chaser);
  for (const personId of await recipientsFor(ctx, check.askedPersonIds, day)) {
    await enqueue(ctx.store, ctx.clock, {
      id: `${check.id}-${check.dueOn}-${chaser === 0 ? 'request' : `chase-${day}`}-${personId}`,
      orgId: ctx.orgId,
      purpose: 'impact-check',
      recipient: { personId },
      message: { kind: 'feature', type: IMPACT_CHECK_MESSAGE, payload: message },
    });
  }
  await new ReviewRecords(ctx.store).updateCheck(ctx.orgId, check.id, (c) =>
    c.lastReminderOn === day ? undefined : { ...c, reminders: c.reminders + 1, lastReminderOn: day },
  );
}

const EVIDENCE_LINK = /^https?:\/\/[^\s<>"]{1,490}$/i;
const answerSchema = z.object({
  checkId: z.string().max(200),
  version: z.coerce.number().int().min(0),
  changed: z.string({ error: 'Say what has changed.' }).trim().min(1, 'Say what has changed.').max(4000, 'At most 4,000 characters.'),
  evidence: z.string().max(5000).optional().default(''),
  measure: z.enum(MEASURE_RESULTS, { error: 'Say whether the measure was met.' }),
  outcomeRag: z.enum(OUTCOME_RAGS, { error: 'Give a RAG for the outcome.' }),
});

const postponeSchema = z.object({
  checkId: z.string().max(200),
  version: z.coerce.number().int().min(0),
  until: z.string({ error: 'Give the later date.' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the later date as YYYY-MM-DD.'),
  reason: z.string({ error: 'Say why it is too soon.' }).trim().min(1, 'Say why it is too soon.').max(1000, 'At most 1,000 characters.'),
});

/** `organisation`: the acting person's, when the route's context holds it (it is the partnership too). */
export type ImpactDeps = { store: Store; clock: Clock; organisation?: Organisation };

const fieldIssues = (error: z.ZodError) => error.issues.map((i) => ({ field: String(i.path[0] ?? 'form'), message: i.message }));

/** The check a card names, authorised for the acting person: the people it was put to, or their cover today. Card data names only the check. */
async function checkForAnswer(deps: ImpactDeps, actor: Person, checkId: string, version: number, timeZone: string): Promise<CheckInContext> {
  const records = new ReviewRecords(deps.store);
  const check = /^[A-Za-z0-9_-]{1,200}$/.test(checkId) ? await records.check(actor.orgId, checkId) : undefined;
  const found = check ? await inContext(deps.store, check) : undefined;
  if (!check || !found) throw new AppError('NOT_FOUND', 'That impact check does not exist.');
  const day = today(deps.clock, timeZone);
  const partnership = await partnershipFor(deps, actor.orgId);
  const directory = new Directory(deps.store);
  const coverIds: string[] = [];
  for (const id of check.askedPersonIds) {
    const owner = await directory.get(actor.orgId, id);
    if (owner && coversFor(actor, owner, day, partnership)) coverIds.push(actor.id);
  }
  if (!mayAnswerImpactCheck(actor, check, coverIds))
    throw new AppError('FORBIDDEN', 'Only the owner of this impact check, or their delegate while they are on leave, can answer it.');
  if (check.status === 'answered')
    throw new AppError('STALE_CARD', `This impact check was answered on ${formatDate(check.answer!.at.slice(0, 10))} by ${check.answer!.by.name}.`);
  if (check.version !== version) throw new AppError('STALE_CARD');
  return found;
}

/** The owner's answer: what changed, evidence links, whether the measure was met, and a RAG for the outcome. */
export async function answerImpactCheck(deps: ImpactDeps, input: { actor: Person; data: unknown; timeZone: string }): Promise<CheckInContext> {
  const parsed = answerSchema.safeParse(input.data);
  if (!parsed.success) throw new AppError('VALIDATION', 'Some answers need attention.', { fields: fieldIssues(parsed.error) });
  const d = parsed.data;
  const found = await checkForAnswer(deps, input.actor, d.checkId, d.version, input.timeZone);
  const links = d.evidence.split(/[\s,]+/).filter(Boolean);
  const bad = links.find((l) => !EVIDENCE_LINK.test(l));
  if (bad !== undefined || links.length > 20) {
    throw new AppError('VALIDATION', 'Evidence is given as links (https://…), one per line, at most 20.', {
      fields: [{ field: 'evidence', message: bad !== undefined ? `"${bad.slice(0, 60)}" is not a link.` : 'At most 20 links.' }],
    });
  }
  requireNoIdentifyingText({ changed: d.changed, evidence: d.evidence });
  const at = deps.clock.now().toISOString();
  const check = await new ReviewRecords(deps.store).updateCheck(input.actor.orgId, d.checkId, (c) => {
    if (c.status === 'answered' || c.version !== d.version) throw new AppError('STALE_CARD');
    return {
      ...c,
      status: 'answered',
      answer: {
        at,
        by: { personId: input.actor.id, name: input.actor.name },
        changed: d.changed,
        evidenceLinks: links,
        measure: d.measure,
        outcomeRag: d.outcomeRag,
      },
      version: c.version + 1,
    };
  });
  return { ...found, check };
}

/** Too early to tell: the owner asks to be asked again on a later date, saying why. */
export async function postponeImpactCheck(deps: ImpactDeps, input: { actor: Person; data: unknown; timeZone: string }): Promise<CheckInContext> {
  const parsed = postponeSchema.safeParse(input.data);
  if (!parsed.success) throw new AppError('VALIDATION', 'Some answers need attention.', { fields: fieldIssues(parsed.error) });
  const d = parsed.data;
  const found = await checkForAnswer(deps, input.actor, d.checkId, d.version, input.timeZone);
  const day = today(deps.clock, input.timeZone);
  if (Number.isNaN(Date.parse(d.until)) || d.until <= day)
    throw new AppError('VALIDATION', 'The later date must be after today.', { fields: [{ field: 'until', message: 'Must be after today.' }] });
  if (d.until > found.review.published.replace(/^(\d{4})/, (y) => String(Number(y) + 5))) {
    throw new AppError('VALIDATION', 'An impact check is at most five years after the review.', {
      fields: [{ field: 'until', message: 'At most five years after the review.' }],
    });
  }
  requireNoIdentifyingText({ reason: d.reason });
  const at = deps.clock.now().toISOString();
  const check = await new ReviewRecords(deps.store).updateCheck(input.actor.orgId, d.checkId, (c) => {
    if (c.status === 'answered' || c.version !== d.version) throw new AppError('STALE_CARD');
    const { escalationId: _escalated, askedOn: _asked, lastReminderOn: _last, ...rest } = c;
    return {
      ...rest,
      status: 'waiting',
      dueOn: d.until,
      reminders: 0,
      postponements: [...c.postponements, { at, by: { personId: input.actor.id, name: input.actor.name }, from: c.dueOn, to: d.until, reason: d.reason }],
      version: c.version + 1,
    };
  });
  return { ...found, check };
}

/** The checks put to a person (or to someone they cover for today) and not yet answered. */
export async function checksFor(deps: ImpactDeps, actor: Person, timeZone: string): Promise<CheckInContext[]> {
  const records = new ReviewRecords(deps.store);
  const day = today(deps.clock, timeZone);
  const partnership = await partnershipFor(deps, actor.orgId);
  const covered = (await new Directory(deps.store).all({ orgId: actor.orgId })).filter(
    (p) => coverFor(p, day) === actor.id && coversFor(actor, p, day, partnership),
  );
  const checks = new Map<string, ImpactCheck>();
  for (const id of [actor.id, ...covered.map((p) => p.id)]) for (const c of await records.checksAskedOf(actor.orgId, id)) checks.set(c.id, c);
  const out: CheckInContext[] = [];
  for (const c of [...checks.values()].sort((a, b) => a.dueOn.localeCompare(b.dueOn))) {
    const found = await inContext(deps.store, c);
    if (found) out.push(found);
  }
  return out;
}
