import { noticeUnreachableChannel } from '../../../services/reach/unreachable-digest';
import { ESCALATION_COMMANDS, ESCALATION_ROUTES } from '../../../services/escalations/teams';
import { FixedClock } from '../../../services/core/clock';
import type { Escalation } from '../../../services/escalations/model';
import type { Person } from '../../../services/people/model';
import { toArray, type Store } from '../../../services/store/ports';
import { ORG, person, seed } from '../../harness/fixtures';
import { cardText, routeContexts, typed, verbsOf } from '../../harness/route-context';
import { openTestStore } from '../../harness/store';
import { localMessenger } from '../../harness/delivery';
import { DeliverySender } from '../../../services/delivery/sender';
import { silentLogger } from '../../../services/core/logger';

/** Escalation routes, called as the bot calls them, against the embedded store. */
describe('escalation routes', () => {
  let store: Store;
  let contextFor: ReturnType<typeof routeContexts>;
  const clock = new FixedClock('2026-11-30T10:00:00Z');
  const raiser = person({ id: 'olu', name: 'Olu Officer' });
  const bystander = person({ id: 'bea', name: 'Bea Bystander' });
  const lead = person({ id: 'sam', name: 'Sam Lead', roles: ['safeguarding-lead'] });
  const concern = {
    category: 'professional-disagreement',
    agency: 'MASH',
    caseReference: 'MASH-2026-0042',
    asked: 'Outcome of the November referral',
    wanted: 'Feedback this week',
  };

  const escalations = async () => toArray(store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'));
  const run = async (who: Person, verb: keyof typeof ESCALATION_ROUTES, data: unknown) => ESCALATION_ROUTES[verb].run(await contextFor(who), data);
  const type = async (who: Person, text: string) => typed(ESCALATION_COMMANDS, await contextFor(who), text);

  beforeAll(async () => {
    store = await openTestStore();
    contextFor = routeContexts(store, clock);
    await seed(store, { people: [raiser, bystander, lead] });
  });
  afterAll(() => store.close());

  it('"raise concern" gives the form; Raise stores the escalation at stage 1 and says who must respond by when', async () => {
    expect(verbsOf(await type(raiser, 'raise a concern'))).toContain('esc.raise');
    const done = await run(raiser, 'esc.raise', concern);
    expect(cardText(done)).toMatch(/^✓ Raised as \S+[\s\S]*Stage 1 has been alerted and must respond by/);
    expect(await escalations()).toMatchObject([
      { stage: 1, cause: 'professional-disagreement', caseReference: 'MASH-2026-0042', raisedBy: { personId: 'olu' } },
    ]);
    expect((await escalations())[0]!.acknowledged).toBeFalsy();
  });

  it('a form with answers missing comes back with the problems on it, and nothing is stored', async () => {
    const form = await run(raiser, 'esc.raise', { ...concern, asked: '', category: 'gossip' });
    expect(cardText(form)).toContain('Some answers need attention.');
    expect(verbsOf(form)).toContain('esc.raise');
    expect(await escalations()).toHaveLength(1);
  });

  it('while nobody has acknowledged it, the list says where its alert stands: on its way, then reached nobody when no one could be reached', async () => {
    expect(cardText(await type(lead, 'escalations'))).toMatch(/Stage 1 of \d+, respond by [^,]+, alert on its way/);
    // Nobody here has installed the app: the delivery engine finds no one to deliver to.
    await new DeliverySender(
      { store, unreachableChannels: noticeUnreachableChannel, messenger: localMessenger(), logger: silentLogger },
      { perSecond: 100, conversationIntervalMs: 0, maxConcurrent: 4 },
    ).drain(ORG);
    expect(cardText(await type(lead, 'escalations'))).toMatch(/Stage 1 of \d+, respond by [^,]+, ⚠ the alert reached nobody \(\d+ could not be reached\)/);
  });

  it('the safeguarding lead sees it under "escalations", opens it and acknowledges it; the step is stored with who did it', async () => {
    const [escalation] = await escalations();
    expect(cardText(await type(lead, 'escalations'))).toMatch(/Open escalations \(1\)[\s\S]*Professional disagreement/i);
    expect(verbsOf(await run(lead, 'esc.open', { escalationId: escalation!.id }))).toContain('esc.acknowledge');
    expect(cardText(await run(lead, 'esc.acknowledge', { escalationId: escalation!.id }))).toContain('Acknowledged by Sam Lead.');
    expect((await escalations())[0]).toMatchObject({ acknowledged: { at: clock.now().toISOString(), by: { personId: 'sam', name: 'Sam Lead' } } });
  });

  it('refuses a step from someone who was not alerted, and records nothing', async () => {
    const [before] = await escalations();
    // A bystander may not even see the case, so it is answered as if it did not exist.
    await expect(run(bystander, 'esc.note', { escalationId: before!.id, noteText: 'I should not be here' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await escalations())[0]).toEqual(before);
  });

  it('a step missing its text keeps the card, with the problem on top', async () => {
    const [escalation] = await escalations();
    const card = await run(lead, 'esc.move', { escalationId: escalation!.id, moveReason: '' });
    expect(cardText(card)).toContain('Moving to the next stage needs a reason.');
    expect(verbsOf(card)).toContain('esc.move');
    expect((await escalations())[0]).toMatchObject({ stage: 1 });
  });

  it.each<[string, string, unknown]>([
    ['esc.open without an escalation id', 'esc.open', {}],
    ['esc.open with an id that is not text', 'esc.open', { escalationId: 7 }],
    ['esc.acknowledge without an escalation id', 'esc.acknowledge', {}],
    ['esc.note with an array for data', 'esc.note', ['x']],
  ])('%s is a validation error, not a crash', async (_what, verb, data) => {
    await expect(run(lead, verb as keyof typeof ESCALATION_ROUTES, data)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('the central record review: refused to an officer, refused backwards, given to a safeguarding lead', async () => {
    await expect(type(raiser, 'escalations report 2026-10-01 2026-12-31')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(type(lead, 'escalations report 2026-12-31 2026-10-01')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(cardText(await type(lead, 'escalations report 2026-10-01 2026-12-31'))).toMatch(/^Central record review, 1 Oct 2026 to 31 Dec 2026/);
  });

  it('a list of more than five shows five and "Show N more"; the next page is asked for like any card action, by the lead', async () => {
    // Six more concerns, raised a minute apart (a concern raised twice at the same moment is one).
    for (let i = 0; i < 6; i++) {
      const later = routeContexts(store, new FixedClock(new Date(clock.now().getTime() + (i + 1) * 60_000)));
      await ESCALATION_ROUTES['esc.raise']!.run(await later(raiser), { ...concern, caseReference: `MASH-2026-01${i}` });
    }
    const open = (await escalations()).filter((e) => e.status === 'open');
    expect(open.length).toBeGreaterThan(5);
    const first = await type(lead, 'escalations');
    expect(cardText(first)).toContain(`Showing 1–5 of ${open.length}.`);
    const more = (first.actions as { title: string; verb: string; data: unknown }[]).find((a) => a.verb === 'esc.list')!;
    expect(more).toMatchObject({ title: `Show ${open.length - 5} more`, data: { page: 1 } });
    const second = await run(lead, 'esc.list', more.data);
    expect(cardText(second)).toContain(`Showing 6–${open.length} of ${open.length}.`);
    // The officer who raised them sees only what is theirs to see, page by page, like anyone else.
    expect(cardText(await run(bystander, 'esc.list', { page: 1 }))).toMatch(/^Open escalations \(0\)\nNothing is open\./);
  });
});
