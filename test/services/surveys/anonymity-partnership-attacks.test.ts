import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { addAgency } from '../../../services/organisation/agencies';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { CONTAINER_NAMES } from '../../../services/store/containers';
import { startTestApp, type TestApp } from '../../harness/app';
import { installedPeople } from '../../harness/delivery';
import { actionData } from '../../harness/route-context';
import { invokeActionExecute, personalConversationId, TEST_TENANT_ID } from '../../harness/teams-activities';
import { pendingId, type PendingAnswers } from '../../../services/surveys/model';
import { createCampaign } from '../../../services/surveys/campaigns';
import { anonymousLabels, type AnswerEntry, type Campaign, type Questionnaire } from '../../../services/surveys/model';
import { answersOf } from '../../../services/surveys/answer-pool';
import { campaignResults, groupResults } from '../../../services/surveys/results';
import { AnswerSeal } from '../../../services/surveys/seal';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { FOLLOW_UP_COURSE, followUpAnswers, followUpBesideAnAgencyQuestionnaire, LONE_AGENCY_ANSWER, surveyAnswering } from '../../harness/surveys';

/**
 * Attacks on anonymous questionnaires in a partnership of agencies, by someone who reads the whole
 * store after the campaign closes and knows the people directory as it was when it started.
 */
const TZ = 'Europe/London';
const calendar = new WorkingCalendar();
const seal = AnswerSeal.random();
const sent = new FixedClock('2026-11-23T09:00:00Z');

const { submit, closeAll } = surveyAnswering({ seal, clock: sent, timeZone: TZ, calendar });

const labelsOf = (e: Pick<AnswerEntry, 'department' | 'jobTitle' | 'agency'>) => [e.department, e.jobTitle, e.agency ?? ''].join(' / ');

describe('people who move agency or department while a partnership-wide anonymous campaign is open', () => {
  let store: Store;
  let campaign: Campaign;
  // Every group asked is labelled in full: 8 council Social Workers; 5 council and 5 health
  // Safeguarding Officers (both agencies named); 10 police Constables. Nobody is left unlabelled.
  const staff: Person[] = [
    ...Array.from({ length: 8 }, (_, i) =>
      person({ id: `c-sw-${i}`, name: `Council SW ${i}`, agency: 'council', department: 'Children', jobTitle: 'Social Worker' }),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      person({ id: `c-so-${i}`, name: `Council SO ${i}`, agency: 'council', department: 'Safeguarding', jobTitle: 'Officer' }),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      person({ id: `h-so-${i}`, name: `Health SO ${i}`, agency: 'health', department: 'Safeguarding', jobTitle: 'Officer' }),
    ),
    ...Array.from({ length: 10 }, (_, i) =>
      person({ id: `p-pc-${i}`, name: `Constable ${i}`, agency: 'police', department: 'Public Protection', jobTitle: 'Constable' }),
    ),
  ];
  const hr = person({ id: 'hr', name: 'Simon Howick', agency: 'council', roles: ['hr', 'admin'], department: 'HR', jobTitle: 'HR Adviser' });
  // After the invitations went: a health officer is seconded to the police, and a council social worker moves to Legal.
  const seconded = { ...staff.find((p) => p.id === 'h-so-0')!, agency: 'police' };
  const movedToLegal = { ...staff.find((p) => p.id === 'c-sw-0')!, department: 'Legal', jobTitle: 'Solicitor' };

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Health', 'Police']) await addAgency(store, sent, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [hr, ...staff] });
    campaign = await createCampaign(
      { store, clock: sent, calendar },
      { actor: hr, timeZone: TZ, data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' } },
    );
    await seed(store, { people: [seconded, movedToLegal] });
    const now = (p: Person) => (p.id === seconded.id ? seconded : p.id === movedToLegal.id ? movedToLegal : p);
    for (const [i, p] of staff.entries()) await submit(store, now(p), campaign.id, followUpAnswers(i));
    await closeAll(store, '2026-12-07T08:00:00Z');
  }, 60_000);
  afterAll(() => store.close());

  it('their answers carry the labels they were asked under, so no answer stands alone in the store', async () => {
    const entries = await answersOf(store, campaign);
    expect(entries).toHaveLength(staff.length);
    // What a reader of the store can tell: the labels each person asked had when the campaign started.
    const asked = staff.map((p) =>
      labelsOf(anonymousLabels(campaign.largeGroups, { department: p.department ?? '', jobTitle: p.jobTitle ?? '', agency: p.agency ?? '' })),
    );
    for (const e of entries) {
      const candidates = asked.filter((l) => l === labelsOf(e)).length;
      expect({ labels: labelsOf(e), fiveOrMoreCouldHaveWrittenIt: candidates >= 5 }).toEqual({ labels: labelsOf(e), fiveOrMoreCouldHaveWrittenIt: true });
    }
    expect([...new Set(entries.map(labelsOf))].sort()).toEqual([
      'Children / Social Worker / council',
      'Public Protection / Constable / police',
      'Safeguarding / Officer / council',
      'Safeguarding / Officer / health',
    ]);
  });

  it('the results show no group of one for the movers', async () => {
    const r = await campaignResults({ store }, ORG, campaign.id, hr);
    for (const g of r.breakdowns.filter((b) => !b.suppressed)) expect(g.responses).toBeGreaterThanOrEqual(5);
    expect(r.breakdowns.map((g) => g.group)).not.toContain('Legal');
  });
});

describe('breakdowns by agency and by department, subtracted from each other in a chain', () => {
  let store: Store;
  let campaign: Campaign;
  const hr = person({ id: 'hr', name: 'Simon Howick', agency: 'council', roles: ['hr', 'admin'], department: 'HR', jobTitle: 'HR Adviser' });
  const staffOf = (agency: string, department: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      person({ id: `${agency}-${department.replace(/\W/g, '')}-${i}`, name: `${agency} ${department} ${i}`, agency, department, jobTitle: 'Worker' }),
    );
  // Children's work is shared by the council (7) and health (5, of whom only 3 answer); every other
  // department belongs to one agency, except the Safeguarding Hub, shared by health and the police.
  const healthChildren = staffOf('health', 'Children', 5);
  const staff = [
    ...staffOf('council', 'Children', 7),
    ...healthChildren,
    ...staffOf('council', 'Early Help', 5),
    ...staffOf('health', 'Hospital', 10),
    ...staffOf('health', 'Safeguarding Hub', 6),
    ...staffOf('police', 'Safeguarding Hub', 6),
    ...staffOf('police', 'Response', 10),
  ];
  const answering = staff.filter((p) => !healthChildren.slice(3).includes(p));

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Health', 'Police']) await addAgency(store, sent, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [hr, ...staff] });
    campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: hr,
        timeZone: TZ,
        data: { questionnaire: 'training-follow-up', audience: { type: 'role', jobTitle: 'Worker' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    for (const [i, p] of answering.entries()) await submit(store, p, campaign.id, followUpAnswers(healthChildren.includes(p) ? 0 : i + 1));
    await closeAll(store, '2026-12-07T08:00:00Z');
  }, 60_000);
  afterAll(() => store.close());

  it('an HR user’s sums on the groups shown never come to health’s three children’s workers', async () => {
    const r = await campaignResults({ store }, ORG, campaign.id, hr);
    expect(r.responded).toBe(47);
    const shown = (group: string) => r.breakdowns.find((g) => g.group === group && !g.suppressed);
    // The attack: the council less Early Help (wholly the council's) is the council's children's
    // workers; Children less those is health's three, whose answers the figures then give away.
    const [children, council, earlyHelp] = [shown('Children'), shown('Council'), shown('Early Help')];
    const left = children && council && earlyHelp ? children.responses - (council.responses - earlyHelp.responses) : undefined;
    expect(left).toBeUndefined();
    // Children and Hospital are hidden (the whole less Council, Hospital, the Hub and Response would
    // be those three too); the rest still shows, and health's three stay inside Health's nineteen.
    expect(r.breakdowns.filter((g) => !g.suppressed).map((g) => `${g.by}: ${g.group} (${g.responses})`)).toEqual([
      'department: Early Help (5)',
      'department: Response (10)',
      'department: Safeguarding Hub (12)',
      'role: Worker (47)',
      'agency: Council (12)',
      'agency: Health (19)',
      'agency: Police (16)',
    ]);
  });
});

describe('a breakdown with too many kinds of answer to check every sum and difference', () => {
  it('shows one kind of group, which cannot be played off against another', () => {
    // 30 departments × 15 roles, one answer in each crossing: each group is 15 or 30, every crossing one person.
    const entries: AnswerEntry[] = Array.from({ length: 30 * 15 }, (_, i) => ({
      key: `k${i}`,
      answers: {},
      department: `Department ${Math.floor(i / 15)}`,
      jobTitle: `Role ${i % 15}`,
      agency: 'council',
    }));
    const questionnaire = { questions: [], highlights: [] } as unknown as Questionnaire;
    const shown = groupResults(questionnaire, entries, { complementary: true }).filter((g) => !g.suppressed);
    expect(new Set(shown.map((g) => g.by))).toEqual(new Set(['department']));
    expect(shown).toHaveLength(30);
  });
});

describe('a database reader who measures the sealed waiting answers after each submission', () => {
  let store: Store;
  const staff = Array.from({ length: 9 }, (_, i) => person({ id: `sw-${i}`, name: `Social Worker ${i}`, department: 'Children', jobTitle: 'Social Worker' }));
  const hr = person({ id: 'hr', name: 'Simon Howick', roles: ['hr'], department: 'HR', jobTitle: 'HR Adviser' });
  const note = (i: number, length: number) =>
    `Practice note ${i}: ${'I now record concerns on the same day and discuss them in supervision. '.repeat(20)}`.slice(0, length);
  /** The sealed set's length after each submission, when person `long` writes a full 1,000-character answer and the others 400. */
  const sealedLengths = async (title: string, long: number): Promise<number[]> => {
    const campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: hr,
        timeZone: TZ,
        data: { questionnaire: 'training-follow-up', title, audience: { type: 'role', jobTitle: 'Social Worker' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    const lengths: number[] = [];
    for (const [i, p] of staff.entries()) {
      await submit(store, p, campaign.id, { ...followUpAnswers(i), 'practice-change': note(i, i === long ? 1000 : 400) });
      lengths.push((await store.collection<PendingAnswers>('surveys').read(ORG, pendingId(campaign.id)))!.sealed.length);
    }
    return lengths;
  };

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [hr, ...staff] });
  });
  afterAll(() => store.close());

  it('its size grows with the number of answers waiting, never with what they say, so a long answer is not tied to whoever sent it', async () => {
    const allAlike = await sealedLengths('All alike', -1);
    // Each time a different person writes at length: the reader must see the same sizes.
    for (const long of [1, 4, 7]) expect({ long, lengths: await sealedLengths(`Long answer from ${long}`, long) }).toEqual({ long, lengths: allAlike });
  });
});

describe('a database reader who diffs every container while someone changes their answers in Teams', () => {
  let t: TestApp;
  let officers: Person[];
  const savedCards = new Map<string, unknown>();
  type Doc = { id: string; orgId: string; _etag?: string; kind?: string };
  const everything = async () => {
    const docs = new Map<string, Doc>();
    for (const name of CONTAINER_NAMES) for (const d of await toArray(t.store.collection<Doc>(name).readAll())) docs.set(`${name}/${d.id}`, d);
    return docs;
  };
  const press = async (p: Person, verb: string, data: Record<string, unknown>, replyToId: string) => {
    const res = await t.post(
      invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: { id: `29:${p.id}`, aadObjectId: p.aadObjectId!, name: p.name }, verb, data, replyToId }),
    );
    expect(res.status).toBe(200);
    return res.body.value;
  };
  const invitationOf = (p: Person) => t.connector.activities({ conversationId: personalConversationId({ id: `29:${p.id}` }) })[0];
  const answer = async (p: Person, i: number) => {
    const invitation = invitationOf(p);
    const page1 = await press(p, 'survey.open', actionData(invitation.attachments[0].content, 'Answer now'), invitation.id);
    const page2 = await press(
      p,
      'survey.page',
      actionData(page1, 'Next', {
        'q_practice-change': `Practice note ${i}.`,
        q_confidence: 'quite',
        'q_used-procedure': 'yes',
        'q_know-how-to-report': 'yes',
      }),
      invitation.id,
    );
    savedCards.set(
      p.id,
      await press(
        p,
        'survey.page',
        actionData(page2, 'Submit', { 'q_know-dso-name': 'yes', 'q_training-useful': '4', 'q_support-needed': 'supervision' }),
        invitation.id,
      ),
    );
  };

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    t.clock.set('2026-11-23T09:00:00Z');
    const [hr] = await installedPeople(t.store, t.connector.serviceUrl, 1, { prefix: 'hr', roles: ['hr'] });
    officers = await installedPeople(t.store, t.connector.serviceUrl, 12, { prefix: 'officer' });
    await createCampaign(
      { store: t.store, clock: t.clock, calendar },
      { actor: hr!, timeZone: TZ, data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' } },
    );
    await t.app.deliverNow();
    for (const [i, p] of officers.entries()) await answer(p, i);
  }, 60_000);
  afterAll(() => t.close());

  it('"Change my answers" rewrites only shared answer documents: no record naming the person moves with it', async () => {
    for (const p of officers.slice(0, 3)) {
      const before = await everything();
      t.clock.set('2026-11-24T14:00:00Z');
      const invitation = invitationOf(p);
      const again = await press(p, 'survey.edit', actionData(savedCards.get(p.id), 'Change my answers'), invitation.id);
      const page2 = await press(p, 'survey.page', actionData(again, 'Next'), invitation.id);
      const changed = await press(p, 'survey.page', actionData(page2, 'Save changes', { 'q_training-useful': '2' }), invitation.id);
      expect(JSON.stringify(changed)).toContain('Your changed answers are saved');
      const after = await everything();
      const moved = [...after].filter(([k, d]) => before.get(k)?._etag !== d._etag);
      expect(moved.length).toBeGreaterThan(0);
      for (const [k, d] of moved) {
        expect({ doc: k, kind: d.kind }).toEqual({ doc: k, kind: expect.stringMatching(/^(answers|pending)$/) });
        const text = JSON.stringify(d);
        for (const who of [p.id, p.aadObjectId!, p.name]) expect({ doc: k, names: text.includes(who) }).toEqual({ doc: k, names: false });
      }
    }
  });

  it('no container holds the seal key or any card’s answer key, which with a person’s id would find their answers', async () => {
    const stored = JSON.stringify([...(await everything()).values()]);
    const answerKeys = [...savedCards.values()].map((card) => String(actionData(card, 'Change my answers').answerKey));
    expect(answerKeys).toHaveLength(officers.length);
    for (const key of answerKeys) expect(key).toMatch(/^[A-Za-z0-9_-]{32,64}$/);
    for (const secret of [t.config.SURVEY_SEAL_KEY!, ...answerKeys]) expect(stored.includes(secret)).toBe(false);
  });
});

describe('the partnership’s follow-up compared with every questionnaire its attendees answered straight after the course', () => {
  let store: Store;
  let ids: Awaited<ReturnType<typeof followUpBesideAnAgencyQuestionnaire>>;
  let fewNamed: Campaign;
  let anonymous: Campaign;
  const councilAdmin = person({ id: 'c-admin', name: 'Ada Council-Admin', agency: 'council', roles: ['admin'], department: 'Policy', jobTitle: 'Officer' });
  const councilHr = person({ id: 'c-hr', name: 'Hana Council-HR', agency: 'council', roles: ['hr'], department: 'HR', jobTitle: 'Officer' });
  const policeHr = person({ id: 'p-hr', name: 'Harold Police-HR', agency: 'police', roles: ['hr'], department: 'HR', jobTitle: 'Officer' });
  const officers = [
    ...Array.from({ length: 4 }, (_, i) =>
      person({ id: `c-off-${i}`, name: `Council Officer ${i}`, agency: 'council', department: 'Children', jobTitle: 'Officer' }),
    ),
    ...Array.from({ length: 4 }, (_, i) =>
      person({ id: `p-off-${i}`, name: `Police Officer ${i}`, agency: 'police', department: 'Response', jobTitle: 'Officer' }),
    ),
  ];
  const attendees = [...officers, councilHr, policeHr];
  const immediately = {
    'know-how-to-report': 'yes',
    'aware-of-procedures': 'yes',
    confidence: 'quite',
    'know-dso-name': 'yes',
    'last-trained': 'within-12-months',
  };
  const comparisonOf = async (campaignId: string, viewer: Person) => (await campaignResults({ store }, ORG, campaignId, viewer)).comparison;

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Police']) await addAgency(store, sent, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [councilAdmin, ...attendees] });
    ids = await followUpBesideAnAgencyQuestionnaire(store, { partnershipAdmin: councilAdmin, agencyHr: councilHr, loneAnswerer: officers[0]!, attendees });
    const toCourse = (title: string, anonymous: boolean) => ({
      questionnaire: 'awareness',
      title,
      anonymous,
      audience: { type: 'course', courseCode: FOLLOW_UP_COURSE, completedFrom: '2026-09-01', completedTo: '2026-09-30' },
      closesOn: '2026-12-04',
    });
    // The partnership's too: one named, answered by two people who said they cannot report; one anonymous, answered by six, still open.
    fewNamed = await createCampaign(
      { store, clock: sent, calendar },
      { actor: councilAdmin, timeZone: TZ, data: toCourse('Specialist course: the late sitting', false) },
    );
    for (const p of attendees.slice(5, 7)) await submit(store, p, fewNamed.id, LONE_AGENCY_ANSWER);
    anonymous = await createCampaign(
      { store, clock: sent, calendar },
      { actor: councilAdmin, timeZone: TZ, data: toCourse('Specialist course: what you thought', true) },
    );
    for (const p of attendees.slice(2, 8)) await submit(store, p, anonymous.id, { ...immediately, comments: `Written by ${p.id}` });
  }, 60_000);
  afterAll(() => store.close());

  it('a named campaign with two answers and an open anonymous one are left out for everyone, the partnership’s administrator too; so is the council’s own, even for the council', async () => {
    for (const viewer of [policeHr, councilHr, councilAdmin]) {
      expect(await comparisonOf(ids.followUpId, viewer)).toMatchObject({
        immediate: { campaignIds: [ids.partnershipCampaignId], responses: 5 },
        followUp: { campaignIds: [ids.followUpId], responses: 5 },
      });
    }
    // The council's own questionnaire is the council's alone: nothing of the partnership is put beside it.
    expect(await comparisonOf(ids.agencyCampaignId, councilHr)).toBeUndefined();
    // A campaign left out is compared with nothing when opened itself.
    expect(await comparisonOf(fewNamed.id, councilAdmin)).toBeUndefined();
  });

  it('once the anonymous one closes with six answers it joins, and still no written answer is shown beside the follow-up', async () => {
    await closeAll(store, '2026-12-07T08:00:00Z');
    const comparison = await comparisonOf(ids.followUpId, policeHr);
    expect(comparison).toMatchObject({ immediate: { responses: 11 }, followUp: { responses: 5 } });
    expect([...comparison!.immediate.campaignIds].sort()).toEqual([ids.partnershipCampaignId, anonymous.id].sort());
    expect(JSON.stringify(comparison)).not.toMatch(/Written by|Anything else/);
  });
});
