import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { exportSubject, subjectExportReports } from '../../../services/retention';
import type { Store } from '../../../services/store/ports';
import { ORG } from '../../harness/fixtures';
import { calsReturnAccepted, CAL_ANSWERED, CAL_CHALLENGED, councilWithItsSection11Lead, reviewOwnedByCal } from '../../harness/section11';
import { openTestStore } from '../../harness/store';

/*
 * A Section 11 lead who filled their agency's return and answered a challenge asks for their data:
 * the subject access export names the return, what they wrote in it, the challenge they answered,
 * the action raised with them as its lead, and the review recommendation they own. Each feature
 * contributes its part through its module; the export knows none of them.
 */
const TZ = 'Europe/London';
const NARRATIVE = 'Board minutes record the lead’s quarterly safeguarding report';

describe('subject access: what Section 11 and learning from reviews hold about a person', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const deps = () => ({ store, clock });

  beforeAll(async () => {
    store = await openTestStore();
    await councilWithItsSection11Lead(deps(), TZ);
    // Cal fills the council's return, the business manager challenges one standard, Cal answers, and it is accepted.
    await calsReturnAccepted(deps(), { timeZone: TZ, narratives: { 'senior-commitment': NARRATIVE } });
    // A practice review whose first recommendation Cal owns, with an action led by its owner.
    await reviewOwnedByCal(deps());
  });
  afterAll(() => store.close());

  it('the lead’s export names the return they filled, what they wrote, the challenge they answered and the action raised with them as lead', async () => {
    const x = await exportSubject(deps(), ORG, 'cal', OPERATOR);
    const s11 = x.features.find((f) => f.module === 'section11');
    expect(s11).toBeDefined();
    const text = JSON.stringify(s11);
    expect(text).toContain('council');
    expect(text).toContain(NARRATIVE);
    expect(text).toContain(CAL_ANSWERED);
    expect(text).toContain(CAL_CHALLENGED);
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
    expect(JSON.stringify(s11)).toContain(CAL_CHALLENGED);
    // Their own steps only: the lead's narrative is the agency's, not about the business manager.
    expect(JSON.stringify(s11)).not.toContain(NARRATIVE);
  });
});
