import { TRAINING_COMMANDS, TRAINING_ROUTES } from '../../../services/training/teams';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { toArray, type Store } from '../../../services/store/ports';
import type { Requirement, TrainingRecord } from '../../../services/training/model';
import { ORG, person, seed } from '../../harness/fixtures';
import { cardText, routeContexts, typed, verbsOf } from '../../harness/route-context';
import { openTestStore } from '../../harness/store';

/** Training routes, called as the bot calls them, against the embedded store. */
describe('training routes', () => {
  let store: Store;
  let contextFor: ReturnType<typeof routeContexts>;
  const clock = new FixedClock('2026-11-30T10:00:00Z');
  const worker = person({ id: 'wes', name: 'Wes Worker', jobTitle: 'Social Worker', department: 'Children' });
  const hr = person({ id: 'hana', name: 'Hana HR', roles: ['hr'] });
  const requirement: Requirement = { id: 'req-sg-gen', orgId: ORG, kind: 'requirement', courseCode: 'SG-GEN', jobTitles: ['Social Worker'] };

  const selfReports = async () =>
    (await toArray(store.collection<TrainingRecord>('training').readAll())).filter((r) => r.kind === 'record' && r.source === 'self');
  const run = async (who: Person, verb: keyof typeof TRAINING_ROUTES, data: unknown) => TRAINING_ROUTES[verb].run(await contextFor(who), data);
  const type = async (who: Person, text: string) => typed(TRAINING_COMMANDS, await contextFor(who), text);

  beforeAll(async () => {
    store = await openTestStore();
    contextFor = routeContexts(store, clock);
    await seed(store, { people: [worker, hr] });
    await store.collection<Requirement>('training').upsert(requirement);
  });
  afterAll(() => store.close());

  it('a worker sees the course their role needs, reports completing it, and HR verifies it: the record counts and "my training" says so', async () => {
    expect(cardText(await type(worker, 'my training'))).toMatch(/Your safeguarding training[\s\S]*Safeguarding generalist\nrequired, not yet done/);
    expect(verbsOf(await type(worker, 'report my training'))).toContain('training.selfReport');

    expect(cardText(await run(worker, 'training.selfReport', { courseCode: 'SG-GEN', completedOn: '2026-11-20' }))).toMatch(
      /^✓ Sent to HR[\s\S]*SG-GEN completion on 20 Nov 2026/,
    );
    const [record] = await selfReports();
    expect(record).toMatchObject({ personId: 'wes', courseCode: 'SG-GEN', completedOn: '2026-11-20', status: 'self-reported' });
    expect(cardText(await type(worker, 'my training'))).toMatch(/Safeguarding generalist\nreported, awaiting HR/);

    expect(cardText(await type(hr, 'training to verify'))).toContain('Wes Worker: Safeguarding generalist');
    await run(hr, 'training.verify', { recordId: record!.id });
    expect((await selfReports())[0]).toMatchObject({ review: { decision: 'verified', by: { personId: 'hana' } } });
    expect(cardText(await type(worker, 'my training'))).toMatch(/Safeguarding generalist\ndone; last 20 Nov 2026/);
  });

  it('refuses HR’s decisions and the completion rates to a worker, and changes nothing', async () => {
    const [before] = await selfReports();
    await expect(run(worker, 'training.reject', { recordId: before!.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(type(worker, 'training report by role')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await selfReports())[0]).toEqual(before);
  });

  it('gives HR the completion rates by the breakdown asked for, and the overdue list', async () => {
    expect(cardText(await type(hr, 'training rates by course'))).toMatch(/^Training completion by course, as at 30 Nov 2026/);
    expect(cardText(await type(hr, 'training report'))).toMatch(/^Training completion by department/);
    expect(cardText(await type(hr, 'training overdue'))).toMatch(/^Overdue training \(\d+\)/);
  });

  it.each<[string, unknown, RegExp]>([
    ['no course', { completedOn: '2026-11-20' }, /Some answers need attention/],
    ['a course not in the catalogue', { courseCode: 'NOPE', completedOn: '2026-11-20' }, /Choose a course from the list/],
    ['30 February', { courseCode: 'SG-GEN', completedOn: '2026-02-30' }, /Some answers need attention/],
    ['a date in the future', { courseCode: 'SG-GEN', completedOn: '2027-01-05' }, /not in the future/],
  ])('a self-report with %s comes back as the form with the problem, and stores nothing', async (_what, data, problem) => {
    const form = await run(worker, 'training.selfReport', data);
    expect(cardText(form)).toMatch(problem);
    expect(verbsOf(form)).toContain('training.selfReport');
    expect(await selfReports()).toHaveLength(1);
  });

  it.each<[string, string, unknown]>([
    ['training.verify without a record id', 'training.verify', {}],
    ['training.reject with a number for the id', 'training.reject', { recordId: 42 }],
  ])('%s is a validation error, not a crash', async (_what, verb, data) => {
    await expect(run(hr, verb as keyof typeof TRAINING_ROUTES, data)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('seven completions to verify: HR sees five, Verify on each and Reject in its ⋯ menu, and "Show 2 more" for the rest; a worker cannot page them', async () => {
    const colleagues = Array.from({ length: 7 }, (_, i) => person({ id: `w${i}`, name: `Worker ${i}`, jobTitle: 'Social Worker', department: 'Children' }));
    await seed(store, { people: colleagues });
    for (const w of colleagues) await run(w, 'training.selfReport', { courseCode: 'SG-GEN', completedOn: '2026-11-20' });
    const first = await type(hr, 'training to verify');
    expect(cardText(first)).toMatch(/^Training to verify \(7\)\nShowing 1–5 of 7\./);
    const json = JSON.stringify(first);
    expect(json.match(/"title":"Verify"/g)).toHaveLength(5);
    expect(json.match(/"title":"Reject","verb":"training\.reject","data":\{"recordId":"[^"]+"\},"style":"destructive","mode":"secondary"/g)).toHaveLength(5);
    const more = (first.actions as { title: string; verb: string; data: unknown }[]).find((a) => a.verb === 'training.verifyList')!;
    expect(more.title).toBe('Show 2 more');
    expect(cardText(await run(hr, 'training.verifyList', more.data))).toMatch(/Showing 6–7 of 7\.[\s\S]*Worker 6: Safeguarding generalist/);
    await expect(run(worker, 'training.verifyList', more.data)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
