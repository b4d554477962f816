import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { Directory } from '../../../services/people/repository';
import type { Action } from '../../../services/plan/model';
import { eraseLeaver } from '../../../services/retention';
import { answerImpactCheck, runImpactChecks } from '../../../services/reviews/impact-checks';
import { impactCheckId, type ImpactCheck, type Review } from '../../../services/reviews/model';
import { ReviewRecords } from '../../../services/reviews/repository';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { chaseSection11 } from '../../../services/section11/rounds';
import type { S11Return, S11Round } from '../../../services/section11/model';
import { DEFAULT_RETENTION } from '../../../services/store/retention-schedule';
import { toArray, type Store } from '../../../services/store/ports';
import { ORG } from '../../harness/fixtures';
import { CAL, calsReturnAccepted, CAL_ANSWERED, CAL_CHALLENGED, councilWithItsSection11Lead, reviewOwnedByCal } from '../../harness/section11';
import { openTestStore } from '../../harness/store';

/*
 * Cal, the council's Section 11 lead, filled the council's return, answered the business manager's
 * challenge, was made lead of the action raised from it, owned a practice review's recommendation
 * and answered its impact check. Cal left in 2027; years later, past every retention period, an
 * administrator erases Cal. Nothing Section 11 or learning from reviews keeps may name Cal any
 * more, while the partnership's record (the ratings, the narratives, the challenge and its answer,
 * the action, the recommendation and its impact) stays, attributed to a former member of staff.
 */
const TZ = 'Europe/London';
const FORMER = { name: 'Former member of staff' };

describe('erasing a leaver: what Section 11 and learning from reviews keep about them', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const deps = () => ({ store, clock });
  const personOf = async (id: string) => (await new Directory(store).get(ORG, id))!;
  const docs = async <T>(container: 'section11' | 'reviews') => (await toArray(store.collection(container).readAll())) as unknown as T[];
  const naming = (doc: unknown) => {
    const text = JSON.stringify(doc).toLowerCase();
    return text.includes(CAL.name.toLowerCase()) || text.includes(CAL.email) || text.includes(`"${CAL.id}"`);
  };
  let reviewId: string;
  let returnBefore: S11Return;

  beforeAll(async () => {
    store = await openTestStore();
    await councilWithItsSection11Lead(deps(), TZ);
    // Cal fills the council's return, the business manager challenges one standard, Cal answers, and it is accepted.
    await calsReturnAccepted(deps(), { timeZone: TZ });
    returnBefore = (await docs<S11Return>('section11')).find((d) => d.kind === 's11-return')!;
    expect(returnBefore.status).toBe('accepted');

    // A practice review whose first recommendation Cal owns, with an action led by its owner; a year on, Cal answers its impact check.
    reviewId = await reviewOwnedByCal(deps());
    clock.set('2027-11-02T09:00:00Z');
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
    await runImpactChecks({ store, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger });
    const check = (await new ReviewRecords(store).check(ORG, impactCheckId(reviewId, 'R1')))!;
    expect(check.askedPersonIds).toEqual(['cal']);
    await answerImpactCheck(deps(), {
      actor: await personOf(CAL.id),
      timeZone: TZ,
      data: {
        checkId: check.id,
        version: check.version,
        changed: 'Every team had the training',
        evidence: 'https://intranet.example/audit',
        measure: 'met',
        outcomeRag: 'G',
      },
    });

    // Cal leaves at the end of November 2027; more than six years later nothing keeps their record.
    await new Directory(store).save({ ...(await personOf('cal')), active: false, leftOn: '2027-11-30' });
    clock.set('2034-03-01T09:00:00Z');
  });
  afterAll(() => store.close());

  it('a dry run names what Section 11 and reviews would anonymise, and changes nothing', async () => {
    const before = [...(await docs('section11')), ...(await docs('reviews'))];
    expect(before.filter(naming).length).toBeGreaterThan(0);
    const plan = await eraseLeaver(deps(), ORG, 'cal', OPERATOR, DEFAULT_RETENTION, true);
    expect(plan.steps).toEqual(
      expect.arrayContaining([
        { what: expect.stringMatching(/^Section 11 rounds/), count: 1, how: 'anonymised' },
        { what: expect.stringMatching(/^Section 11 returns/), count: 1, how: 'anonymised' },
        { what: expect.stringMatching(/^reviews/), count: 1, how: 'anonymised' },
        { what: expect.stringMatching(/^impact checks/), count: 1, how: 'anonymised' },
      ]),
    );
    expect([...(await docs('section11')), ...(await docs('reviews'))]).toEqual(before);
  });

  it('afterwards no Section 11 or review document names them, and the return, the action and the recommendation stand, by a former member of staff', async () => {
    const admin = await personOf('ada');
    await eraseLeaver(deps(), ORG, 'cal', admin, DEFAULT_RETENTION, false);

    const section11 = await docs<S11Return | S11Round>('section11');
    const reviews = await docs<Review | ImpactCheck>('reviews');
    expect([...section11, ...reviews].filter(naming).map((d) => (d as { id: string }).id)).toEqual([]);

    // The return keeps every answer, rating, narrative and step; only who did each is a former member of staff.
    const ret = section11.find((d): d is S11Return => d.kind === 's11-return')!;
    expect(Object.keys(ret.answers)).toEqual(Object.keys(returnBefore.answers));
    for (const [standardId, answer] of Object.entries(ret.answers)) {
      const was = returnBefore.answers[standardId]!;
      expect(answer).toMatchObject({ rating: was.rating, narrative: was.narrative, evidenceLinks: was.evidenceLinks, savedBy: FORMER });
      expect(answer.scrutiny).toEqual(was.scrutiny);
      expect(answer.actionId).toBe(was.actionId);
    }
    expect(ret).toMatchObject({ status: 'accepted', submittedBy: FORMER });
    expect(ret.history.map((h) => [h.what, h.standardId, h.comment])).toEqual(returnBefore.history.map((h) => [h.what, h.standardId, h.comment]));
    expect(ret.history.find((h) => h.what === 'answered')).toMatchObject({ by: FORMER, comment: CAL_ANSWERED });
    // The business manager's own steps still name them.
    expect(ret.history.find((h) => h.what === 'challenged')).toMatchObject({ by: { personId: 'bea', name: 'Bea Business-Manager' }, comment: CAL_CHALLENGED });
    const round = section11.find((d): d is S11Round => d.kind === 's11-round')!;
    expect(round.agencies.find((a) => a.agency === 'council')!.leads).toEqual([FORMER]);

    // The action raised from the weak standard stands, led by a former member of staff.
    const raised = (await toArray(store.collection<Action>('actions').readAll())).find((a) => a.id === ret.answers['training']!.actionId)!;
    expect(raised).toMatchObject({ description: 'Council: Train the last two teams', leads: [FORMER], leadIds: [] });

    // The recommendation, its action and its impact, owned and answered by a former member of staff.
    const review = reviews.find((d): d is Review => d.kind === 'review')!;
    const r1 = review.recommendations.find((r) => r.id === 'R1')!;
    expect(r1).toMatchObject({ text: 'Regular training for staff in exploitation', owner: { kind: 'person', name: FORMER.name } });
    expect(r1.actions).toEqual([expect.objectContaining({ action: 'Run exploitation training for every team', lead: FORMER.name })]);
    const check = reviews.find((d): d is ImpactCheck => d.kind === 'impact-check' && d.recommendationId === 'R1')!;
    expect(check).toMatchObject({ status: 'answered', askedPersonIds: [], answer: { by: FORMER, changed: 'Every team had the training', measure: 'met' } });
    expect(await personOf('cal')).toBeUndefined();
  });

  it('a round whose only lead of an outstanding agency was erased closes without a message to nobody', async () => {
    // Polly, asked for the police's return and never filling it, left too; R2's actions named her by email.
    await new Directory(store).save({ ...(await personOf('pol')), active: false, leftOn: '2027-11-30' });
    await eraseLeaver(deps(), ORG, 'pol', OPERATOR, DEFAULT_RETENTION, false);
    const review = (await docs<Review | ImpactCheck>('reviews')).find((d): d is Review => d.kind === 'review')!;
    expect(review.recommendations.find((r) => r.id === 'R2')!.actions.map((a) => a.lead)).toEqual([FORMER.name, FORMER.name]);

    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
    expect(await chaseSection11({ store, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger })).toMatchObject({
      closed: 1,
    });
    const round = (await docs<S11Round>('section11')).find((d) => d.kind === 's11-round')!;
    expect(round).toMatchObject({ status: 'closed', agencies: expect.arrayContaining([expect.objectContaining({ agency: 'police', leads: [FORMER] })]) });
    const chasers = (await deliveryStatus(store, ORG, { purpose: 'round-chaser' })).items;
    expect(chasers.map((i) => i.recipient)).toEqual([]);
  });
});
