import { refreshTrainingSummaries } from '../../../services/training/summaries';
import { FixedClock } from '../../../services/core/clock';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { Directory } from '../../../services/people/repository';
import type { Person } from '../../../services/people/model';
import type { Store } from '../../../services/store/ports';
import { loadPersonTraining, loadTrainingFigures, setUpTraining } from '../../../services/training/catalogue';
import type { TrainingRecord } from '../../../services/training/model';
import { completionRates, myTraining } from '../../../services/training/rates';
import { namedOverdueList } from '../../../services/training/reports';
import { mayViewNamedOverdueList } from '../../../services/access/policy';
import { pendingSelfReports, reviewSelfReport, selfReport } from '../../../services/training/self-report';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const AS_AT = '2026-11-23';
const clock = new FixedClock('2026-11-23T12:00:00Z');
const deps = (store: Store) => ({ store, clock });

const ola = person({ id: 'ola', name: 'Ola Adeyemi', jobTitle: 'Social Worker', department: "Children's Services" });
const hana = person({ id: 'hana', name: 'Hana Novak', jobTitle: 'HR Adviser', department: 'HR', roles: ['hr'] });
const adam = person({ id: 'adam', name: 'Adam Price', jobTitle: 'Systems Administrator', department: 'ICT', roles: ['admin'] });
const lee = person({ id: 'lee', name: 'Lee Grant', jobTitle: 'Safeguarding Lead', department: "Children's Services", roles: ['safeguarding-lead'] });

const record = (courseCode: string, status: TrainingRecord['status'], completedOn?: string): TrainingRecord => ({
  id: `rec-ola-${courseCode}-${status}`,
  orgId: ORG,
  kind: 'record',
  personId: 'ola',
  courseCode,
  status,
  source: 'import',
  ...(completedOn ? { completedOn } : {}),
  createdAt: '2026-11-01T00:00:00.000Z',
});

/*
 * Ola, a social worker, needs six courses (36 months each). As at 23 November 2026, "expiring"
 * means by 23 December: awareness done 1 Jun 2025 (valid to 2028), generalist 10 Dec 2023
 * (expires 10 Dec 2026), Prevent 1 Oct 2023 (expired 1 Oct 2026), domestic abuse booked, CSE and
 * specialist never done.
 */
describe('my training, self-reported completions and HR verification', () => {
  let store: Store;
  const data = async () => loadTrainingFigures(store, { orgId: ORG }, await new Directory(store).all({ orgId: ORG }), AS_AT);
  const states = async () => Object.fromEntries(myTraining(await data(), ola, AS_AT).map((c) => [c.course.code, c.state]));
  const specialistRate = async () => completionRates(await data(), AS_AT, 'course').find((r) => r.group === 'Safeguarding specialist');

  beforeAll(async () => {
    store = await openTestStore();
    await setUpTraining(store, ORG, {
      requirements: [
        { course: 'SG-AWARE', jobTitles: ['*'] },
        ...['SG-GEN', 'SG-SPEC', 'CSE', 'PREVENT', 'DA'].map((course) => ({ course, jobTitles: ['Social Worker'] })),
      ],
    });
    await seed(store, { people: [ola, hana, adam, lee] });
    for (const r of [
      record('SG-AWARE', 'completed', '2025-06-01'),
      record('SG-GEN', 'completed', '2023-12-10'),
      record('PREVENT', 'completed', '2023-10-01'),
      record('DA', 'booked'),
    ]) {
      await store.collection<TrainingRecord>('training').upsert(r);
    }
    await refreshTrainingSummaries(store, ORG, ['ola']);
  });
  afterAll(() => store.close());

  it("a person's own figures, read from their records alone, are the same as from everyone's", async () => {
    expect(myTraining(await loadPersonTraining(store, ola, AS_AT), ola, AS_AT)).toEqual(myTraining(await data(), ola, AS_AT));
    expect(myTraining(await loadPersonTraining(store, hana, AS_AT), hana, AS_AT)).toEqual(myTraining(await data(), hana, AS_AT));
  });

  it('shows where each required course stands', async () => {
    const mine = myTraining(await data(), ola, AS_AT);
    expect(mine.map((c) => [c.course.code, c.state, c.last ?? '', c.expiresOn ?? ''])).toEqual(
      expect.arrayContaining([
        ['SG-AWARE', 'valid', '2025-06-01', '2028-06-01'],
        ['SG-GEN', 'expiring', '2023-12-10', '2026-12-10'],
        ['PREVENT', 'expired', '2023-10-01', '2026-10-01'],
        ['DA', 'booked', '', ''],
        ['CSE', 'required', '', ''],
        ['SG-SPEC', 'required', '', ''],
      ]),
    );
    expect(mine).toHaveLength(6);
  });

  it('refuses a self-report with an unknown course, a date in the future or before 2000, or a link that is not https', async () => {
    const attempt = (data: unknown) => selfReport(deps(store), { actor: ola, timeZone: 'Europe/London', data });
    await expect(attempt({ courseCode: 'BASKET', completedOn: '2026-11-20' })).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ field: 'courseCode' }] });
    await expect(attempt({ courseCode: 'SG-SPEC', completedOn: '2026-11-24' })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [expect.objectContaining({ field: 'completedOn' })],
    });
    await expect(attempt({ courseCode: 'SG-SPEC', completedOn: '1999-12-31' })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [expect.objectContaining({ field: 'completedOn' })],
    });
    await expect(attempt({ courseCode: 'SG-SPEC', completedOn: '20/11/2026' })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [expect.objectContaining({ field: 'completedOn' })],
    });
    await expect(attempt({ courseCode: 'SG-SPEC', completedOn: '2026-11-20', certificateUrl: 'http://learning.example/cert' })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [{ field: 'certificateUrl' }],
    });
    await expect(attempt('SG-SPEC')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await pendingSelfReports({ store }, hana)).toEqual([]);
  });

  it('a self-report waits for HR, who is told; verified, it counts in the rates', async () => {
    const reported = await selfReport(deps(store), {
      actor: ola,
      timeZone: 'Europe/London',
      data: { courseCode: 'sg-spec', completedOn: '2026-11-20', certificateUrl: 'https://learning.example/cert/ola' },
    });
    expect(reported).toMatchObject({
      personId: 'ola',
      courseCode: 'SG-SPEC',
      completedOn: '2026-11-20',
      status: 'self-reported',
      source: 'self',
      certificateUrl: 'https://learning.example/cert/ola',
    });
    expect((await deliveryStatus(store, ORG, { idPrefix: `training-self-${reported.id}-` })).items.map((i) => i.recipient)).toEqual([{ personId: 'hana' }]);
    expect((await states())['SG-SPEC']).toBe('awaiting verification');
    expect(await specialistRate()).toMatchObject({ required: 1, withinValidity: 0 });

    // Only HR and administrators decide; a safeguarding lead or the officer cannot.
    await expect(reviewSelfReport(deps(store), { actor: ola, decision: 'verified', data: { recordId: reported.id } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(reviewSelfReport(deps(store), { actor: lee, decision: 'verified', data: { recordId: reported.id } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(pendingSelfReports({ store }, ola)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await pendingSelfReports({ store }, hana)).map((r) => r.id)).toEqual([reported.id]);

    const verified = await reviewSelfReport(deps(store), { actor: hana, decision: 'verified', data: { recordId: reported.id, note: 'Certificate checked' } });
    expect(verified.review).toEqual({
      decision: 'verified',
      by: { personId: 'hana', name: 'Hana Novak' },
      at: '2026-11-23T12:00:00.000Z',
      note: 'Certificate checked',
    });
    expect((await states())['SG-SPEC']).toBe('valid');
    expect(await specialistRate()).toMatchObject({ required: 1, withinValidity: 1, within12Months: 1 });
    await expect(reviewSelfReport(deps(store), { actor: adam, decision: 'rejected', data: { recordId: reported.id } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/already verified by Hana Novak/),
    });
    expect(await pendingSelfReports({ store }, hana)).toEqual([]);
  });

  it('a rejected self-report never counts, and the course is back to expired', async () => {
    const reported = await selfReport(deps(store), { actor: ola, timeZone: 'Europe/London', data: { courseCode: 'PREVENT', completedOn: '2026-11-02' } });
    expect((await states()).PREVENT).toBe('awaiting verification');
    await reviewSelfReport(deps(store), { actor: adam, decision: 'rejected', data: { recordId: reported.id, note: 'No Prevent session ran that day' } });
    expect((await states()).PREVENT).toBe('expired');
    expect(completionRates(await data(), AS_AT, 'course').find((r) => r.group === 'Prevent')).toMatchObject({ required: 1, withinValidity: 0 });
    await expect(reviewSelfReport(deps(store), { actor: hana, decision: 'verified', data: { recordId: 'rec-none' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('only HR and administrators see named lists', async () => {
    expect([ola, lee, hana, adam].map((p: Person) => [p.id, mayViewNamedOverdueList(p)])).toEqual([
      ['ola', false],
      ['lee', false],
      ['hana', true],
      ['adam', true],
    ]);
    await expect(namedOverdueList({ store }, ORG, AS_AT, lee)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await namedOverdueList({ store }, ORG, AS_AT, hana)).filter((r) => r.name === 'Ola Adeyemi').map((r) => [r.course, r.expiredOn, r.booked])).toEqual(
      [
        ['Child sexual exploitation', '', false],
        ['Domestic abuse', '', true],
        ['Prevent', '2026-10-01', false],
      ],
    );
  });
});
