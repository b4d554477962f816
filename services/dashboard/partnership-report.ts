import { DateTime } from 'luxon';
import type { Clock } from '../core/clock';
import { localDate, today } from '../core/dates';
import { MIN_GROUP, pct, smallGroups } from '../core/figures';
import { AppError, isAppError } from '../core/errors';
import type { Cell, Report } from '../core/report';
import { agencyOf, allows, mayViewPartnershipReport, type Partnership, type Requester } from '../access/policy';
import { caseAgencies, CasePeople, openEscalations } from '../escalations';
import { ladderOf } from '../organisation/escalation-ladder';
import { Directory } from '../people/repository';
import type { Person } from '../people/model';
import { type Action, ActionPlan, type Rag, RAG_LABELS } from '../plan';
import type { Store } from '../store/ports';
import { answersOf, audienceOf, campaignFigures, findQuestionnaire, listCampaigns, NOT_RECORDED, SurveyRepository } from '../surveys';
import { loadTrainingFigures, peoplePerGroup, ratesOfPairs, type RequiredPair, requiredPairs } from '../training';
import { listAgencies } from '../organisation/agencies';
import { ensureOrganisation } from '../organisation/organisations';
import { moduleReports } from '../kernel/registry';
import { WorkingCalendar } from '../scheduling/calendar';
import type { Organisation } from '../organisation/model';

/**
 * The partnership board's roll-up, one section per table: the plan's RAG by priority (learning
 * point) and by agency, training completion by agency, open escalations by agency and stage with
 * their ages, and questionnaire response and results by agency. Figures only: no section names a member of
 * staff, so the board paper can go to every agency.
 */
export type PartnershipReportDeps = { store: Store; clock: Clock };

const RAGS: Rag[] = ['B', 'G', 'A', 'R'];
const ALL = 'All agencies';
const NOT_IN_DIRECTORY = '(lead not in the directory)';
const UNLABELLED = '(answers naming no agency)';

function ragCounts(actions: Action[]): number[] {
  return RAGS.map((r) => actions.filter((a) => a.status === r).length);
}

function ragRow(label: string, actions: Action[]): (string | number)[] {
  const counts = ragCounts(actions);
  return [label, actions.length, ...counts, pct(counts[0]! + counts[1]!, actions.length)];
}

const RAG_HEADERS = ['Actions', ...RAGS.map((r) => RAG_LABELS[r]), '% completed or on target'];

/** An action counts once for each agency among its leads: a shared action is every lead agency's. */
function agenciesOfAction(action: Action, byId: Map<string, Person>, partnership: Partnership): string[] {
  const found = action.leadIds.flatMap((id) => (byId.has(id) ? [agencyOf(byId.get(id)!, partnership) ?? ''] : []));
  return found.length ? [...new Set(found)] : [NOT_IN_DIRECTORY];
}

async function planSections(
  store: Store,
  orgId: string,
  people: Map<string, Person>,
  partnership: Partnership,
  agencyName: (id: string) => string,
): Promise<Report[]> {
  const plan = new ActionPlan(store);
  const plans = await plan.plansOf(orgId);
  const titles = new Map<string, string>();
  const actions: Action[] = [];
  for (const p of plans) {
    for (const lp of p.learningPoints) titles.set(`${p.id}|${lp.number}`, `${plans.length > 1 ? `${p.title}: ` : ''}LP${lp.number} ${lp.title}`);
    actions.push(...(await plan.actionsOfPlan(orgId, p.id)));
  }
  const byPriority = new Map<string, Action[]>();
  for (const a of actions) {
    const key = titles.get(`${a.planId}|${a.learningPoint}`) ?? `LP${a.learningPoint}`;
    byPriority.set(key, [...(byPriority.get(key) ?? []), a]);
  }
  const byAgency = new Map<string, Action[]>();
  for (const a of actions) for (const agency of agenciesOfAction(a, people, partnership)) byAgency.set(agency, [...(byAgency.get(agency) ?? []), a]);
  return [
    {
      title: 'Plan RAG by priority',
      headers: ['Priority', ...RAG_HEADERS],
      rows: [...[...byPriority].map(([label, list]) => ragRow(label, list)), ragRow('All priorities', actions)],
      notes: [`${actions.length} actions in ${plans.length} plan${plans.length === 1 ? '' : 's'}.`],
    },
    {
      title: 'Plan RAG by agency',
      headers: ['Agency', ...RAG_HEADERS],
      rows: [
        ...[...byAgency].sort(([a], [b]) => agencyName(a).localeCompare(agencyName(b))).map(([id, list]) => ragRow(agencyName(id), list)),
        ragRow(ALL, actions),
      ],
      notes: ['An action led by people of several agencies counts for each of them, so the agencies’ rows can add up to more than all agencies.'],
    },
  ];
}

async function trainingSection(
  store: Store,
  orgId: string,
  people: Person[],
  partnership: Partnership,
  agencyName: (id: string) => string,
  asAt: string,
): Promise<Report> {
  const figures = await loadTrainingFigures(store, { orgId }, people, asAt);
  const pairs = requiredPairs(figures, asAt);
  const groupOf = (p: RequiredPair) => agencyName(agencyOf(p.person, partnership) ?? '');
  const rows = ratesOfPairs(pairs, asAt, groupOf);
  // A small agency's rate is its few people's training: count people, not (person, course) pairs.
  const hidden = smallGroups(peoplePerGroup(pairs, groupOf), MIN_GROUP);
  return {
    title: 'Training by agency',
    headers: ['Agency', 'Required', 'Within validity', '% within validity', 'Within 12 months', '% within 12 months'],
    rows: rows.map((r) =>
      r.group === 'All'
        ? [ALL, r.required, r.withinValidity, r.pctWithinValidity, r.within12Months, r.pctWithin12Months]
        : hidden.has(r.group)
          ? [r.group, null, null, null, null, null]
          : [r.group, r.required, r.withinValidity, r.pctWithinValidity, r.within12Months, r.pctWithin12Months],
    ),
    notes: [
      `As at ${asAt}: each (person, required course) pair of active staff counts once. Rates only; each agency’s HR sees its own named list.`,
      ...(hidden.size
        ? [`Blank: fewer than ${MIN_GROUP} staff with required training in that agency (or hidden so a small one cannot be worked out by subtraction).`]
        : []),
    ],
  };
}

const daysBetween = (from: string, to: string) => Math.max(0, Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days));

async function escalationSection(
  store: Store,
  orgId: string,
  people: Person[],
  partnership: Partnership,
  agencyName: (id: string) => string,
  asAt: string,
  timeZone: string,
  ladderNames: string[],
): Promise<Report> {
  // A case is about people: an agency of a few staff with a case open tells the board one of them is in it.
  const staff = new Map<string, number>();
  for (const p of people) {
    if (!p.active) continue;
    const agency = agencyOf(p, partnership) ?? '';
    staff.set(agency, (staff.get(agency) ?? 0) + 1);
  }
  const hidden = smallGroups(staff, MIN_GROUP);
  const open = await openEscalations(store, orgId);
  const casePeople = new CasePeople(store, orgId, partnership);
  const groups = new Map<string, { agency: string; stage: number; ages: number[]; pastDeadline: number }>();
  for (const e of open) {
    const age = daysBetween(localDate(e.raisedAt, timeZone), asAt);
    for (const agency of await caseAgencies(e, casePeople)) {
      if (hidden.has(agency)) continue;
      const key = `${agencyName(agency)}|${String(e.stage).padStart(2, '0')}`;
      const g = groups.get(key) ?? { agency: agencyName(agency), stage: e.stage, ages: [], pastDeadline: 0 };
      g.ages.push(age);
      if (!e.acknowledged && asAt > e.stageDeadline) g.pastDeadline++;
      groups.set(key, g);
    }
  }
  const rows = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => [
      g.agency,
      `${g.stage} ${ladderNames[g.stage - 1] ?? ''}`.trim(),
      g.ages.length,
      Math.round(g.ages.reduce((s, n) => s + n, 0) / g.ages.length),
      Math.max(...g.ages),
      g.pastDeadline,
    ]);
  const ages = open.map((e) => daysBetween(localDate(e.raisedAt, timeZone), asAt));
  return {
    title: 'Escalations by agency and stage',
    headers: ['Agency', 'Stage', 'Open', 'Average age (days)', 'Oldest (days)', 'Unacknowledged past deadline'],
    rows: [
      ...rows,
      [
        ALL,
        'All stages',
        open.length,
        ages.length ? Math.round(ages.reduce((s, n) => s + n, 0) / ages.length) : 0,
        ages.length ? Math.max(...ages) : 0,
        open.filter((e) => !e.acknowledged && asAt > e.stageDeadline).length,
      ],
    ],
    notes: [
      'A case between agencies counts for each agency it concerns. Ages are calendar days since the escalation was raised.',
      ...(hidden.size
        ? [
            `Agencies with fewer than ${MIN_GROUP} staff have no rows (nor the next smallest, so theirs cannot be worked out from All agencies); their cases count in All agencies.`,
          ]
        : []),
    ],
  };
}

/**
 * Response and results by agency for each campaign. Response counts come from who was asked and
 * the "responded" markers: an agency with fewer than five responses shows no figures, and when
 * exactly one agency's is hidden the next smallest is hidden too, so it cannot be worked out by
 * subtracting the others from the campaign's total. Results are the campaign's own figures per
 * agency (its headlines and 1–5 averages), under the same rules as its results: nothing while an
 * anonymous campaign is open or under five answers, and a blank for an agency group the results
 * hide (under five, or given away by subtraction) or whose response is blank.
 */
async function questionnaireSection(
  store: Store,
  orgId: string,
  people: Map<string, Person>,
  partnership: Partnership,
  agencyName: (id: string) => string,
): Promise<Report> {
  const rows: Cell[][] = [];
  let withheld = 0;
  for (const campaign of (await listCampaigns(store, orgId)).filter((c) => c.status !== 'scheduled')) {
    const groups = new Map<string, { invited: number; responded: number }>();
    // One query for who answered, not a read per person asked: a council-wide campaign asks thousands.
    const responded = new Set(await new SurveyRepository(store).respondedPersonIds(orgId, campaign.id));
    for (const personId of await audienceOf(store, campaign)) {
      const person = people.get(personId);
      const agency = person ? (agencyOf(person, partnership) ?? '') : '';
      const g = groups.get(agency) ?? { invited: 0, responded: 0 };
      g.invited++;
      if (responded.has(personId)) g.responded++;
      groups.set(agency, g);
    }
    const hidden = smallGroups(new Map([...groups].map(([a, g]) => [a, g.responded])), MIN_GROUP);
    const questionnaire = await findQuestionnaire(store, orgId, campaign.questionnaire.key, campaign.questionnaire.version);
    const figures = campaignFigures(campaign, questionnaire, await answersOf(store, campaign));
    if (figures.withheld) withheld++;
    const results = new Map(figures.breakdowns.filter((g) => g.by === 'agency').map((g) => [g.group, g]));
    const label = (id: string) => (id === NOT_RECORDED ? UNLABELLED : agencyName(id));
    const agencies = [...new Set([...groups.keys(), ...results.keys()])].sort((a, b) => label(a).localeCompare(label(b)));
    for (const agency of agencies) {
      const g = groups.get(agency);
      if (g)
        rows.push([
          campaign.title,
          label(agency),
          'Responded',
          hidden.has(agency) ? null : g.responded,
          g.invited,
          hidden.has(agency) ? null : pct(g.responded, g.invited),
        ]);
      if (figures.withheld) continue;
      const r = results.get(agency);
      // Blank too where the response is blanked: a named campaign's results hide only groups under
      // five, so the next smallest agency's results, taken with the campaign's whole results that
      // every agency's survey roles see, would give the small one away.
      const shown = r && !r.suppressed && !hidden.has(agency) ? r : undefined;
      questionnaire.highlights.forEach((h, i) => {
        const f = shown?.highlights[i];
        rows.push([campaign.title, label(agency), `${h.label} (%)`, f?.count ?? null, f?.of ?? null, f?.pct ?? null]);
      });
      questionnaire.questions.forEach((q, i) => {
        if (q.type !== 'scale') return;
        const f = shown?.questions[i];
        rows.push([campaign.title, label(agency), `Average (1–5): ${q.text}`, null, f?.answered ?? null, f?.mean ?? null]);
      });
    }
  }
  return {
    title: 'Questionnaires by agency',
    headers: ['Questionnaire', 'Agency', 'Measure', 'Count', 'Of', 'Figure'],
    rows,
    notes: [
      `Responded: how many of those asked answered, and the percentage. Blank: fewer than ${MIN_GROUP} responses in that agency (or hidden so a small one cannot be worked out by subtraction).`,
      `Results: each headline's count of those who answered it and its percentage, and each 1–5 question's average, from the answers labelled with the agency. Blank: the questionnaire's results hide that agency (fewer than ${MIN_GROUP} answers, or given away by subtraction), or its response is blank.`,
      `An anonymous answer names its agency only where at least ${MIN_GROUP} people of it were asked alongside it, so a small agency’s answers count under “${UNLABELLED}”.${withheld ? ` Anonymous questionnaires still open or with fewer than ${MIN_GROUP} answers show only their response.` : ''}`,
    ],
  };
}

/** The board report, for the partnership's administrators and business manager (and the operator). */
export async function partnershipReport(
  deps: PartnershipReportDeps,
  input: { orgId: string; requester: Requester; timeZone: string; asAt?: string },
): Promise<Report[]> {
  const organisation = await ensureOrganisation(deps.store, deps.clock, input.orgId, { timeZone: input.timeZone });
  const partnership: Partnership = { orgId: organisation.orgId, ...(organisation.leadAgencyId ? { leadAgencyId: organisation.leadAgencyId } : {}) };
  if (!allows(input.requester, (actor) => mayViewPartnershipReport(actor, partnership))) {
    throw new AppError('FORBIDDEN', 'The partnership report is for the partnership’s administrators and business manager.');
  }
  const asAt = input.asAt ?? today(deps.clock, organisation.timeZone);
  const names = new Map((await listAgencies(deps.store, input.orgId)).map((a) => [a.agencyId, a.name]));
  const agencyName = (id: string) => (id === NOT_IN_DIRECTORY ? id : (names.get(id) ?? (id || '(no agency)')));
  const people = await new Directory(deps.store).all({ orgId: input.orgId });
  const byId = new Map(people.map((p) => [p.id, p]));
  const ladder = ladderOf(organisation).map((s) => s.name);
  return [
    ...(await planSections(deps.store, input.orgId, byId, partnership, agencyName)),
    await trainingSection(deps.store, input.orgId, people, partnership, agencyName, asAt),
    await escalationSection(deps.store, input.orgId, people, partnership, agencyName, asAt, organisation.timeZone, ladder),
    await questionnaireSection(deps.store, input.orgId, byId, partnership, agencyName),
    ...(await featureSections(deps, organisation, input.requester, asAt)),
  ];
}

/** The sections feature modules add to the board report (ReportDefinition.inBoardReport), each only for someone its own rule allows. */
async function featureSections(deps: PartnershipReportDeps, organisation: Organisation, requester: Requester, asAt: string): Promise<Report[]> {
  const sections: Report[] = [];
  for (const definition of moduleReports().filter((r) => r.inBoardReport && allows(requester, (actor) => r.allowed(actor, organisation)))) {
    try {
      const built = await definition.build({ store: deps.store, clock: deps.clock, calendar: new WorkingCalendar(), organisation, asAt }, requester, {});
      // A feature with nothing to report yet (no round, no review) leaves its section out.
      sections.push(...(Array.isArray(built) ? built : [built as Report]).filter((r) => r.rows.length > 0));
    } catch (e) {
      // A feature with nothing to report yet (no round started) leaves its section out.
      if (!isAppError(e, 'NOT_FOUND')) throw e;
    }
  }
  return sections;
}
