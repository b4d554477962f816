import { derives, MIN_FOR_WRITTEN, MIN_GROUP, pct, smallDerivableSet } from '../core/figures';
import { AppError } from '../core/errors';
import type { Report } from '../core/report';
import type { Store } from '../store/ports';
import { SurveyRepository } from './repository';
import { getCampaign, listCampaigns } from './campaigns';
import { allows, mayViewCampaignResults, mayViewSurveyResults, sameCampaignScope, type Partnership, type Requester } from '../access/policy';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import { fixedAnswers } from './answers';
import type {
  AnswerEntry,
  Campaign,
  CampaignResults,
  Comparison,
  ComparisonRow,
  GroupResult,
  HighlightResult,
  QuestionResult,
  Questionnaire,
  ResultsDetail,
  UnitAnswer,
  Withheld,
} from './model';
import { unitEntryKey } from './model';
import { kindOf } from './kinds';

export { withheldNotice, writtenNotice } from './kinds/staff';
import { findQuestionnaire } from './questionnaires';
import { answersOf } from './answer-pool';
import { listAgencies } from '../organisation/agencies';

export type { CampaignResults, Comparison, ComparisonRow, GroupResult, HighlightResult, OptionCount, QuestionResult, UnitAnswer, Withheld } from './model';

/** The group of answers that do not record a department, a role or an agency. */
export const NOT_RECORDED = '(not recorded)';

/** Each answer as the list of fixed values it chose. */
const chosen = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

export function questionResults(questionnaire: Pick<Questionnaire, 'questions'>, entries: AnswerEntry[]): QuestionResult[] {
  return questionnaire.questions.map((q) => {
    const given = entries.map((e) => e.answers[q.id]).filter((v) => v !== undefined);
    const answered = given.length;
    const options = fixedAnswers(q).map((o) => {
      const count = given.filter((v) => chosen(v).includes(o.value)).length;
      return { ...o, count, pct: pct(count, answered) };
    });
    const written = q.type === 'text' || q.type === 'date' ? given.map(String).sort() : [];
    const result: QuestionResult = { id: q.id, text: q.text, type: q.type, answered, options, written, writtenCount: written.length };
    if (q.type === 'scale' && answered > 0) result.mean = Math.round((given.reduce<number>((s, v) => s + Number(v), 0) / answered) * 100) / 100;
    return result;
  });
}

export function highlightResults(questionnaire: Pick<Questionnaire, 'highlights'>, entries: AnswerEntry[]): HighlightResult[] {
  return questionnaire.highlights.map((h) => {
    const given = entries.map((e) => e.answers[h.question]).filter((v) => v !== undefined);
    const count = given.filter((v) => chosen(v).some((c) => h.values.includes(c))).length;
    return { label: h.label, count, of: given.length, pct: pct(count, given.length) };
  });
}

const hidden = (by: GroupResult['by'], group: string, hiddenBy: GroupResult['hiddenBy']): GroupResult => ({
  by,
  group,
  responses: 0,
  suppressed: true,
  hiddenBy,
  highlights: [],
  questions: [],
});

const groupOf = (by: GroupResult['by'], e: AnswerEntry) => (by === 'department' ? e.department : by === 'role' ? e.jobTitle : e.agency) || NOT_RECORDED;

/**
 * By department, by role and, once answers carry one, by agency (its id); a group with fewer than
 * five responses shows nothing but that it is hidden. With `complementary` (anonymous campaigns, and
 * named ones answered across agencies) a
 * group is also hidden when showing it would let a small group be worked out by subtraction: the
 * whole minus the groups shown, or a group minus the shown groups of another kind that lie wholly
 * inside it (an agency minus its departments, a department minus its roles...), must leave none or
 * at least five. All kinds are guarded together, so every surface shows the same groups.
 */
export function groupResults(questionnaire: Questionnaire, entries: AnswerEntry[], options: { complementary?: boolean } = {}): GroupResult[] {
  const kinds: GroupResult['by'][] = entries.some((e) => e.agency) ? ['department', 'role', 'agency'] : ['department', 'role'];
  const dimensions = kinds.map((by) => {
    const groups = new Map<string, AnswerEntry[]>();
    for (const e of entries) {
      const g = groupOf(by, e);
      groups.set(g, [...(groups.get(g) ?? []), e]);
    }
    return { by, groups: [...groups].sort(([a], [b]) => a.localeCompare(b)) };
  });
  const shown = new Set<string>();
  const id = (by: string, group: string) => `${by}\u0000${group}`;
  for (const d of dimensions) for (const [group, list] of d.groups) if (list.length >= MIN_GROUP) shown.add(id(d.by, group));
  if (options.complementary) {
    protectByComplement(dimensions, shown, entries.length, id);
    protectByDifferences(dimensions, shown, entries, id);
  }
  return dimensions.flatMap(({ by, groups }) =>
    groups.map(([group, list]) =>
      shown.has(id(by, group))
        ? {
            by,
            group,
            responses: list.length,
            suppressed: false,
            highlights: highlightResults(questionnaire, list),
            questions: questionResults(questionnaire, list),
          }
        : hidden(by, group, list.length < MIN_GROUP ? 'too-few' : 'subtraction'),
    ),
  );
}

/** Hides more groups until no subtraction of shown figures leaves a group of one to four. */
function protectByComplement(
  dimensions: { by: GroupResult['by']; groups: [string, AnswerEntry[]][] }[],
  shown: Set<string>,
  total: number,
  id: (by: string, group: string) => string,
): void {
  const visible = (d: (typeof dimensions)[number]) => d.groups.filter(([g]) => shown.has(id(d.by, g)));
  const small = (n: number) => n > 0 && n < MIN_GROUP;
  for (let changed = true; changed;) {
    changed = false;
    for (const d of dimensions) {
      const left = total - visible(d).reduce((n, [, list]) => n + list.length, 0);
      if (!small(left)) continue;
      const [smallest] = [...visible(d)].sort(([, a], [, b]) => a.length - b.length);
      if (smallest) {
        shown.delete(id(d.by, smallest[0]));
        changed = true;
      }
    }
    for (const outer of dimensions) {
      for (const inner of dimensions.filter((d) => d !== outer)) {
        for (const [group, list] of visible(outer)) {
          const members = new Set(list);
          const inside = visible(inner).filter(([, l]) => l.every((e) => members.has(e)));
          const residue = list.length - inside.reduce((n, [, l]) => n + l.length, 0);
          if (inside.length > 0 && small(residue)) {
            shown.delete(id(outer.by, group));
            changed = true;
          }
        }
      }
    }
  }
}

/** Beyond this many distinct kinds of answer (or of small ones), the exact check below costs too much and one kind of group is shown instead. */
const MAX_CELLS = 400;
const MAX_SMALL_CELLS = 120;
/** How many of the smallest groups shown are tried, each time, for the one a giveaway depends on. */
const TRIED_PER_ROUND = 12;

/**
 * Hides more groups until no sum or difference of the groups shown and the whole, however
 * chained (a department less an agency less another department...), singles out one to four
 * answers. Answers alike in every group shown form a cell; each time a few cells can be worked
 * out, the smallest shown group without which they no longer can is hidden (else the smallest
 * holding some of them, else the smallest), and the check runs again. When there are too many
 * cells to check, only the kind of group covering the most answers stays shown: groups of one
 * kind never overlap, so with the rules above no sum or difference of them gives fewer than five.
 */
function protectByDifferences(
  dimensions: { by: GroupResult['by']; groups: [string, AnswerEntry[]][] }[],
  shown: Set<string>,
  entries: AnswerEntry[],
  id: (by: string, group: string) => string,
): void {
  for (;;) {
    const cellKey = (e: AnswerEntry) => dimensions.map((d) => (shown.has(id(d.by, groupOf(d.by, e))) ? groupOf(d.by, e) : '')).join('\u0000');
    const cellIndex = new Map<string, number>();
    for (const e of entries) if (!cellIndex.has(cellKey(e))) cellIndex.set(cellKey(e), cellIndex.size);
    const sizes = new Array<number>(cellIndex.size).fill(0);
    for (const e of entries) sizes[cellIndex.get(cellKey(e))!]!++;
    const visible = dimensions.flatMap((d) =>
      d.groups
        .filter(([group]) => shown.has(id(d.by, group)))
        .map(([group, list]) => ({ by: d.by, id: id(d.by, group), size: list.length, cells: [...new Set(list.map((e) => cellIndex.get(cellKey(e))!))] })),
    );
    if (sizes.length > MAX_CELLS || sizes.filter((n) => n < MIN_GROUP).length > MAX_SMALL_CELLS) {
      const covered = (by: GroupResult['by']) => visible.filter((g) => g.by === by).reduce((n, g) => n + g.size, 0);
      const [keep] = [...new Set(visible.map((g) => g.by))].sort((a, b) => covered(b) - covered(a));
      for (const g of visible) if (g.by !== keep) shown.delete(g.id);
      return;
    }
    const leak = smallDerivableSet(
      sizes,
      visible.map((g) => g.cells),
      MIN_GROUP,
    );
    if (!leak) return;
    const bySize = [...visible].sort((a, b) => a.size - b.size);
    const needed = bySize.slice(0, TRIED_PER_ROUND).find(
      (g) =>
        !derives(
          sizes.length,
          visible.filter((v) => v !== g).map((v) => v.cells),
          leak,
        ),
    );
    const hide = needed ?? bySize.find((g) => g.cells.some((c) => leak.includes(c))) ?? bySize[0];
    if (!hide) return;
    shown.delete(hide.id);
  }
}

async function respondedCount(store: Store, campaign: Campaign): Promise<number> {
  return new SurveyRepository(store).respondedCount(campaign.orgId, campaign.id);
}

/**
 * The cohort on either side: the campaigns to a course's attendees (immediate) and the automatic
 * follow-ups whose completions fall inside the same window. Only campaigns of the campaign's own
 * scope (an automatic follow-up is the partnership's, so only the partnership's campaigns) that the
 * requester may see themselves, by the one access policy.
 */
async function cohortCampaigns(
  store: Store,
  campaign: Campaign,
  requester: Requester,
  partnership: Partnership,
): Promise<{ immediate: Campaign[]; followUp: Campaign[] } | undefined> {
  if (campaign.audience.type !== 'course') return undefined;
  const courseCode = campaign.audience.courseCode;
  const all = (await listCampaigns(store, campaign.orgId)).filter(
    (c) =>
      c.audience.type === 'course' &&
      c.audience.courseCode === courseCode &&
      c.status !== 'scheduled' &&
      sameCampaignScope(c, campaign) &&
      mayViewCampaignResults(requester, c, partnership),
  );
  const windowOf = (c: Campaign) => c.audience as { completedFrom: string; completedTo: string };
  const inside = (inner: Campaign, outer: Campaign) =>
    windowOf(inner).completedFrom >= windowOf(outer).completedFrom && windowOf(inner).completedTo <= windowOf(outer).completedTo;
  if (campaign.followUp) {
    const immediate = all.filter((c) => !c.followUp && inside(campaign, c));
    return immediate.length ? { immediate, followUp: [campaign] } : undefined;
  }
  const followUp = all.filter((c) => c.followUp && inside(c, campaign));
  return followUp.length ? { immediate: [campaign], followUp } : undefined;
}

/**
 * One side of a comparison: the answers of the campaigns that may join it, and which those are. A
 * campaign joins only when its own results would show figures (an anonymous one closed) and it has
 * at least five answers, named or not: the comparison shows no groups and no written answers, and
 * each side is a sum of whole campaigns of five or more that the viewer may open on their own, so no
 * difference of the figures shown (between the sides, or as campaigns close and join) singles out
 * fewer than five people.
 */
async function entriesOf(store: Store, all: Campaign[]): Promise<{ entries: AnswerEntry[]; joined: Campaign[]; questionnaire: Questionnaire }> {
  const entries: AnswerEntry[] = [];
  const joined: Campaign[] = [];
  for (const c of all) {
    // Withheld even with five answers (open and anonymous): passed over without reading them.
    if (withholding(c, MIN_GROUP)) continue;
    const answers = await answersOf(store, c);
    if (answers.length < MIN_GROUP || withholding(c, answers.length)) continue;
    entries.push(...answers);
    joined.push(c);
  }
  const q = all[0]!.questionnaire;
  return { entries, joined, questionnaire: await findQuestionnaire(store, all[0]!.orgId, q.key, q.version) };
}

/** The questions both sides asked (same id and type), answer by answer, and scale means. */
export function compare(
  immediate: { questionnaire: Questionnaire; entries: AnswerEntry[] },
  followUp: { questionnaire: Questionnaire; entries: AnswerEntry[] },
): Pick<Comparison, 'rows' | 'means'> {
  const rows: ComparisonRow[] = [];
  const means: Comparison['means'] = [];
  const after = new Map(questionResults(followUp.questionnaire, followUp.entries).map((r) => [r.id, r]));
  for (const before of questionResults(immediate.questionnaire, immediate.entries)) {
    const later = after.get(before.id);
    if (!later || later.type !== before.type) continue;
    for (const o of before.options) {
      const match = later.options.find((x) => x.value === o.value);
      if (match) rows.push({ questionId: before.id, text: before.text, answer: o.label, immediatePct: o.pct, followUpPct: match.pct });
    }
    if (before.mean !== undefined && later.mean !== undefined)
      means.push({ questionId: before.id, text: before.text, immediate: before.mean, followUp: later.mean });
  }
  return { rows, means };
}

export type CampaignFigures = Pick<CampaignResults, 'withheld' | 'writtenWithheld' | 'questions' | 'highlights' | 'breakdowns'>;

/**
 * Answers from more than one agency: every agency's survey roles see a partnership campaign's
 * results, so even a named one must not let one agency work out another's small group by
 * subtracting the groups shown from the whole.
 */
const spansAgencies = (entries: AnswerEntry[]) => new Set(entries.map((e) => e.agency).filter(Boolean)).size > 1;

/** Why a campaign with `answers` answers shows no figures, if it shows none: its results and every comparison it could join ask this. */
export function withholding(campaign: Pick<Campaign, 'anonymous' | 'status'>, answers: number): Withheld | undefined {
  if (campaign.anonymous && campaign.status !== 'closed') return 'open';
  if (campaign.anonymous && answers < MIN_GROUP) return 'too-few';
  return undefined;
}

/**
 * The figures a campaign's answers allow, by the anonymity rules: nothing while an anonymous one is
 * open or under five answers, written text only from ten and never by group. Agency groups carry
 * the agency's id. The one place these rules are applied, for the results and the board report alike.
 */
export function campaignFigures(campaign: Campaign, questionnaire: Questionnaire, entries: AnswerEntry[]): CampaignFigures {
  const withheld = withholding(campaign, entries.length);
  if (withheld) return { withheld, writtenWithheld: true, questions: [], highlights: [], breakdowns: [] };
  const writtenWithheld = campaign.anonymous && entries.length < MIN_FOR_WRITTEN;
  const withoutText = (q: QuestionResult): QuestionResult => ({ ...q, written: [] });
  return {
    writtenWithheld,
    questions: questionResults(questionnaire, entries).map((q) => (writtenWithheld ? withoutText(q) : q)),
    highlights: highlightResults(questionnaire, entries),
    // A group's written answers are never shown in an anonymous campaign: a small group's text can be recognised.
    breakdowns: groupResults(questionnaire, entries, { complementary: campaign.anonymous || spansAgencies(entries) }).map((g) =>
      campaign.anonymous ? { ...g, questions: g.questions.map(withoutText) } : g,
    ),
  };
}

/** Every unit a campaign asked, with its answer once given (an answer's key is its unit's: see responses.ts). */
function unitAnswers(campaign: Campaign, entries: AnswerEntry[]): UnitAnswer[] {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  return (campaign.units ?? []).map((unit) => {
    const entry = byKey.get(unitEntryKey(unit));
    return entry ? { unit, entry } : { unit };
  });
}

/** A campaign's results for those allowed to see them (administrators, HR, safeguarding leads). */
export async function campaignResults(deps: PartnershipSource, orgId: string, campaignId: string, requester: Requester): Promise<CampaignResults> {
  if (!allows(requester, mayViewSurveyResults)) throw new AppError('FORBIDDEN', 'Questionnaire results are for administrators, HR and safeguarding leads.');
  const { store } = deps;
  const campaign = await getCampaign(store, orgId, campaignId);
  const partnership = await partnershipFor(deps, orgId);
  // Another agency's campaign is answered as if it did not exist.
  if (!mayViewCampaignResults(requester, campaign, partnership))
    throw new AppError('NOT_FOUND', `There is no questionnaire campaign "${campaignId.slice(0, 80)}".`);
  const questionnaire = await findQuestionnaire(store, orgId, campaign.questionnaire.key, campaign.questionnaire.version);
  const responded = await respondedCount(store, campaign);
  const rate = { campaign, questionnaire, invited: campaign.invited, responded, responseRate: pct(responded, campaign.invited) };
  const entries = await answersOf(store, campaign);
  const figures = campaignFigures(campaign, questionnaire, entries);
  if (figures.withheld) return { ...rate, ...figures };
  // A kind answered once per unit shows each unit's named answer, so it has no groups to break down.
  if (kindOf(campaign).answersFor) return { ...rate, ...figures, breakdowns: [], byUnit: unitAnswers(campaign, entries) };
  const names = new Map((await listAgencies(store, orgId)).map((a) => [a.agencyId, a.name]));
  const results: CampaignResults = {
    ...rate,
    ...figures,
    breakdowns: figures.breakdowns.map((g) => (g.by === 'agency' ? { ...g, group: names.get(g.group) ?? g.group } : g)),
  };
  const cohort = await cohortCampaigns(store, campaign, requester, partnership);
  if (cohort) {
    const before = await entriesOf(store, cohort.immediate);
    const after = await entriesOf(store, cohort.followUp);
    if (before.joined.length > 0 && after.joined.length > 0)
      results.comparison = {
        immediate: { campaignIds: before.joined.map((c) => c.id), responses: before.entries.length },
        followUp: { campaignIds: after.joined.map((c) => c.id), responses: after.entries.length },
        ...compare(before, after),
      };
  }
  return results;
}

/**
 * The results as the one report shape, as the campaign's kind builds them (kinds.ts): the staff
 * questionnaire's figures and groups, a team check's answers team by team. `full` (the export)
 * holds everything the rules allow; `summary` (the card and the tab) is shorter.
 */
export function resultsReport(r: CampaignResults, options: ResultsDetail = { detail: 'full' }): Report {
  return kindOf(r.campaign).results(r, options);
}
