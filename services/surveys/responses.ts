import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError, isAppError, type FieldIssue } from '../core/errors';
import type { Person } from '../people/model';
import type { Store } from '../store/ports';
import { checkAnswers, pagesOf, parseSubmission, rawOf } from './answers';
import { audienceOf, getCampaign, hasResponded } from './campaigns';
import { respondedId, SHARD_CAPACITY, type AnswerEntry, type AnswerShard, type Campaign, type Questionnaire, type RespondedMarker } from './model';
import { findQuestionnaire, surveys } from './questionnaires';

type Deps = { store: Store; clock: Clock };

/** What the respondent's card shows next. */
export type SurveyView =
  | { kind: 'page'; campaign: Campaign; questionnaire: Questionnaire; page: number; raw: Record<string, string>; answerKey: string; issues: FieldIssue[]; changing: boolean }
  | { kind: 'saved'; campaign: Campaign; answerKey: string; changed: boolean };

const shardId = (campaignId: string, n: number) => `answers-${campaignId}-${n}`;
const newAnswerKey = () => randomBytes(24).toString('base64url');

/** Whose answers an entry holds: the person in a named campaign; in an anonymous one only a hash of the card's key. */
function entryKey(campaign: Campaign, actor: Person, answerKey: string): string {
  return campaign.anonymous ? `key:${createHash('sha256').update(answerKey).digest('hex')}` : `person:${actor.id}`;
}

/** The campaign and questionnaire, if this person may answer it now. */
async function answerable(deps: Deps, actor: Person, campaignId: string, timeZone: string): Promise<{ campaign: Campaign; questionnaire: Questionnaire }> {
  const campaign = await getCampaign(deps.store, actor.orgId, campaignId);
  if (campaign.status === 'closed' || today(deps.clock, timeZone) > campaign.closesOn) throw new AppError('SURVEY_CLOSED');
  if (campaign.status !== 'open' || !(await audienceOf(deps.store, campaign)).includes(actor.id)) {
    throw new AppError('FORBIDDEN', 'This questionnaire was not sent to you, so you cannot answer it.');
  }
  return { campaign, questionnaire: await findQuestionnaire(deps.store, actor.orgId, campaign.questionnaire.key, campaign.questionnaire.version) };
}

/** The campaign's answer shards, read four at a time (a large campaign has a handful). */
async function shards(store: Store, campaign: Campaign): Promise<AnswerShard[]> {
  const found: AnswerShard[] = [];
  for (let n = 0; ; n += 4) {
    const batch = await Promise.all([0, 1, 2, 3].map((i) => surveys<AnswerShard>(store).read(campaign.orgId, shardId(campaign.id, n + i))));
    for (const shard of batch) {
      if (!shard) return found;
      found.push(shard);
    }
  }
}

/** Every set of answers a campaign has, once each (an entry caught mid-move between shards counts once). */
export async function answersOf(store: Store, campaign: Campaign): Promise<AnswerEntry[]> {
  const byKey = new Map<string, AnswerEntry>();
  for (const shard of await shards(store, campaign)) for (const e of shard.entries) byKey.set(e.key, e);
  return [...byKey.values()];
}

const insertAtRandom = <T>(list: T[], item: T): T[] => {
  const at = randomInt(list.length + 1);
  return [...list.slice(0, at), item, ...list.slice(at)];
};

/**
 * Stores one set of answers, replacing an earlier set with the same key. New answers go to a
 * random place in a random shard with room; when every shard is full, a random half of one moves
 * to a new shard, so no shard ever holds a single answer whose write time would give it away.
 */
async function saveEntry(store: Store, campaign: Campaign, entry: AnswerEntry): Promise<{ replaced: boolean }> {
  const col = surveys<AnswerShard>(store);
  for (let attempt = 1; attempt <= 10; attempt++) {
    const all = await shards(store, campaign);
    const holding = all.filter((s) => s.entries.some((e) => e.key === entry.key));
    try {
      if (holding.length > 0) {
        // Mid-split an answer can be in two shards for a moment: both copies get the new answers.
        for (const shard of holding) await col.update(campaign.orgId, shard.id, (s) => ({ ...s, entries: s.entries.map((e) => (e.key === entry.key ? entry : e)) }));
        return { replaced: true };
      }
      if (all.length === 0) {
        await col.create({ id: shardId(campaign.id, 0), orgId: campaign.orgId, kind: 'answers', campaignId: campaign.id, shard: 0, entries: [entry] });
        return { replaced: false };
      }
      const roomy = all.filter((s) => s.entries.length < SHARD_CAPACITY);
      if (roomy.length > 0) {
        let full = false;
        await col.update(campaign.orgId, roomy[randomInt(roomy.length)]!.id, (s) => {
          full = s.entries.length >= SHARD_CAPACITY;
          return full ? undefined : { ...s, entries: insertAtRandom(s.entries, entry) };
        });
        if (!full) return { replaced: false };
        continue;
      }
      const splitting = all[randomInt(all.length)]!;
      const next = all.length;
      const moved = insertAtRandom(splitting.entries.filter(() => randomInt(2) === 1), entry);
      const created = await col.create({ id: shardId(campaign.id, next), orgId: campaign.orgId, kind: 'answers', campaignId: campaign.id, shard: next, entries: moved });
      // Remove what moved from the old shard, except answers changed meanwhile: those stay there,
      // and the moved copy (now out of date) is dropped instead.
      const movedAs = new Map(moved.map((e) => [e.key, JSON.stringify(e)]));
      const changed = new Set<string>();
      await col.update(campaign.orgId, splitting.id, (s) => {
        changed.clear();
        return {
          ...s,
          entries: s.entries.filter((e) => {
            const was = movedAs.get(e.key);
            if (was === undefined) return true;
            if (was === JSON.stringify(e)) return false;
            changed.add(e.key);
            return true;
          }),
        };
      });
      if (changed.size > 0) await col.update(campaign.orgId, created.id, (s) => ({ ...s, entries: s.entries.filter((e) => !changed.has(e.key)) }));
      return { replaced: false };
    } catch (e) {
      // Someone else created that shard first, or many answers arrived at once: look again shortly.
      if (!isAppError(e, 'ALREADY_EXISTS') && !isAppError(e, 'CONFLICT')) throw e;
      await new Promise((r) => setTimeout(r, randomInt(20 * attempt)));
    }
  }
  throw new AppError('CONFLICT', 'Too many answers are arriving at once; please press Submit again.');
}

/** The card's first page: blank, or the person's saved answers when they are changing them. */
export async function openSurvey(deps: Deps, input: { actor: Person; timeZone: string; campaignId: unknown; answerKey?: unknown }): Promise<SurveyView> {
  const campaignId = typeof input.campaignId === 'string' ? input.campaignId : '';
  const { campaign, questionnaire } = await answerable(deps, input.actor, campaignId, input.timeZone);
  const page = (raw: Record<string, string>, answerKey: string, changing: boolean): SurveyView => ({ kind: 'page', campaign, questionnaire, page: 0, raw, answerKey, issues: [], changing });
  const given = typeof input.answerKey === 'string' && /^[A-Za-z0-9_-]{32,64}$/.test(input.answerKey) ? input.answerKey : undefined;
  if (!(await hasResponded(deps.store, campaign, input.actor.id))) return page({}, given ?? newAnswerKey(), false);
  if (!campaign.anonymous) {
    const key = entryKey(campaign, input.actor, '');
    const mine = (await answersOf(deps.store, campaign)).find((e) => e.key === key);
    return page(mine ? rawOf(mine.answers) : {}, given ?? newAnswerKey(), true);
  }
  const mine = given ? (await answersOf(deps.store, campaign)).find((e) => e.key === entryKey(campaign, input.actor, given)) : undefined;
  if (!mine || !given) throw new AppError('ALREADY_ANSWERED');
  return page(rawOf(mine.answers), given, true);
}

/**
 * A page of answers from the card: back, next (this page checked) or submit (everything checked
 * again and stored). Identity is the acting person; the card only carries answers and its key.
 */
export async function answerSurvey(deps: Deps, input: { actor: Person; timeZone: string; data: unknown }): Promise<SurveyView> {
  const { actor } = input;
  const campaignId = (input.data as { campaignId?: unknown } | null)?.campaignId;
  const { campaign, questionnaire } = await answerable(deps, actor, typeof campaignId === 'string' ? campaignId : '', input.timeZone);
  const submission = parseSubmission(input.data, questionnaire);
  const pages = pagesOf(questionnaire);
  const pageNo = Math.min(submission.page, pages.length - 1);
  const responded = await hasResponded(deps.store, campaign, actor.id);
  const key = entryKey(campaign, actor, submission.answerKey);
  const view = (page: number, issues: FieldIssue[] = []): SurveyView => ({ kind: 'page', campaign, questionnaire, page, raw: submission.raw, answerKey: submission.answerKey, issues, changing: responded });

  if (submission.move === 'back') return view(Math.max(0, pageNo - 1));
  if (submission.move === 'next') {
    const { issues } = checkAnswers(pages[pageNo]!, submission.raw);
    return issues.length ? view(pageNo, issues) : view(Math.min(pageNo + 1, pages.length - 1));
  }
  const { answers, issues } = checkAnswers(questionnaire.questions, submission.raw);
  if (issues.length) {
    const first = pages.findIndex((p) => p.some((q) => issues.some((i) => i.field === q.id)));
    return view(first, issues);
  }
  if (responded && campaign.anonymous && !(await answersOf(deps.store, campaign)).some((e) => e.key === key)) throw new AppError('ALREADY_ANSWERED');

  const groups = campaign.anonymous
    ? {
        department: campaign.largeGroups?.departments.includes(actor.department?.trim() ?? '') ? actor.department!.trim() : '',
        jobTitle: campaign.largeGroups?.jobTitles.includes(actor.jobTitle?.trim() ?? '') ? actor.jobTitle!.trim() : '',
      }
    : { department: actor.department?.trim() ?? '', jobTitle: actor.jobTitle?.trim() ?? '' };
  const { replaced } = await saveEntry(deps.store, campaign, { key, answers, ...groups });
  // The marker follows the answers: a crash between the two leaves answers that the same card can
  // still replace, never a person marked as answered with nothing stored.
  try {
    await surveys<RespondedMarker>(deps.store).create({ id: respondedId(campaign.id, actor.id), orgId: actor.orgId, kind: 'responded', campaignId: campaign.id, personId: actor.id });
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
  }
  return { kind: 'saved', campaign, answerKey: submission.answerKey, changed: replaced };
}

/** Open campaigns sent to this person, and whether they have answered each. */
export async function mySurveys(deps: Deps, actor: Person, campaigns: Campaign[]): Promise<{ campaign: Campaign; answered: boolean }[]> {
  const mine: { campaign: Campaign; answered: boolean }[] = [];
  for (const campaign of campaigns) {
    if (campaign.status !== 'open' || !(await audienceOf(deps.store, campaign)).includes(actor.id)) continue;
    mine.push({ campaign, answered: await hasResponded(deps.store, campaign, actor.id) });
  }
  return mine;
}
