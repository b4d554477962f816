import { createHash, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { formatDate, localDate, today } from '../core/dates';
import { MIN_GROUP } from '../core/figures';
import { AppError, isAppError } from '../core/errors';
import { enqueueAll } from '../delivery/outbox';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { agencyOf, mayRunSurveys, mayViewCampaignResults, scopeFor, type Partnership } from '../access/policy';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import type { JobContext } from '../scheduling/job-context';
import type { AnswerSeal } from './seal';
import type { WorkingCalendar } from '../scheduling/calendar';
import type { Store } from '../store/ports';
import { counts, courses, TrainingRepository } from '../training';
import {
  agencyLabel,
  anonymousLabels,
  AUDIENCE_CHUNK,
  combination,
  respondedId,
  type Audience,
  type AudienceChunk,
  type Campaign,
  type FollowUpRule,
  type LargeGroups,
  type Questionnaire,
  type QuestionnaireKind,
  type RespondedMarker,
  type Workplace,
  followUpRuleId,
  unitEntryKey,
} from './model';
import { findQuestionnaire } from './questionnaires';
import { SurveyRepository, surveys } from './repository';
import { answersOf, flushAnswers } from './answer-pool';
import { kindOf, STAFF_KIND } from './kinds';

type Deps = PartnershipSource & { clock: Clock };

const ISO_DATE = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => DateTime.fromISO(d).isValid, 'not a real date');

export const audienceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('everyone') }).strict(),
  z.object({ type: z.literal('department'), department: z.string().trim().min(1).max(200) }).strict(),
  z.object({ type: z.literal('role'), jobTitle: z.string().trim().min(1).max(200) }).strict(),
  z
    .object({
      type: z.literal('course'),
      courseCode: z
        .string()
        .trim()
        .min(1)
        .max(30)
        .transform((c) => c.toUpperCase()),
      completedFrom: ISO_DATE,
      completedTo: ISO_DATE,
    })
    .strict(),
]);

export function describeAudience(a: Audience): string {
  switch (a.type) {
    case 'everyone':
      return 'everyone';
    case 'department':
      return `the ${a.department} department`;
    case 'role':
      return `everyone with the job title ${a.jobTitle}`;
    case 'course':
      return `people who completed ${a.courseCode} between ${formatDate(a.completedFrom)} and ${formatDate(a.completedTo)}`;
  }
}

const same = (a: string | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

/** The active people a campaign goes to, worked out when it starts (people join and leave). */
export async function resolveAudience(store: Store, orgId: string, audience: Audience): Promise<Person[]> {
  const people = (await new Directory(store).all({ orgId })).filter((p) => p.active);
  switch (audience.type) {
    case 'everyone':
      return people;
    case 'department':
      return people.filter((p) => same(p.department, audience.department));
    case 'role':
      return people.filter((p) => same(p.jobTitle, audience.jobTitle));
    case 'course': {
      const completed = await new TrainingRepository(store).completionsBetween({ orgId }, audience.courseCode, audience.completedFrom, audience.completedTo);
      const attended = new Set(completed.filter(counts).map((r) => r.personId));
      return people.filter((p) => attended.has(p.id));
    }
  }
}

export const campaignInputSchema = z
  .object({
    questionnaire: z.string().trim().min(1).max(40),
    version: z.number().int().min(1).optional(),
    title: z.string().trim().min(1).max(120).optional(),
    audience: audienceSchema,
    anonymous: z.boolean().default(false),
    /** ISO instant; absent means now. */
    sendAt: z.iso.datetime({ offset: true }).optional(),
    closesOn: ISO_DATE,
    maxChasers: z.number().int().min(0).max(5).default(2),
    chaserEveryWorkingDays: z.number().int().min(1).max(20).default(3),
  })
  .strict();

export type CampaignInput = z.input<typeof campaignInputSchema>;

const campaigns = (store: Store) => surveys<Campaign>(store);

export async function getCampaign(store: Store, orgId: string, id: string): Promise<Campaign> {
  const found = /^[A-Za-z0-9_-]{1,200}$/.test(id) ? await campaigns(store).read(orgId, id) : undefined;
  if (!found || found.kind !== 'campaign') throw new AppError('NOT_FOUND', `There is no questionnaire campaign "${id.slice(0, 80)}".`);
  return found;
}

export async function listCampaigns(store: Store, orgId: string): Promise<Campaign[]> {
  const all = await new SurveyRepository(store).campaigns(orgId);
  return all.sort((a, b) => b.sendAt.localeCompare(a.sendAt));
}

/** An agency's campaign asks only its own people. */
function withinAgency(people: Person[], agency: string | undefined, partnership: Partnership): Person[] {
  return agency === undefined ? people : people.filter((p) => agencyOf(p, partnership) === agency);
}

/** The campaigns whose results a person may see, newest first: the partnership's, and their own agency's. */
export async function campaignsVisibleTo(deps: PartnershipSource, actor: Person): Promise<Campaign[]> {
  const partnership = await partnershipFor(deps, actor.orgId);
  return (await listCampaigns(deps.store, actor.orgId)).filter((c) => mayViewCampaignResults(actor, c, partnership));
}

const AUDIENCE_WORDS: Record<Audience['type'], string> = {
  everyone: 'everyone',
  department: 'a department',
  role: 'a job title',
  course: 'a course’s attendees',
};

/** What a kind of questionnaire may be sent to, and whether it may be anonymous: said before anything is stored. */
function checkKindAllows(kind: QuestionnaireKind, audience: { type: Audience['type']; words: string }, anonymous: boolean): void {
  if (!kind.audiences.includes(audience.type))
    throw new AppError(
      'VALIDATION',
      `A ${kind.label} cannot go to ${audience.words}: it goes to ${kind.audiences.map((t) => AUDIENCE_WORDS[t]).join(' or ')} (${kind.whoAnswers}).`,
    );
  if (anonymous && kind.anonymity === 'never') throw new AppError('VALIDATION', `A ${kind.label} is never anonymous: it is answered by ${kind.whoAnswers}.`);
}

/** Sets up a campaign; one due now starts at once, a later one starts from the scheduled job. */
export async function createCampaign(deps: Deps & { calendar: WorkingCalendar }, input: { actor: Person; timeZone: string; data: unknown }): Promise<Campaign> {
  if (!mayRunSurveys(input.actor)) throw new AppError('FORBIDDEN', 'Only administrators, HR and safeguarding leads can send questionnaires.');
  const parsed = campaignInputSchema.safeParse(input.data);
  if (!parsed.success)
    throw new AppError(
      'VALIDATION',
      `The campaign is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(campaign)'}: ${i.message}`).join('; ')}`,
    );
  const c = parsed.data;
  const orgId = input.actor.orgId;
  const questionnaire = await findQuestionnaire(deps.store, orgId, c.questionnaire, c.version);
  const kind = kindOf(questionnaire);
  checkKindAllows(kind, { type: c.audience.type, words: describeAudience(c.audience) }, c.anonymous);
  const now = deps.clock.now();
  const sendAt = c.sendAt ? new Date(c.sendAt) : now;
  const sendDay = localDate(sendAt.toISOString(), input.timeZone);
  if (sendAt.getTime() < now.getTime() - 60_000) throw new AppError('VALIDATION', 'The send time is in the past; leave it out to send now.');
  if (c.closesOn <= sendDay) throw new AppError('VALIDATION', `The closing date must be after the day it is sent (${formatDate(sendDay)}).`);
  if (c.audience.type === 'course') {
    if (c.audience.completedFrom > c.audience.completedTo) throw new AppError('VALIDATION', 'The course window ends before it starts.');
    const code = c.audience.courseCode;
    if (!(await courses(deps.store, orgId)).some((x) => x.code === code)) throw new AppError('VALIDATION', `There is no course ${code}.`);
  }
  // HR of an agency asks their own agency's staff; the partnership's roles may ask everyone.
  const partnership = await partnershipFor(deps, orgId);
  const { agency } = scopeFor(input.actor, partnership);
  const campaign: Campaign = {
    id: `campaign-${today(deps.clock, input.timeZone)}-${randomUUID().slice(0, 8)}`,
    orgId,
    kind: 'campaign',
    title: c.title ?? questionnaire.title,
    questionnaire: { key: questionnaire.key, version: questionnaire.version },
    audience: c.audience,
    anonymous: c.anonymous,
    sendAt: sendAt.toISOString(),
    closesOn: c.closesOn,
    maxChasers: c.maxChasers,
    chaserEveryWorkingDays: c.chaserEveryWorkingDays,
    status: 'scheduled',
    ...(agency ? { agency } : {}),
    createdBy: { personId: input.actor.id, name: input.actor.name },
    createdAt: now.toISOString(),
    invited: 0,
    // Staff campaigns are stored as before kinds, and read back as staff (kindOf).
    ...(kind.name === STAFF_KIND ? {} : { questionnaireKind: kind.name }),
  };
  const audience = withinAgency(await resolveAudience(deps.store, orgId, campaign.audience), agency, partnership);
  if (audience.length === 0) throw new AppError('VALIDATION', `Nobody is in the audience (${describeAudience(campaign.audience)}).`);
  if (kind.asked(audience).length === 0)
    throw new AppError('VALIDATION', `Nobody in the audience (${describeAudience(campaign.audience)}) answers a ${kind.label}: it goes to ${kind.whoAnswers}.`);
  await campaigns(deps.store).create(campaign);
  return sendAt.getTime() <= now.getTime() ? startCampaign(deps, campaign, input.timeZone) : campaign;
}

const chunkId = (campaignId: string, n: number) => `audience-${campaignId}-${n}`;

/** Everyone a started campaign asked. */
export async function audienceOf(store: Store, campaign: Campaign): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; ; n++) {
    const chunk = await surveys<AudienceChunk>(store).read(campaign.orgId, chunkId(campaign.id, n));
    if (!chunk) return ids;
    ids.push(...chunk.personIds);
  }
}

/** The audience chunk that holds `personId`, of `buckets`: from the id alone, so finding someone is one read. */
export function audienceBucketOf(personId: string, buckets: number): number {
  return createHash('sha256').update(personId).digest().readUInt32BE(0) % buckets;
}

/**
 * Whether the campaign asked this person and, in an anonymous one, the labels their answer
 * carries: those they had when the campaign started (see AudienceChunk; undefined for a campaign
 * started before they were kept). One chunk read, whatever the audience's size.
 */
export async function membershipOf(store: Store, campaign: Campaign, personId: string): Promise<{ asked: boolean; labels?: Workplace }> {
  const only = campaign.audienceBuckets ? audienceBucketOf(personId, campaign.audienceBuckets) : undefined;
  for (let n = only ?? 0; ; n++) {
    const chunk = await surveys<AudienceChunk>(store).read(campaign.orgId, chunkId(campaign.id, n));
    const at = chunk ? chunk.personIds.indexOf(personId) : -1;
    if (at >= 0) return { asked: true, ...(chunk!.labels?.[at] ? { labels: chunk!.labels[at] } : {}) };
    if (!chunk || only !== undefined) return { asked: false };
  }
}

/** Where someone works, as an answer from them may record it: each field blank when not recorded. */
export const workplaceOf = (p: Person, partnership: Partnership): Workplace => ({
  department: p.department?.trim() ?? '',
  jobTitle: p.jobTitle?.trim() ?? '',
  agency: agencyOf(p, partnership) ?? '',
});

function largeGroups(people: Person[], partnership: Partnership): LargeGroups {
  const tally = (values: string[]) => {
    const n = new Map<string, number>();
    for (const v of values) if (v) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n]
      .filter(([, count]) => count >= MIN_GROUP)
      .map(([v]) => v)
      .sort();
  };
  const department = (p: Person) => p.department?.trim() ?? '';
  const jobTitle = (p: Person) => p.jobTitle?.trim() ?? '';
  const groups: LargeGroups = {
    departments: tally(people.map(department)),
    jobTitles: tally(people.map(jobTitle)),
    combinations: tally(people.filter((p) => department(p) && jobTitle(p)).map((p) => combination(department(p), jobTitle(p)))),
  };
  return {
    ...groups,
    agencies: namedAgencies(
      groups,
      people.map((p) => workplaceOf(p, partnership)),
    ),
  };
}

/**
 * Which agencies answers may name, within each set of department and job title labels: an agency
 * with at least five there, as long as those left unnamed there are none or at least five (else
 * the smallest named joins them), so an unnamed answer cannot be told apart as a small agency's.
 */
function namedAgencies(groups: LargeGroups, people: Workplace[]): string[] {
  const classes = new Map<string, { department: string; jobTitle: string; byAgency: Map<string, number> }>();
  for (const who of people) {
    const { department, jobTitle } = anonymousLabels(groups, who);
    const key = combination(department, jobTitle);
    const c = classes.get(key) ?? { department, jobTitle, byAgency: new Map<string, number>() };
    c.byAgency.set(who.agency, (c.byAgency.get(who.agency) ?? 0) + 1);
    classes.set(key, c);
  }
  const named: string[] = [];
  for (const c of classes.values()) {
    const total = [...c.byAgency.values()].reduce((s, n) => s + n, 0);
    const large = [...c.byAgency].filter(([agency, n]) => agency && n >= MIN_GROUP).sort(([, a], [, b]) => a - b);
    let unnamed = total - large.reduce((s, [, n]) => s + n, 0);
    while (unnamed > 0 && unnamed < MIN_GROUP && large.length > 0) unnamed += large.shift()![1];
    named.push(...large.map(([agency]) => agencyLabel(agency, c.department, c.jobTitle)));
  }
  return named.sort();
}

/**
 * Works out the audience, records it and queues one invitation each through the delivery engine.
 * Safe to repeat after a crash: chunks are rewritten and invitations have ids of their own.
 */
export async function startCampaign(deps: Deps, campaign: Campaign, timeZone: string): Promise<Campaign> {
  const partnership = await partnershipFor(deps, campaign.orgId);
  const kind = kindOf(campaign);
  const people = kind.asked(withinAgency(await resolveAudience(deps.store, campaign.orgId, campaign.audience), campaign.agency, partnership));
  const large = largeGroups(people, partnership);
  const buckets = Math.max(1, Math.ceil(people.length / AUDIENCE_CHUNK));
  const byBucket = Array.from({ length: buckets }, () => [] as Person[]);
  for (const p of people) byBucket[audienceBucketOf(p.id, buckets)]!.push(p);
  for (const [n, chunk] of byBucket.entries()) {
    // Anonymous: only groups large enough. A kind answered per unit: where each was asked for, in full, so they answer for that team.
    const labels = campaign.anonymous
      ? { labels: chunk.map((p) => anonymousLabels(large, workplaceOf(p, partnership))) }
      : kind.answersFor
        ? { labels: chunk.map((p) => workplaceOf(p, partnership)) }
        : {};
    await surveys<AudienceChunk>(deps.store).upsert({
      id: chunkId(campaign.id, n),
      orgId: campaign.orgId,
      kind: 'audience',
      campaignId: campaign.id,
      personIds: chunk.map((p) => p.id),
      ...labels,
    });
  }
  await enqueueAll(
    deps.store,
    deps.clock,
    people.map((p) => ({
      id: `${campaign.id}-invite-${p.id}`,
      orgId: campaign.orgId,
      purpose: 'questionnaire' as const,
      recipient: { personId: p.id },
      message: invitation(campaign, 0),
    })),
  );
  const units = kind.answersFor
    ? unitsAsked(
        kind,
        people.map((p) => workplaceOf(p, partnership)),
      )
    : undefined;
  return campaigns(deps.store).update(campaign.orgId, campaign.id, (c) =>
    c.status === 'scheduled'
      ? {
          ...c,
          status: 'open',
          invited: people.length,
          startedOn: today(deps.clock, timeZone),
          largeGroups: large,
          audienceBuckets: buckets,
          ...(units ? { units } : {}),
        }
      : undefined,
  );
}

/** The units a kind answered per unit asks, each once, in the order people read them. */
function unitsAsked(kind: QuestionnaireKind, asked: Workplace[]) {
  const units = new Map(
    asked.flatMap((w) => {
      const unit = kind.answersFor?.(w);
      return unit ? [[unit.key, unit] as const] : [];
    }),
  );
  return [...units.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** Everyone a started campaign asked, with where each was asked for when it was kept (anonymous and per-unit campaigns). */
async function audienceWithLabels(store: Store, campaign: Campaign): Promise<{ personId: string; labels?: Workplace }[]> {
  const asked: { personId: string; labels?: Workplace }[] = [];
  for (let n = 0; ; n++) {
    const chunk = await surveys<AudienceChunk>(store).read(campaign.orgId, chunkId(campaign.id, n));
    if (!chunk) return asked;
    asked.push(...chunk.personIds.map((personId, i) => (chunk.labels?.[i] ? { personId, labels: chunk.labels[i] } : { personId })));
  }
}

function invitation(campaign: Campaign, chaser: number) {
  return {
    kind: 'questionnaire-invite' as const,
    campaignId: campaign.id,
    title: campaign.title,
    closesOn: campaign.closesOn,
    anonymous: campaign.anonymous,
    chaser,
  };
}

export async function hasResponded(store: Store, campaign: Campaign, personId: string): Promise<boolean> {
  return !!(await surveys<RespondedMarker>(store).read(campaign.orgId, respondedId(campaign.id, personId)));
}

/**
 * Who a chaser goes to: those asked who have not answered; for a kind answered once per unit, those
 * whose unit nobody has answered for (a team another manager answered for is done).
 */
async function stillToAnswer(store: Store, campaign: Campaign, responded: Set<string>): Promise<string[]> {
  const kind = kindOf(campaign);
  if (!kind.answersFor) return (await audienceOf(store, campaign)).filter((personId) => !responded.has(personId));
  const answered = new Set((await answersOf(store, campaign)).map((e) => e.key));
  return (await audienceWithLabels(store, campaign)).flatMap(({ personId, labels }) => {
    const unit = labels && kind.answersFor?.(labels);
    return responded.has(personId) || (unit && answered.has(unitEntryKey(unit))) ? [] : [personId];
  });
}

/** Chaser `n` goes `n × chaserEveryWorkingDays` working days after the start, to those yet to answer. */
async function chase(deps: Deps, campaign: Campaign, day: string, calendar: WorkingCalendar): Promise<number> {
  if (!campaign.startedOn) return 0;
  let sent = 0;
  for (let n = 1; n <= campaign.maxChasers; n++) {
    const due = calendar.addWorkingDays(campaign.startedOn, n * campaign.chaserEveryWorkingDays);
    if (due !== day || due > campaign.closesOn) continue;
    // Who has answered, in one query, rather than a read per person asked.
    const responded = new Set(await new SurveyRepository(deps.store).respondedPersonIds(campaign.orgId, campaign.id));
    const waiting = await stillToAnswer(deps.store, campaign, responded);
    sent += await enqueueAll(
      deps.store,
      deps.clock,
      waiting.map((personId) => ({
        id: `${campaign.id}-chaser${n}-${personId}`,
        orgId: campaign.orgId,
        purpose: 'questionnaire' as const,
        recipient: { personId },
        message: invitation(campaign, n),
      })),
    );
  }
  return sent;
}

export const FOLLOW_UP_DEFAULTS = {
  afterDays: 90,
  openWorkingDays: 10,
  maxChasers: 2,
  anonymous: true,
  questionnaire: 'training-follow-up',
  poolMonths: 1 as const,
};

const followUpSchema = z
  .object({
    courseCode: z
      .string()
      .trim()
      .min(1)
      .max(30)
      .transform((c) => c.toUpperCase()),
    questionnaire: z.string().trim().min(1).max(40).default(FOLLOW_UP_DEFAULTS.questionnaire),
    afterDays: z.number().int().min(1).max(730).default(FOLLOW_UP_DEFAULTS.afterDays),
    openWorkingDays: z.number().int().min(1).max(60).default(FOLLOW_UP_DEFAULTS.openWorkingDays),
    maxChasers: z.number().int().min(0).max(5).default(FOLLOW_UP_DEFAULTS.maxChasers),
    anonymous: z.boolean().default(FOLLOW_UP_DEFAULTS.anonymous),
    poolMonths: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(6), z.literal(12)]).default(FOLLOW_UP_DEFAULTS.poolMonths),
  })
  .strict();

/** Turns on (or changes) the automatic follow-up for a course's completions. */
export async function setFollowUp(store: Store, orgId: string, data: unknown): Promise<FollowUpRule> {
  const parsed = followUpSchema.safeParse(data);
  if (!parsed.success)
    throw new AppError('VALIDATION', `The follow-up is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const r = parsed.data;
  if (!(await courses(store, orgId)).some((c) => c.code === r.courseCode)) throw new AppError('VALIDATION', `There is no course ${r.courseCode}.`);
  const q = await findQuestionnaire(store, orgId, r.questionnaire);
  checkKindAllows(kindOf(q), { type: 'course', words: `the people who complete ${r.courseCode}` }, r.anonymous);
  // A changed rule keeps its place: completions already pooled are not asked twice.
  const before = await surveys<FollowUpRule>(store).read(orgId, followUpRuleId(r.courseCode));
  return surveys<FollowUpRule>(store).upsert({
    id: followUpRuleId(r.courseCode),
    orgId,
    kind: 'follow-up-rule',
    courseCode: r.courseCode,
    questionnaire: { key: q.key, version: q.version },
    afterDays: r.afterDays,
    openDays: r.openWorkingDays,
    maxChasers: r.maxChasers,
    anonymous: r.anonymous,
    poolMonths: r.poolMonths,
    ...(before?.nextPoolFrom ? { nextPoolFrom: before.nextPoolFrom } : {}),
  });
}

export async function removeFollowUp(store: Store, orgId: string, courseCode: string): Promise<boolean> {
  try {
    await surveys(store).delete(orgId, followUpRuleId(courseCode));
    return true;
  } catch (e) {
    if (isAppError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

export async function followUpRules(store: Store, orgId: string): Promise<FollowUpRule[]> {
  return new SurveyRepository(store).followUpRules(orgId);
}

const plusDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;

/** How a rule pools completions, in words. */
export const describePool = (rule: Pick<FollowUpRule, 'poolMonths'>) =>
  (rule.poolMonths ?? 1) === 1 ? 'one campaign per month of completion' : `one campaign per ${rule.poolMonths} months of completion`;

/** The pooling period holding `date`: `months` calendar months, counted from January. */
export function poolPeriod(date: string, months: number): { from: string; to: string } {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  const from = d.set({ month: Math.floor((d.month - 1) / months) * months + 1, day: 1 });
  return { from: from.toISODate()!, to: from.plus({ months }).minus({ days: 1 }).toISODate()! };
}

/** "November 2026", or "October to November 2026" for a pool that waited for the next month. */
export function poolLabel(from: string, to: string): string {
  const a = DateTime.fromISO(from, { zone: 'utc' });
  const b = DateTime.fromISO(to, { zone: 'utc' });
  if (a.hasSame(b, 'month')) return a.toFormat('LLLL yyyy');
  return a.hasSame(b, 'year') ? `${a.toFormat('LLLL')} to ${b.toFormat('LLLL yyyy')}` : `${a.toFormat('LLLL yyyy')} to ${b.toFormat('LLLL yyyy')}`;
}

/**
 * The most recent pooling period whose follow-up is due by working day `day`: due `afterDays`
 * after its last completion day, or the next working day after that.
 */
export function duePoolPeriod(day: string, afterDays: number, months: number, calendar: WorkingCalendar): { from: string; to: string } {
  const latest = poolPeriod(plusDays(day, -afterDays), months);
  const dueOn = (p: { to: string }) => calendar.nextWorkingDay(plusDays(p.to, afterDays));
  return dueOn(latest) <= day ? latest : poolPeriod(plusDays(latest.from, -1), months);
}

/** A rule from before pooling has no place kept: it carries on after the follow-ups it already sent, so nobody is asked twice. */
async function afterEarlierFollowUps(store: Store, orgId: string, courseCode: string): Promise<string | undefined> {
  const ends = (await listCampaigns(store, orgId)).flatMap((c) =>
    c.followUp?.courseCode === courseCode && c.audience.type === 'course' ? [c.audience.completedTo] : [],
  );
  return ends.length ? plusDays(ends.sort().at(-1)!, 1) : undefined;
}

/**
 * Follow-ups go to cohorts, never to a handful: the completions of a calendar month (or of
 * `poolMonths`) become one campaign once the month's follow-up is due. An anonymous pool of fewer
 * than five waits and merges with the next month's, however long that takes. Safe to repeat: the
 * campaign's id is its pool's first day, and the rule remembers where the next pool starts.
 */
async function scheduleFollowUps(deps: Deps, orgId: string, day: string, timeZone: string, calendar: WorkingCalendar): Promise<number> {
  let started = 0;
  const rules = surveys<FollowUpRule>(deps.store);
  for (const rule of await followUpRules(deps.store, orgId)) {
    const period = duePoolPeriod(day, rule.afterDays, rule.poolMonths ?? 1, calendar);
    const from = rule.nextPoolFrom ?? (await afterEarlierFollowUps(deps.store, orgId, rule.courseCode)) ?? period.from;
    if (from > period.to) continue;
    const audience: Audience = { type: 'course', courseCode: rule.courseCode, completedFrom: from, completedTo: period.to };
    const id = `followup-${rule.courseCode.toLowerCase()}-${from}`;
    let pooledTo = (await campaigns(deps.store).read(orgId, id))?.audience as { completedTo: string } | undefined;
    if (!pooledTo) {
      const people = await resolveAudience(deps.store, orgId, audience);
      if (people.length > 0 && rule.anonymous && people.length < MIN_GROUP) {
        // Too few to be anonymous: keep them for the next month's pool.
        if (!rule.nextPoolFrom) await rules.update(orgId, rule.id, (r) => ({ ...r, nextPoolFrom: from }));
        continue;
      }
      if (people.length > 0) {
        const questionnaire: Questionnaire = await findQuestionnaire(deps.store, orgId, rule.questionnaire.key, rule.questionnaire.version);
        const campaign: Campaign = {
          id,
          orgId,
          kind: 'campaign',
          title: `${questionnaire.title} (${rule.courseCode}, completed ${poolLabel(from, period.to)})`,
          questionnaire: rule.questionnaire,
          audience,
          anonymous: rule.anonymous,
          sendAt: deps.clock.now().toISOString(),
          closesOn: calendar.addWorkingDays(day, rule.openDays),
          maxChasers: rule.maxChasers,
          chaserEveryWorkingDays: 3,
          status: 'scheduled',
          createdBy: { personId: 'system', name: 'Automatic training follow-up' },
          createdAt: deps.clock.now().toISOString(),
          invited: 0,
          followUp: { courseCode: rule.courseCode, afterDays: rule.afterDays },
          ...(kindOf(questionnaire).name === STAFF_KIND ? {} : { questionnaireKind: kindOf(questionnaire).name }),
        };
        try {
          await campaigns(deps.store).create(campaign);
          await startCampaign(deps, campaign, timeZone);
          started++;
        } catch (e) {
          if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
        }
      }
      pooledTo = audience;
    }
    const next = plusDays(pooledTo.completedTo, 1);
    await rules.update(orgId, rule.id, (r) => (r.nextPoolFrom === next ? undefined : { ...r, nextPoolFrom: next }));
  }
  return started;
}

/**
 * The questionnaire job, hourly on working days: starts campaigns whose time has come (a
 * scheduled one that was interrupted too), creates training follow-ups, sends chasers from 10:00
 * and closes campaigns after their closing day.
 */
export async function runQuestionnaires(ctx: JobContext<{ seal?: AnswerSeal }>): Promise<Record<string, unknown>> {
  const deps = { store: ctx.store, clock: ctx.clock, organisation: ctx.organisation };
  const tz = ctx.organisation.timeZone;
  const day = today(ctx.clock, tz);
  const hour = DateTime.fromJSDate(ctx.clock.now(), { zone: tz }).hour;
  let started = 0;
  let chasers = 0;
  let closed = 0;
  for (const campaign of await listCampaigns(ctx.store, ctx.orgId)) {
    if (campaign.status === 'closed') continue;
    if (day > campaign.closesOn) {
      // Pool the last waiting answers first: a run cut off here closes it next time.
      if (campaign.anonymous) {
        if (!ctx.seal) throw new AppError('CONFIG_INVALID', 'The questionnaire job needs the answer seal (SURVEY_SEAL_KEY) to close anonymous campaigns.');
        // A flush cut off part-way is finished first (one round), then whatever still waits goes (the next).
        const answerDeps = { ...deps, seal: ctx.seal };
        for (let round = 0; round < 3; round++) if ((await flushAnswers(answerDeps, campaign, { closing: true })).moved === 0) break;
      }
      await campaigns(ctx.store).update(ctx.orgId, campaign.id, (c) => ({ ...c, status: 'closed' }));
      closed++;
    } else if (campaign.status === 'scheduled' && campaign.sendAt <= ctx.clock.now().toISOString()) {
      await startCampaign(deps, campaign, tz);
      started++;
    } else if (campaign.status === 'open' && hour >= 10) {
      chasers += await chase(deps, campaign, day, ctx.calendar);
    }
  }
  const followUps = await scheduleFollowUps(deps, ctx.orgId, day, tz, ctx.calendar);
  return { started, followUps, chasers, closed };
}
