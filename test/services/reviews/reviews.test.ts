import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import { AppError } from '../../../services/core/errors';
import type { Person } from '../../../services/people/model';
import { OPERATOR } from '../../../services/access/policy';
import { addAgency } from '../../../services/organisation/agencies';
import { ActionPlan } from '../../../services/plan/repository';
import { addReview, reviewIdOf } from '../../../services/reviews/reviews';
import { checkReviewFile, readReviewText } from '../../../services/reviews/review-file';
import { ReviewRecords } from '../../../services/reviews/repository';
import type { Store } from '../../../services/store/ports';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { sampleReview, sampleYaml } from '../../harness/review-sample';

describe('recording a review and turning its recommendations into plan actions', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const deps = () => ({ store, clock });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('it was added');
      },
      (e: unknown) => e as AppError,
    );
  const add = (data: unknown, requester: Parameters<typeof addReview>[1]['requester'] = OPERATOR) =>
    addReview(deps(), { orgId: ORG, requester, data, fileName: 'review.yaml' });

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: 'Europe/London' }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: 'Europe/London' }, appEvents());
    await seed(store, {
      people: [
        person({ id: 'carol', name: 'Carol Lead', email: 'carol@council.example', agency: 'council' }),
        person({ id: 'dee', name: 'Dee Worker', email: 'dee@council.example', agency: 'council' }),
        person({ id: 'polly', name: 'Polly Police-SL', email: 'polly@police.example', agency: 'police', roles: ['safeguarding-lead'] }),
        person({ id: 'ada', name: 'Ada Admin', email: 'ada@council.example', agency: 'council', roles: ['admin'] }),
        person({ id: 'percy', name: 'Percy Police-Admin', email: 'percy@police.example', agency: 'police', roles: ['admin'] }),
      ],
    });
  });
  afterAll(() => store.close());

  it('reads the issue’s YAML, giving an impact check 12 months after publication by default', () => {
    const { file, problems } = checkReviewFile(readReviewText('review.yaml', sampleYaml()));
    expect(problems).toEqual([]);
    expect(file!.recommendations.map((r) => r.impactCheck)).toEqual([undefined, undefined, '2027-12-01']);
    expect(reviewIdOf(file!)).toBe('child-safeguarding-practice-review-learning-from-exploitation-2026');
  });

  it('refuses a recommendation without an outcome or a measure, by the field', () => {
    const review = sampleReview();
    delete (review.recommendations[1] as Record<string, unknown>).outcome;
    (review.recommendations[2] as Record<string, unknown>).measure = '  ';
    const { problems } = checkReviewFile(review);
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'recommendations.R2.outcome', message: expect.stringMatching(/outcome/) },
        { field: 'recommendations.R3.measure', message: expect.stringMatching(/measured/) },
      ]),
    );
  });

  it('refuses a file whole, naming every problem, and writes nothing', async () => {
    const review = sampleReview({ published: '2026-13-02', kind: 'case-review', extra: 1 });
    (review.recommendations[0] as Record<string, unknown>).owner = 'nobody@council.example';
    await expect(add(review)).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: expect.arrayContaining([
        expect.objectContaining({ field: 'published' }),
        expect.objectContaining({ field: 'kind' }),
        expect.objectContaining({ field: 'file' }),
      ]),
    });
    // Shape right, owners and lines wrong: every one of them named at once.
    const wrong = sampleReview();
    (wrong.recommendations[0] as Record<string, unknown>).owner = 'nobody@council.example';
    (wrong.recommendations[1] as Record<string, unknown>).lineOfEnquiry = 'Housing';
    (wrong.recommendations[2] as Record<string, unknown>).owner = 'fire-service';
    const error = await refusal(add(wrong));
    expect(error.fields.map((f) => f.field).sort()).toEqual(['recommendations.R1.owner', 'recommendations.R2.lineOfEnquiry', 'recommendations.R3.owner']);
    expect(error.message).toMatch(/nothing was written/);
    expect(await new ReviewRecords(store).allReviews(ORG)).toEqual([]);
    expect(await new ActionPlan(store).plansOf(ORG)).toEqual([]);
  });

  it('refuses text that identifies a child, in any text field', async () => {
    const review = sampleReview({ linesOfEnquiry: ['Criminal exploitation', 'Working together', 'Child born 03/03/2015'] });
    (review.recommendations[2] as Record<string, unknown>).text = 'Call the family on 07700 900123';
    const error = await refusal(add(review));
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { field: 'linesOfEnquiry.3', message: expect.stringMatching(/date of birth/) },
        { field: 'recommendations.R3.text', message: expect.stringMatching(/phone number/) },
      ]),
    );
  });

  it('only the partnership’s administrators add reviews', async () => {
    const percy = (await store.collection<Person>('people').read(ORG, 'percy'))!;
    await expect(add(sampleReview(), percy)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('makes each recommendation a learning point linked to the review, and its actions plan actions', async () => {
    const ada = (await store.collection<Person>('people').read(ORG, 'ada'))!;
    const result = await add(sampleReview(), ada);
    expect(result).toMatchObject({ created: true, checksCreated: 3, plan: { created: 4, problems: [] } });
    const plan = new ActionPlan(store);
    const [stored] = await plan.plansOf(ORG);
    expect(stored!.learningPoints).toEqual([
      { number: 1, title: 'R1 Regular training for staff in exploitation', review: { reviewId: result.review.id, recommendationId: 'R1' } },
      {
        number: 2,
        title: 'R2 Agree one escalation route between police and children’s services',
        review: { reviewId: result.review.id, recommendationId: 'R2' },
      },
      { number: 3, title: 'R3 Share missing-episode information with schools the same day', review: { reviewId: result.review.id, recommendationId: 'R3' } },
    ]);
    const actions = await plan.actionsOfReview(ORG, result.review.id);
    expect(actions.map((a) => [a.ref, a.review?.recommendationId, a.leadIds, a.nextDueDate])).toEqual([
      ['LP1.1', 'R1', ['carol'], '2027-06-30'],
      // An agency's recommendation is led by its safeguarding leads.
      ['LP2.1', 'R2', ['polly'], '2027-01-29'],
      ['LP2.2', 'R2', ['polly'], '2027-03-31'],
      ['LP3.1', 'R3', ['dee'], '2027-04-30'],
    ]);
    const checks = await new ReviewRecords(store).checksOf(ORG, result.review.id);
    expect(checks.map((c) => [c.recommendationId, c.dueOn, c.status]).sort()).toEqual([
      ['R1', '2027-11-02', 'waiting'],
      ['R2', '2027-11-02', 'waiting'],
      ['R3', '2027-12-01', 'waiting'],
    ]);
  });

  it('adding the same review again changes nothing that was there', async () => {
    const again = await add(sampleReview());
    expect(again).toMatchObject({ created: false, checksCreated: 0, checksMoved: 0, plan: { created: 0, updated: 0, unchanged: 4 } });
  });

  it('a corrected impact-check date moves a check nobody has been asked yet', async () => {
    const corrected = sampleReview();
    (corrected.recommendations[0] as Record<string, unknown>).impactCheck = '2027-10-01';
    expect(await add(corrected)).toMatchObject({ checksMoved: 1 });
    expect(await add(corrected)).toMatchObject({ checksMoved: 0 });
    const checks = await new ReviewRecords(store).checksOf(ORG, 'child-safeguarding-practice-review-learning-from-exploitation-2026');
    expect(checks.find((c) => c.recommendationId === 'R1')).toMatchObject({ dueOn: '2027-10-01', status: 'waiting' });
  });
});
