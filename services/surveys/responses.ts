import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import { AppError, isAppError, type FieldIssue } from '../core/errors';
import type { Person } from '../people/model';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import type { Store } from '../store/ports';
import { answersOf, flushAnswers, putInShards, putPending, readPending, type AnswerDeps } from './answer-pool';
import { checkAnswers, maxEntryBytes, pagesOf, parseSubmission, rawOf } from './answers';
import { getCampaign, hasResponded, membershipOf, workplaceOf } from './campaigns';
import {
  anonymousLabels,
  respondedId,
  unitEntryKey,
  type AnswerEntry,
  type AnswerUnit,
  type Campaign,
  type Questionnaire,
  type RespondedMarker,
  type Workplace,
} from './model';
import { kindOf } from './kinds';
import { findQuestionnaire } from './questionnaires';
import { surveys } from './repository';

type Deps = { store: Store; clock: Clock };

/** What the respondent's card shows next. */
export type SurveyView =
  | {
      kind: 'page';
      campaign: Campaign;
      questionnaire: Questionnaire;
      page: number;
      raw: Record<string, string>;
      answerKey: string;
      issues: FieldIssue[];
      changing: boolean;
      /** What the campaign's kind tells the person answering (a team check: whose answer this is). */
      note?: string;
    }
  | { kind: 'saved'; campaign: Campaign; answerKey: string; changed: boolean };

const newAnswerKey = () => randomBytes(24).toString('base64url');

/**
 * Whose answers an entry holds: the person in a named campaign, or the unit they answer for (a team
 * check's team); in an anonymous one an HMAC of the person's id under the card's key, so a key copied
 * from someone else's card opens nothing, and the store alone (which never holds the key) cannot
 * tell whose entry it is.
 */
function entryKey(campaign: Campaign, actor: Person, answerKey: string, unit: AnswerUnit | undefined): string {
  if (campaign.anonymous) return `key:${createHmac('sha256', answerKey).update(actor.id).digest('hex')}`;
  return unit ? unitEntryKey(unit) : `person:${actor.id}`;
}

/** Whether there are answers to change: this person's (their "responded" marker), or their unit's, whoever of it gave them. */
async function answeredAlready(deps: Deps, campaign: Campaign, actor: Person, unit: AnswerUnit | undefined): Promise<boolean> {
  if (!unit) return hasResponded(deps.store, campaign, actor.id);
  const key = unitEntryKey(unit);
  return (await answersOf(deps.store, campaign)).some((e) => e.key === key);
}

/**
 * The campaign and questionnaire, if this person may answer it now, and (anonymous) the labels
 * their answer carries, from the one audience chunk that holds them.
 */
async function answerable(
  deps: Deps,
  actor: Person,
  campaignId: string,
  timeZone: string,
): Promise<{ campaign: Campaign; questionnaire: Questionnaire; labels?: Workplace; unit?: AnswerUnit; note?: string }> {
  const campaign = await getCampaign(deps.store, actor.orgId, campaignId);
  if (campaign.status === 'closed' || today(deps.clock, timeZone) > campaign.closesOn) throw new AppError('SURVEY_CLOSED');
  const membership = campaign.status === 'open' ? await membershipOf(deps.store, campaign, actor.id) : { asked: false };
  if (!membership.asked) throw new AppError('FORBIDDEN', 'This questionnaire was not sent to you, so you cannot answer it.');
  // Asked is not enough where the kind needs a role (a team check's managers): one taken away since stops the answer.
  const kind = kindOf(campaign);
  if (!kind.mayAnswer(actor)) throw new AppError('FORBIDDEN', `A ${kind.label} is answered by ${kind.whoAnswers}; you are no longer one of them.`);
  const unit = membership.labels ? kind.answersFor?.(membership.labels) : undefined;
  const note = kind.cardNote?.(unit);
  const questionnaire = await findQuestionnaire(deps.store, actor.orgId, campaign.questionnaire.key, campaign.questionnaire.version);
  return { campaign, questionnaire, ...(membership.labels ? { labels: membership.labels } : {}), ...(unit ? { unit } : {}), ...(note ? { note } : {}) };
}

/** Where an entry is: pooled in the shards, waiting, or nowhere. */
async function findEntry(deps: AnswerDeps, campaign: Campaign, key: string): Promise<AnswerEntry | undefined> {
  const pooled = (await answersOf(deps.store, campaign)).find((e) => e.key === key);
  if (pooled || !campaign.anonymous) return pooled;
  const pending = await readPending(deps, campaign);
  return [...pending.moving, ...pending.entries].find((e) => e.key === key);
}

/**
 * Stores a set of answers. Named: straight into the shards. Anonymous: a new set waits, sealed,
 * to be pooled; a changed set is replaced wherever it is (waiting, moving or pooled). Someone not
 * yet marked as responding can only have a set waiting (or none), so only one write is needed.
 */
async function saveEntry(
  deps: AnswerDeps,
  campaign: Campaign,
  questionnaire: Questionnaire,
  entry: AnswerEntry,
  responded: boolean,
): Promise<{ replaced: boolean; bucket?: number; toPool?: boolean }> {
  if (!campaign.anonymous) return { replaced: (await putInShards(deps.store, campaign, [entry])).replaced > 0 };
  const waiting = await putPending(deps, campaign, entry, maxEntryBytes(questionnaire), { replaceOnly: responded });
  if (waiting) return waiting;
  // Already pooled (answerSurvey checked that it exists): replaced where it is.
  return { replaced: (await putInShards(deps.store, campaign, [entry])).replaced > 0 };
}

/**
 * Where the author works, as their answer records it: in full when named; in an anonymous campaign
 * only as groups large enough (see LargeGroups), and as they were when it started, even if they
 * have moved since.
 */
async function groupsOf(
  deps: PartnershipSource,
  campaign: Campaign,
  actor: Person,
  labelsWhenAsked: Workplace | undefined,
  unit: AnswerUnit | undefined,
): Promise<Pick<AnswerEntry, 'department' | 'jobTitle' | 'agency'>> {
  // A unit's answer carries the unit it was asked for, even if whoever gives it has moved since.
  const asked = campaign.anonymous || unit ? labelsWhenAsked : undefined;
  // Campaigns started before the labels were kept with the audience label by where they work now.
  const now = async () => workplaceOf(actor, await partnershipFor(deps, actor.orgId));
  const { agency, ...rest } = asked ?? (campaign.anonymous ? anonymousLabels(campaign.largeGroups, await now()) : await now());
  // No agency field at all when none is recorded: an answer then looks as it did before agencies.
  return agency ? { ...rest, agency } : rest;
}

/**
 * The card's first page: blank, or the person's saved answers when they are changing them. An
 * `answerKey` means "Change my answers": it must open this person's own answers, or nothing opens.
 */
export async function openSurvey(deps: AnswerDeps, input: { actor: Person; timeZone: string; campaignId: unknown; answerKey?: unknown }): Promise<SurveyView> {
  const campaignId = typeof input.campaignId === 'string' ? input.campaignId : '';
  const { campaign, questionnaire, unit, note } = await answerable(deps, input.actor, campaignId, input.timeZone);
  const page = (raw: Record<string, string>, answerKey: string, changing: boolean): SurveyView => ({
    kind: 'page',
    campaign,
    questionnaire,
    page: 0,
    raw,
    answerKey,
    issues: [],
    changing,
    ...(note ? { note } : {}),
  });
  const responded = await answeredAlready(deps, campaign, input.actor, unit);
  if (input.answerKey !== undefined) {
    const given = typeof input.answerKey === 'string' && /^[A-Za-z0-9_-]{32,64}$/.test(input.answerKey) ? input.answerKey : undefined;
    // A colleague's card (forwarded, or shown on their screen) opens nothing for anyone else.
    const mine = given && responded ? await findEntry(deps, campaign, entryKey(campaign, input.actor, given, unit)) : undefined;
    if (!mine || !given) throw new AppError('NOT_YOUR_ANSWERS');
    return page(rawOf(mine.answers), given, true);
  }
  if (!responded) return page({}, newAnswerKey(), false);
  if (campaign.anonymous) throw new AppError('ALREADY_ANSWERED');
  const mine = await findEntry(deps, campaign, entryKey(campaign, input.actor, '', unit));
  return page(mine ? rawOf(mine.answers) : {}, newAnswerKey(), true);
}

/**
 * A page of answers from the card: back, next (this page checked) or submit (everything checked
 * again and stored). Identity is the acting person; the card only carries answers and its key.
 */
export async function answerSurvey(deps: AnswerDeps, input: { actor: Person; timeZone: string; data: unknown }): Promise<SurveyView> {
  const { actor } = input;
  const campaignId = (input.data as { campaignId?: unknown } | null)?.campaignId;
  const { campaign, questionnaire, labels, unit, note } = await answerable(deps, actor, typeof campaignId === 'string' ? campaignId : '', input.timeZone);
  const submission = parseSubmission(input.data, questionnaire);
  const pages = pagesOf(questionnaire);
  const pageNo = Math.min(submission.page, pages.length - 1);
  const responded = await answeredAlready(deps, campaign, actor, unit);
  const key = entryKey(campaign, actor, submission.answerKey, unit);
  const view = (page: number, issues: FieldIssue[] = []): SurveyView => ({
    kind: 'page',
    campaign,
    questionnaire,
    page,
    raw: submission.raw,
    answerKey: submission.answerKey,
    issues,
    changing: responded,
    ...(note ? { note } : {}),
  });

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
  // Answered already: only the key of this person's own card replaces their answers.
  if (responded && campaign.anonymous && !(await findEntry(deps, campaign, key))) throw new AppError('ALREADY_ANSWERED');

  const { replaced, bucket, toPool } = await saveEntry(
    deps,
    campaign,
    questionnaire,
    {
      key,
      answers,
      ...(await groupsOf(deps, campaign, actor, labels, unit)),
      // A unit's answer is anyone's of it to change, so it says who gave it last.
      ...(unit ? { by: { personId: actor.id, name: actor.name } } : {}),
    },
    responded,
  );
  // The marker follows the answers: a crash between the two leaves answers that the same card can
  // still replace, never a person marked as answered with nothing stored.
  try {
    await surveys<RespondedMarker>(deps.store).create({
      id: respondedId(campaign.id, actor.id),
      orgId: actor.orgId,
      kind: 'responded',
      campaignId: campaign.id,
      personId: actor.id,
    });
  } catch (e) {
    if (!isAppError(e, 'ALREADY_EXISTS')) throw e;
  }
  // Only when its bucket has enough waiting: most answers then save the read of the sealed set.
  if (!replaced && toPool !== false) await flushAnswers(deps, campaign, { closing: false, bucket });
  return { kind: 'saved', campaign, answerKey: submission.answerKey, changed: replaced };
}

/** Open campaigns sent to this person, and whether they have answered each. */
export async function mySurveys(deps: Deps, actor: Person, campaigns: Campaign[]): Promise<{ campaign: Campaign; answered: boolean }[]> {
  const mine: { campaign: Campaign; answered: boolean }[] = [];
  for (const campaign of campaigns) {
    if (campaign.status !== 'open') continue;
    const membership = await membershipOf(deps.store, campaign, actor.id);
    if (!membership.asked) continue;
    const unit = membership.labels ? kindOf(campaign).answersFor?.(membership.labels) : undefined;
    mine.push({ campaign, answered: await answeredAlready(deps, campaign, actor, unit) });
  }
  return mine;
}
