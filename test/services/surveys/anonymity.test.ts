import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { addAgency } from '../../../services/organisation/agencies';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { reportCard } from '../../../cards/report-card';
import { createCampaign } from '../../../services/surveys/campaigns';
import type { AnswerEntry, AudienceChunk, Campaign, SurveyDoc } from '../../../services/surveys/model';
import { answersOf } from '../../../services/surveys/answer-pool';
import { campaignResults, resultsReport, type CampaignResults } from '../../../services/surveys/results';
import { AnswerSeal } from '../../../services/surveys/seal';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { followUpAnswers, surveyAnswering } from '../../harness/surveys';

/**
 * What someone with read access to the store can learn about anonymous answers, tried the way
 * they would: reading everything between every single submission and comparing the reads.
 */
const TZ = 'Europe/London';
const calendar = new WorkingCalendar();
const seal = AnswerSeal.random();
const sent = new FixedClock('2026-11-23T09:00:00Z');
const HR = person({ id: 'hr', name: 'Simon Howick', roles: ['hr'], department: 'HR', jobTitle: 'HR Adviser' });

type Snapshot = Map<string, SurveyDoc & { _ts?: number; _etag?: string }>;
const snapshot = async (store: Store): Promise<Snapshot> =>
  new Map((await toArray(store.collection<SurveyDoc & { _ts?: number }>('surveys').readAll())).map((d) => [d.id, d]));
const pooled = (s: Snapshot): Map<string, string> =>
  new Map([...s.values()].flatMap((d) => (d.kind === 'answers' ? d.entries.map((e): [string, string] => [e.key, JSON.stringify(e)]) : [])));
const markers = (s: Snapshot) => [...s.values()].filter((d) => d.kind === 'responded');

const { submit, closeAll } = surveyAnswering({ seal, clock: sent, timeZone: TZ, calendar });

/** The results card as the bot sends it. */
const resultsCard = (r: CampaignResults) => JSON.stringify(reportCard(resultsReport(r, { detail: 'summary' })));
describe('a database reader who reads the store between every single submission', () => {
  let store: Store;
  let campaign: Campaign;
  // Children's Services: 4 Heads of Service and 10 Social Workers; Housing: 6 Housing Officers; Legal: 3 Solicitors.
  const staff: Person[] = [
    ...Array.from({ length: 4 }, (_, i) => person({ id: `hos-${i}`, name: `Head ${i}`, department: 'Children’s Services', jobTitle: 'Head of Service' })),
    ...Array.from({ length: 10 }, (_, i) =>
      person({ id: `sw-${i}`, name: `Social Worker ${i}`, department: 'Children’s Services', jobTitle: 'Social Worker' }),
    ),
    ...Array.from({ length: 6 }, (_, i) => person({ id: `ho-${i}`, name: `Housing Officer ${i}`, department: 'Housing', jobTitle: 'Housing Officer' })),
    ...Array.from({ length: 3 }, (_, i) => person({ id: `sol-${i}`, name: `Solicitor ${i}`, department: 'Legal', jobTitle: 'Solicitor' })),
  ];
  const snapshots: { after: string; snapshot: Snapshot }[] = [];
  const notes = staff.map((_, i) => `Practice note ${i}: I record concerns the same day.`);

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [HR, ...staff] });
    campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: HR,
        timeZone: TZ,
        data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    snapshots.push({ after: 'start', snapshot: await snapshot(store) });
    let keyOfFirst = '';
    for (const [i, p] of staff.entries()) {
      const key = await submit(store, p, campaign.id, followUpAnswers(i));
      if (i === 0) keyOfFirst = key;
      snapshots.push({ after: `answer ${i}`, snapshot: await snapshot(store) });
      // Half-way, the first respondent changes their answers, by then pooled.
      if (i === 15) {
        await submit(store, staff[0]!, campaign.id, followUpAnswers(0, 'Practice note 0, changed.'), keyOfFirst);
        notes[0] = 'Practice note 0, changed.';
        snapshots.push({ after: 'change by 0', snapshot: await snapshot(store) });
      }
    }
    await closeAll(store, '2026-12-07T08:00:00Z');
    snapshots.push({ after: 'closing', snapshot: await snapshot(store) });
  }, 60_000);
  afterAll(() => store.close());

  it('no diff of two consecutive reads ties a "responded" marker to an answer', () => {
    let batches = 0;
    for (let n = 1; n < snapshots.length; n++) {
      const before = snapshots[n - 1]!.snapshot;
      const after = snapshots[n]!.snapshot;
      const newMarkers = markers(after).filter((m) => !before.has(m.id));
      const [was, now] = [pooled(before), pooled(after)];
      const added = [...now.keys()].filter((k) => !was.has(k));
      const changed = [...now.keys()].filter((k) => was.has(k) && was.get(k) !== now.get(k));
      const rewritten = [...after.values()].filter((d) => before.get(d.id)?._etag !== d._etag).map((d) => d.kind);
      if (added.length === 0 && changed.length === 0) {
        // A submission that pools nothing rewrites only its marker and the sealed waiting set: no
        // shard's write time (`_ts`) or etag moves with the marker.
        expect(rewritten.filter((k) => k !== 'responded' && k !== 'pending')).toEqual([]);
        continue;
      }
      if (changed.length > 0) {
        // A change of answers adds no marker, so it points at no one.
        expect({ step: snapshots[n]!.after, newMarkers: newMarkers.length }).toEqual({ step: snapshots[n]!.after, newMarkers: 0 });
      }
      if (added.length > 0) {
        batches++;
        // Answers appear only in batches of five or more, each of which could be any of the
        // people who answered since they were last pooled: at least ten while open, five at closing.
        const candidates = markers(after).length - was.size;
        expect(added.length).toBeGreaterThanOrEqual(5);
        expect(candidates).toBeGreaterThanOrEqual(snapshots[n]!.after === 'closing' ? 5 : 10);
      }
    }
    expect(batches).toBeGreaterThanOrEqual(2);
  });

  it('nothing readable waits outside the shards: every written answer shows up only once pooled', () => {
    for (const { after, snapshot: s } of snapshots) {
      for (const d of s.values()) {
        if (d.kind === 'answers') continue;
        const text = JSON.stringify(d);
        for (const note of notes) expect({ after, doc: d.id, holds: text.includes(note.slice(0, 16)) }).toEqual({ after, doc: d.id, holds: false });
      }
    }
    // At the end every answer is pooled, once, the change included, and the count comes from the markers.
    const final = [...pooled(snapshots.at(-1)!.snapshot).values()].map((e) => (JSON.parse(e) as AnswerEntry).answers['practice-change']).sort();
    expect(final).toEqual([...notes].sort());
  });

  it('keeps department × job title only for a pair of five or more asked: a pair of four is stored as the department alone', async () => {
    const byNote = new Map((await answersOf(store, campaign)).map((e) => [String(e.answers['practice-change']), e]));
    const where = (i: number) => ({ department: byNote.get(notes[i]!)!.department, jobTitle: byNote.get(notes[i]!)!.jobTitle });
    // 4 Heads of Service: Children's Services (14 asked) but the pair is only 4.
    for (const i of [0, 1, 2, 3]) expect(where(i)).toEqual({ department: 'Children’s Services', jobTitle: '' });
    for (const i of [4, 13]) expect(where(i)).toEqual({ department: 'Children’s Services', jobTitle: 'Social Worker' });
    for (const i of [14, 19]) expect(where(i)).toEqual({ department: 'Housing', jobTitle: 'Housing Officer' });
    // 3 Solicitors: neither the department nor the pair is large enough.
    for (const i of [20, 22]) expect(where(i)).toEqual({ department: '', jobTitle: '' });
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    expect(r.breakdowns.every((g) => g.questions.every((q) => q.written.length === 0))).toBe(true);
  });

  it('hides a group that subtraction would give away, not only groups under five', async () => {
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    // Children's Services (14) minus Social Workers (10, all in it) would be the 4 Heads of Service;
    // all 23 minus Children's Services and Housing (6) would be the 3 Solicitors. So departments are
    // hidden; roles are safe: the 7 unlabelled are 4 Heads of Service and 3 Solicitors together.
    expect(r.breakdowns.filter((g) => !g.suppressed).map((g) => `${g.by}: ${g.group} (${g.responses})`)).toEqual([
      'role: (not recorded) (7)',
      'role: Housing Officer (6)',
      'role: Social Worker (10)',
    ]);
    expect(r.breakdowns.filter((g) => g.by === 'department').every((g) => g.suppressed && g.responses === 0 && g.highlights.length === 0)).toBe(true);
  });

  it('after closing, with 23 answers, shows the figures and the written answers', async () => {
    const r = await campaignResults({ store }, HR.orgId, campaign.id, HR);
    expect(r).toMatchObject({ responded: 23, invited: 24, writtenWithheld: false });
    expect(r.withheld).toBeUndefined();
    expect(r.questions.find((q) => q.id === 'practice-change')!.written).toHaveLength(23);
  });
});

describe('no anonymous figure from fewer than five answers, and no written answer from fewer than ten', () => {
  let store: Store;
  const staff = Array.from({ length: 12 }, (_, i) =>
    person({ id: `p-${i}`, name: `Person ${i}`, department: 'Children’s Services', jobTitle: 'Social Worker' }),
  );
  const sendTo = async (title: string, answering: number): Promise<Campaign> => {
    const campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: HR,
        timeZone: TZ,
        data: { questionnaire: 'training-follow-up', title, audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    for (let i = 0; i < answering; i++) await submit(store, staff[i]!, campaign.id, followUpAnswers(i));
    return campaign;
  };
  let four: Campaign;
  let nine: Campaign;
  let ten: Campaign;

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [HR, ...staff] });
    four = await sendTo('Four answers', 4);
    nine = await sendTo('Nine answers', 9);
    ten = await sendTo('Ten answers', 10);
    await closeAll(store, '2026-12-07T08:00:00Z');
  }, 60_000);
  afterAll(() => store.close());

  it('four answers: the response rate only, on the card and in the export', async () => {
    const r = await campaignResults({ store }, HR.orgId, four.id, HR);
    expect(r).toMatchObject({ responded: 4, withheld: 'too-few', questions: [], highlights: [], breakdowns: [] });
    expect(resultsReport(r).rows).toEqual([
      ['Campaign', '', 'Four answers', '', ''],
      ['Response', 'Invited', '', '13', ''],
      ['Response', 'Responded', '', '4', '30.8%'],
      ['Withheld', 'Anonymous: fewer than 5 answers, so no figures are shown.', '', '', ''],
    ]);
    const card = resultsCard(r);
    expect(card).toContain('4 of 13 answered (30.8%)');
    expect(card).toContain('fewer than 5 answers, so no figures are shown');
    expect(card).not.toMatch(/Practice note|Mean|"value":"\d+% \(/);
    // Nothing was lost: the four answers stay sealed, never shown.
    expect(await answersOf(store, four)).toEqual([]);
  });

  it('nine answers: figures, and how many wrote something, but not what', async () => {
    const r = await campaignResults({ store }, HR.orgId, nine.id, HR);
    expect(r).toMatchObject({ responded: 9, writtenWithheld: true });
    expect(r.highlights.length + r.questions.length).toBeGreaterThan(0);
    expect(r.questions.find((q) => q.id === 'practice-change')).toMatchObject({ answered: 9, written: [], writtenCount: 9 });
    const rows = resultsReport(r).rows;
    expect(rows).toContainEqual(['Withheld', 'Anonymous: written answers are shown from 10 answers; until then only how many there are.', '', '', '']);
    expect(JSON.stringify(rows)).not.toContain('Practice note');
    const text = r.questions.find((q) => q.id === 'practice-change')!.text;
    expect(resultsReport(r, { detail: 'summary' }).rows).toContainEqual(['Written answers', text, 'withheld', '9', '']);
    const card = resultsCard(r);
    expect(card).toMatch(/"text":"withheld"[^\]]*\][^\]]*"text":"9"/);
    expect(card).not.toContain('Practice note');
  });

  it('ten answers: the written answers too', async () => {
    const r = await campaignResults({ store }, HR.orgId, ten.id, HR);
    expect(r).toMatchObject({ responded: 10, writtenWithheld: false });
    expect(r.questions.find((q) => q.id === 'practice-change')!.written).toHaveLength(10);
    expect(resultsReport(r).rows.filter((row) => row[0] === 'Written answer')).toHaveLength(10);
    // The card counts them and points to the export, where HR reads them.
    expect(resultsReport(r, { detail: 'summary' }).rows.filter((row) => row[0] === 'Written answer')).toHaveLength(0);
    expect(resultsReport(r, { detail: 'summary' }).rows).toContainEqual([
      'Written answers',
      r.questions.find((q) => q.id === 'practice-change')!.text,
      'text in the export',
      '10',
      '',
    ]);
  });
});

describe('an agency label on anonymous answers', () => {
  let store: Store;
  let campaign: Campaign;
  // One "Safeguarding Officer" group spans three agencies: 6 of the council, 5 of health and 3 of
  // the police, whose other 10 are Constables. The police have 13 asked, so "at least five of the
  // agency" alone would name the police on an answer the 3 police officers wrote.
  const staff: Person[] = [
    ...Array.from({ length: 8 }, (_, i) =>
      person({ id: `c-sw-${i}`, name: `Council SW ${i}`, agency: 'council', department: 'Children', jobTitle: 'Social Worker' }),
    ),
    ...Array.from({ length: 6 }, (_, i) =>
      person({ id: `c-so-${i}`, name: `Council SO ${i}`, agency: 'council', department: 'Safeguarding', jobTitle: 'Officer' }),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      person({ id: `h-so-${i}`, name: `Health SO ${i}`, agency: 'health', department: 'Safeguarding', jobTitle: 'Officer' }),
    ),
    ...Array.from({ length: 3 }, (_, i) =>
      person({ id: `p-so-${i}`, name: `Police SO ${i}`, agency: 'police', department: 'Safeguarding', jobTitle: 'Officer' }),
    ),
    ...Array.from({ length: 10 }, (_, i) =>
      person({ id: `p-pc-${i}`, name: `Constable ${i}`, agency: 'police', department: 'Public Protection', jobTitle: 'Constable' }),
    ),
  ];
  const partnershipHr = person({ id: 'hr', name: 'Simon Howick', agency: 'council', roles: ['hr', 'admin'], department: 'HR', jobTitle: 'HR Adviser' });
  const start = async (anonymous: boolean) => {
    const c = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: partnershipHr,
        timeZone: TZ,
        data: {
          questionnaire: 'training-follow-up',
          audience: { type: 'role', jobTitle: anonymous ? 'Officer' : 'Constable' },
          anonymous,
          closesOn: '2026-12-04',
        },
      },
    );
    return c;
  };

  beforeAll(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Health', 'Police']) await addAgency(store, sent, ORG, { name }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [partnershipHr, ...staff] });
    campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: partnershipHr,
        timeZone: TZ,
        data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    for (const [i, p] of staff.entries()) await submit(store, p, campaign.id, followUpAnswers(i));
    await closeAll(store, '2026-12-07T08:00:00Z');
  }, 60_000);
  afterAll(() => store.close());

  it('never narrows an answer to fewer than five people asked, by the name or by its absence', async () => {
    const entries = await answersOf(store, campaign);
    expect(entries).toHaveLength(staff.length);
    const matches = (p: Person, labels: { department: string; jobTitle: string }) =>
      (!labels.department || p.department === labels.department) && (!labels.jobTitle || p.jobTitle === labels.jobTitle);
    for (const e of entries) {
      const sameLabels = staff.filter((p) => matches(p, e));
      // Agencies that some answer with these labels names: an unnamed answer is from none of them.
      const namedHere = new Set(entries.filter((x) => x.agency && x.department === e.department && x.jobTitle === e.jobTitle).map((x) => x.agency));
      const candidates = e.agency ? sameLabels.filter((p) => p.agency === e.agency) : sameLabels.filter((p) => !namedHere.has(p.agency));
      expect({ labels: [e.department, e.jobTitle, e.agency], candidates: candidates.length >= 5 }).toEqual({
        labels: [e.department, e.jobTitle, e.agency],
        candidates: true,
      });
    }
    // The council's 8 Social Workers and the police's 10 Constables are named; in the mixed group only the council's 6 are, the 5 of health and the police's 3 together left unnamed.
    const labelled = [...new Set(entries.map((e) => [e.department, e.jobTitle, e.agency].join(' / ')))].sort();
    expect(labelled).toEqual([
      'Children / Social Worker / council',
      'Public Protection / Constable / police',
      'Safeguarding / Officer / ',
      'Safeguarding / Officer / council',
    ]);
  });

  it('a named campaign records the agency as it records the department; a campaign started before agencies were labelled records none', async () => {
    const named = await start(false);
    await submit(
      store,
      staff.find((p) => p.jobTitle === 'Constable')!,
      named.id,
      followUpAnswers(0),
    );
    expect((await answersOf(store, named)).map((e) => e.agency)).toEqual(['police']);
    const old = await start(true);
    await store.collection<Campaign>('surveys').update(ORG, old.id, (c) => ({
      ...c,
      largeGroups: { departments: c.largeGroups!.departments, jobTitles: c.largeGroups!.jobTitles, combinations: c.largeGroups!.combinations ?? [] },
    }));
    // Nor did its audience keep the labels each person was asked under.
    await store.collection<AudienceChunk>('surveys').update(ORG, `audience-${old.id}-0`, ({ labels: _, ...chunk }) => chunk);
    for (const [i, p] of staff.filter((s) => s.jobTitle === 'Officer').entries()) await submit(store, p, old.id, followUpAnswers(i));
    await closeAll(store, '2026-12-08T08:00:00Z');
    const entries = await answersOf(store, old);
    expect(entries).toHaveLength(14);
    expect(entries.every((e) => !('agency' in e) && e.department === 'Safeguarding' && e.jobTitle === 'Officer')).toBe(true);
  });
});
