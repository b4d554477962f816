import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { addAgency } from '../../../services/organisation/agencies';
import type { Person } from '../../../services/people/model';
import { exportSubject, subjectExportReports } from '../../../services/retention';
import { addReview } from '../../../services/reviews/reviews';
import { answerChallenge, openReturn, reviewStandard, saveStandard, startSection11Round, submitReturn } from '../../../services/section11';
import type { Store } from '../../../services/store/ports';
import { appEvents } from '../../harness/partnership';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { sampleReview } from '../reviews/sample';

/*
 * A Section 11 lead who filled their agency's return and answered a challenge asks for their data:
 * the subject access export names the return, what they wrote in it, the challenge they answered,
 * the action raised with them as its lead, and the review recommendation they own. Each feature
 * contributes its part through its module; the export knows none of them.
 */
const TZ = 'Europe/London';
const NARRATIVE = 'Board minutes record the lead’s quarterly safeguarding report';
const ANSWER = 'The audit in October 2026 found every team trained; the rating stands at Amber';

describe('subject access: what Section 11 and learning from reviews hold about a person', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const deps = () => ({ store, clock });
  const personOf = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: TZ }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: TZ }, appEvents());
    await seed(store, {
      people: [
        person({ id: 'ada', name: 'Ada Admin', agency: 'council', roles: ['admin'] }),
        person({ id: 'bea', name: 'Bea Business-Manager', agency: 'council', roles: ['business-manager'] }),
        person({ id: 'cal', name: 'Cal Council-S11', email: 'cal@council.example', agency: 'council', roles: ['s11-lead'] }),
        person({ id: 'dee', name: 'Dee Worker', email: 'dee@council.example', agency: 'council' }),
        person({ id: 'pol', name: 'Polly Police-SL', email: 'polly@police.example', agency: 'police', roles: ['safeguarding-lead'] }),
      ],
    });
    // Cal fills the council's return, the business manager challenges one standard, Cal answers, and it is accepted.
    const { round } = await startSection11Round(deps(), { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2026-12-18', timeZone: TZ });
    const cal = await personOf('cal');
    const view = await openReturn(deps(), { actor: cal });
    for (const s of view.set.standards) {
      const weak = s.id === 'training';
      await saveStandard(deps(), {
        actor: cal,
        timeZone: TZ,
        data: {
          roundId: round.id,
          agency: 'council',
          standardId: s.id,
          rev: 0,
          rating: weak ? 'amber' : 'green',
          narrative: s.id === 'senior-commitment' ? NARRATIVE : `Evidence for ${s.id}.`,
          ...(weak ? { proposedAction: 'Train the last two teams', proposedDue: '2027-03-31' } : {}),
        },
      });
    }
    expect((await submitReturn(deps(), { actor: cal, data: { roundId: round.id, agency: 'council' } })).ret.status).toBe('submitted');
    const bea = await personOf('bea');
    const ref = (standardId: string, rev = 1) => ({ roundId: round.id, agency: 'council', standardId, rev });
    await reviewStandard(deps(), {
      actor: bea,
      timeZone: TZ,
      data: { ...ref('training'), decision: 'challenge', comment: 'Is Amber right with 61% trained?' },
    });
    await answerChallenge(deps(), { actor: cal, timeZone: TZ, data: { ...ref('training'), response: ANSWER } });
    for (const s of view.set.standards)
      await reviewStandard(deps(), { actor: bea, timeZone: TZ, data: { ...ref(s.id, s.id === 'training' ? 2 : 1), decision: 'accept' } });
    // A practice review whose first recommendation Cal owns, with an action led by its owner.
    const review = sampleReview({}, { carol: 'cal@council.example', dee: 'dee@council.example', agency: 'police' });
    const [r1, ...rest] = review.recommendations;
    const withAction = {
      ...review,
      recommendations: [{ ...r1!, actions: [{ action: 'Run exploitation training for every team', evidence: 'Attendance', due: '2027-03-31' }] }, ...rest],
    };
    await addReview(deps(), { orgId: ORG, requester: OPERATOR, data: withAction, fileName: 'review.yaml' });
  });
  afterAll(() => store.close());

  it('the lead’s export names the return they filled, what they wrote, the challenge they answered and the action raised with them as lead', async () => {
    const x = await exportSubject(deps(), ORG, 'cal', OPERATOR);
    const s11 = x.features.find((f) => f.module === 'section11');
    expect(s11).toBeDefined();
    const text = JSON.stringify(s11);
    expect(text).toContain('council');
    expect(text).toContain(NARRATIVE);
    expect(text).toContain(ANSWER);
    expect(text).toContain('Is Amber right with 61% trained?');
    expect(s11!.records).toMatchObject({
      returns: [expect.objectContaining({ agency: 'council', submittedByThem: true })],
      actionsNamingThemAsLead: [expect.objectContaining({ standardId: 'training', actionId: expect.any(String) })],
    });
    // The same, as sheets of the XLSX file.
    const sheets = subjectExportReports(x).map((r) => r.title);
    expect(sheets).toEqual(expect.arrayContaining(['Section 11 returns', 'Section 11 their steps', 'Learning from reviews']));
    const steps = subjectExportReports(x).find((r) => r.title === 'Section 11 their steps')!;
    expect(steps.rows.map((r) => r[2])).toEqual(expect.arrayContaining(['saved', 'submitted', 'answered']));
  });

  it('names the review recommendation they own and the actions they lead; someone a review names only as an action’s lead gets those actions alone', async () => {
    const reviews = (await exportSubject(deps(), ORG, 'cal', OPERATOR)).features.find((f) => f.module === 'reviews');
    expect(reviews?.records).toMatchObject({
      recommendationsOwned: [expect.objectContaining({ recommendationId: 'R1' })],
      recommendationActionsLed: [expect.objectContaining({ recommendationId: 'R1', action: 'Run exploitation training for every team' })],
    });
    const polly = await exportSubject(deps(), ORG, 'pol', OPERATOR);
    // R2 is owned by the police, not by Polly; its actions name the police's safeguarding lead, her, as their lead.
    expect(polly.features.find((f) => f.module === 'reviews')?.records).toMatchObject({
      recommendationsOwned: [],
      recommendationActionsLed: [
        expect.objectContaining({ recommendationId: 'R2', action: 'Write the joint escalation route' }),
        expect.objectContaining({ recommendationId: 'R2' }),
      ],
    });
    // Polly was asked for the police's return, which she never opened: the round names her as asked, nothing else.
    const pollyS11 = polly.features.find((f) => f.module === 'section11')!;
    expect(pollyS11.records).toMatchObject({ returns: [], roundsAskedOf: [expect.objectContaining({ agency: 'police' })] });
    expect(JSON.stringify(pollyS11)).not.toContain(NARRATIVE);
  });

  it('the business manager’s export names the challenge they made', async () => {
    const x = await exportSubject(deps(), ORG, 'bea', OPERATOR);
    const s11 = x.features.find((f) => f.module === 'section11')!;
    expect(JSON.stringify(s11)).toContain('Is Amber right with 61% trained?');
    // Their own steps only: the lead's narrative is the agency's, not about the business manager.
    expect(JSON.stringify(s11)).not.toContain(NARRATIVE);
  });
});
