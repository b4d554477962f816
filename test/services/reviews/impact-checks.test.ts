import { appEvents } from '../../harness/partnership';
import { FixedClock } from '../../../services/core/clock';
import { OPERATOR } from '../../../services/access/policy';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import type { Escalation } from '../../../services/escalations/model';
import { addAgency } from '../../../services/organisation/agencies';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Person } from '../../../services/people/model';
import { impactCheckId } from '../../../services/reviews/model';
import { answerImpactCheck, checksFor, postponeImpactCheck, runImpactChecks } from '../../../services/reviews/impact-checks';
import { ReviewRecords } from '../../../services/reviews/repository';
import { addReview } from '../../../services/reviews/reviews';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { toArray } from '../../../services/store/ports';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { sampleReview } from '../../harness/review-sample';

const TZ = 'Europe/London';

describe('the 12-month impact check of each recommendation', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const calendar = new WorkingCalendar();
  let reviewId: string;
  const personOf = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;
  const run = async (at: string) => {
    clock.set(at);
    const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
    return runImpactChecks({ store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
  };
  const sentTo = async (personId: string) =>
    (await deliveryStatus(store, ORG, { purpose: 'impact-check' })).items.filter((i) => 'personId' in i.recipient && i.recipient.personId === personId);
  const check = async (rec: string) => (await new ReviewRecords(store).check(ORG, impactCheckId(reviewId, rec)))!;

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: TZ }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: TZ }, appEvents());
    await seed(store, {
      people: [
        person({ id: 'carol', name: 'Carol Lead', email: 'carol@council.example', agency: 'council' }),
        person({ id: 'dee', name: 'Dee Worker', email: 'dee@council.example', agency: 'council' }),
        person({ id: 'polly', name: 'Polly Police-SL', email: 'polly@police.example', agency: 'police', roles: ['safeguarding-lead'] }),
        person({ id: 'pat', name: 'Pat Police', email: 'pat@police.example', agency: 'police' }),
        person({ id: 'cover', name: 'Cora Cover', email: 'cora@council.example', agency: 'council' }),
      ],
    });
    reviewId = (await addReview({ store, clock }, { orgId: ORG, requester: OPERATOR, data: sampleReview(), fileName: 'review.yaml' })).review.id;
  });
  afterAll(() => store.close());

  it('asks nobody before the check date', async () => {
    expect(await run('2027-11-01T09:00:00Z')).toMatchObject({ asked: 0 });
    expect((await deliveryStatus(store, ORG, { purpose: 'impact-check' })).items).toEqual([]);
  });

  it('on the date asks each owner once: a person, or an owning agency’s safeguarding leads', async () => {
    // 2 Nov 2027, a Tuesday: twelve months after publication.
    expect(await run('2027-11-02T09:00:00Z')).toMatchObject({ asked: 2, chasers: 0 });
    expect(await run('2027-11-02T11:00:00Z')).toMatchObject({ asked: 0, chasers: 0 });
    expect((await sentTo('carol')).map((i) => i.message)).toEqual([
      { kind: 'feature', type: 'reviews.impact-check', payload: expect.objectContaining({ checkId: impactCheckId(reviewId, 'R1'), chaser: 0 }) },
    ]);
    expect(await sentTo('polly')).toHaveLength(1);
    // R1's measure names the training follow-up: its result stands beside the check (none sent yet).
    expect((await sentTo('carol'))[0]!.message).toMatchObject({
      payload: { figures: [expect.stringMatching(/No campaign of the questionnaire "training-follow-up"/)] },
    });
    expect(await sentTo('dee')).toEqual([]);
    expect(await check('R3')).toMatchObject({ status: 'waiting', dueOn: '2027-12-01' });
  });

  it('refuses an answer from anyone but the owner, and an answer from a stale card', async () => {
    const c = await check('R1');
    const answer = {
      checkId: c.id,
      version: c.version,
      changed: 'Every team had the training',
      evidence: 'https://intranet.example/audit',
      measure: 'met',
      outcomeRag: 'G',
    };
    await expect(answerImpactCheck({ store, clock }, { actor: await personOf('dee'), data: answer, timeZone: TZ })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      answerImpactCheck({ store, clock }, { actor: await personOf('carol'), data: { ...answer, version: c.version - 1 }, timeZone: TZ }),
    ).rejects.toMatchObject({ code: 'STALE_CARD' });
    await expect(
      answerImpactCheck({ store, clock }, { actor: await personOf('carol'), data: { ...answer, evidence: 'the audit folder' }, timeZone: TZ }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'evidence', message: expect.any(String) }] });
    await expect(
      answerImpactCheck({ store, clock }, { actor: await personOf('carol'), data: { ...answer, changed: 'Child born 03/03/2015 was seen' }, timeZone: TZ }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'changed', message: expect.stringMatching(/date of birth/) }] });
  });

  it('lets the owner’s delegate answer while the owner is on leave', async () => {
    await store.collection<Person>('people').update(ORG, 'carol', (p) => ({ ...p, leave: { until: '2027-11-30', delegateId: 'cover' } }));
    expect((await checksFor({ store, clock }, await personOf('cover'), TZ)).map((c) => c.recommendation.id)).toEqual(['R1']);
    const c = await check('R1');
    const answered = await answerImpactCheck(
      { store, clock },
      {
        actor: await personOf('cover'),
        data: {
          checkId: c.id,
          version: c.version,
          changed: 'Every team had the training',
          evidence: 'https://intranet.example/audit',
          measure: 'met',
          outcomeRag: 'G',
        },
        timeZone: TZ,
      },
    );
    expect(answered.check).toMatchObject({
      status: 'answered',
      answer: { by: { personId: 'cover' }, measure: 'met', outcomeRag: 'G', evidenceLinks: ['https://intranet.example/audit'] },
    });
  });

  it('chases the unanswered every second working day, then escalates by the ladder’s rules', async () => {
    // Wed 3 Nov: one working day since asked, no chaser; Thu 4 Nov: the first.
    expect(await run('2027-11-03T09:00:00Z')).toMatchObject({ chasers: 0 });
    expect(await run('2027-11-04T09:00:00Z')).toMatchObject({ chasers: 1, escalated: 0 });
    expect(await run('2027-11-08T09:00:00Z')).toMatchObject({ chasers: 1 });
    expect(await run('2027-11-10T09:00:00Z')).toMatchObject({ chasers: 1 });
    expect((await sentTo('polly')).map((i) => (i.message as unknown as { payload: { chaser: number } }).payload.chaser)).toEqual([0, 1, 2, 3]);
    // Four reminders and no answer: the default rule (noResponseAfterReminders 4) opens an escalation.
    expect(await run('2027-11-11T09:00:00Z')).toMatchObject({ escalated: 1, chasers: 0 });
    expect(await run('2027-11-12T09:00:00Z')).toMatchObject({ escalated: 0, chasers: 0 });
    const escalations = await toArray(
      store
        .collection<Escalation>('escalations')
        .query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.kind = 'escalation'", parameters: [{ name: '@orgId', value: ORG }] }),
    );
    expect(escalations).toEqual([
      expect.objectContaining({ cause: 'no-response', involvedPersonIds: ['polly'], stage: 1, summary: expect.stringMatching(/impact check of R2/) }),
    ]);
    expect(await check('R2')).toMatchObject({ escalationId: escalations[0]!.id });
  });

  it('an owner may ask for a later date with a reason; the check is asked again then', async () => {
    await run('2027-12-01T09:00:00Z');
    const c = await check('R3');
    expect(c.status).toBe('asked');
    await expect(
      postponeImpactCheck(
        { store, clock },
        { actor: await personOf('dee'), data: { checkId: c.id, version: c.version, until: '2028-03-01', reason: '' }, timeZone: TZ },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'reason' }] });
    const later = await postponeImpactCheck(
      { store, clock },
      {
        actor: await personOf('dee'),
        data: { checkId: c.id, version: c.version, until: '2028-03-01', reason: 'The audit of missing episodes reports in February' },
        timeZone: TZ,
      },
    );
    expect(later.check).toMatchObject({
      status: 'waiting',
      dueOn: '2028-03-01',
      reminders: 0,
      postponements: [{ from: '2027-12-01', to: '2028-03-01', by: { personId: 'dee' } }],
    });
    expect(await run('2027-12-03T09:00:00Z')).toMatchObject({ chasers: 0, asked: 0 });
    expect(await run('2028-03-01T09:00:00Z')).toMatchObject({ asked: 1 });
    expect((await sentTo('dee')).map((i) => i.id)).toEqual([`${c.id}-2027-12-01-request-dee`, `${c.id}-2028-03-01-request-dee`]);
  });

  it('a check whose owner has left is escalated once, so someone names another owner', async () => {
    const other = await addReview(
      { store, clock },
      {
        orgId: ORG,
        requester: OPERATOR,
        data: {
          ...sampleReview({ id: 'rapid-review-2027', kind: 'rapid-review', title: 'Rapid review: Night-time economy' }),
          recommendations: [sampleReview().recommendations[2]],
        },
        fileName: 'rapid.yaml',
      },
    );
    await store.collection<Person>('people').update(ORG, 'dee', (p) => ({ ...p, active: false }));
    try {
      // Dee's own check was put to her already; the rapid review's, due since 1 Dec 2027, has nobody to ask.
      expect(await run('2028-03-02T09:00:00Z')).toMatchObject({ nobodyToAsk: 1 });
      expect(await run('2028-03-03T09:00:00Z')).toMatchObject({ nobodyToAsk: 0 });
      const escalations = await toArray(
        store
          .collection<Escalation>('escalations')
          .query({ query: "SELECT * FROM c WHERE c.orgId = @orgId AND c.cause = 'owner-unreachable'", parameters: [{ name: '@orgId', value: ORG }] }),
      );
      expect(escalations.map((e) => e.summary)).toEqual([expect.stringMatching(/R3 .*Night-time economy.*Dee Worker/)]);
      expect(other.review.id).toBe('rapid-review-2027');
    } finally {
      await store.collection<Person>('people').update(ORG, 'dee', (p) => ({ ...p, active: true }));
    }
  });
});
