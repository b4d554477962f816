import { appEvents } from '../../harness/partnership';
// The composition root registers the module's container before the store opens.
import '../../../bot/modules';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { addAgency } from '../../../services/organisation/agencies';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Organisation } from '../../../services/organisation/model';
import type { Person } from '../../../services/people/model';
import type { Action } from '../../../services/plan/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { OPERATOR } from '../../../services/access/policy';
import { chaseSection11, section11Status, startSection11Round } from '../../../services/section11/rounds';
import { answerChallenge, openReturn, saveStandard, submitReturn, type ReturnView, type StandardView } from '../../../services/section11/returns';
import { reviewStandard } from '../../../services/section11/scrutiny';
import { section11Grid, section11Rows } from '../../../services/section11/report';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { grantRole } from '../../../services/people/roles';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar();

describe('a Section 11 round, from request to plan actions', () => {
  let store: Store;
  let organisation: Organisation;
  const clock = new FixedClock('2025-11-24T09:00:00Z');
  const deps = () => ({ store, clock });
  const people: Record<string, Person> = {
    admin: person({ id: 'admin', name: 'Ada Admin', agency: 'council', roles: ['admin'] }),
    bm: person({ id: 'bm', name: 'Bea Manager', agency: 'council', roles: ['business-manager'] }),
    councilLead: person({ id: 'cl', name: 'Cal S11-Lead', agency: 'council', roles: ['s11-lead'] }),
    councilDeputy: person({ id: 'cl2', name: 'Cory Deputy', agency: 'council' }),
    councilSl: person({ id: 'csl', name: 'Cat Safeguarding', agency: 'council', roles: ['safeguarding-lead'] }),
    policeSl: person({ id: 'psl', name: 'Pat Safeguarding', agency: 'police', roles: ['safeguarding-lead'] }),
    policeOfficer: person({ id: 'po', name: 'Pete Officer', agency: 'police' }),
  };
  const job = () => chaseSection11({ store, clock, orgId: ORG, organisation, calendar, logger: silentLogger });
  const save = (who: Person, view: ReturnView, standardId: string, fields: Record<string, string>, move = 'save') =>
    saveStandard(deps(), {
      actor: who,
      timeZone: TZ,
      data: { roundId: view.round.id, agency: view.ret.agency, standardId, rev: view.ret.answers[standardId]?.rev ?? 0, move, ...fields },
    });

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: TZ }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: TZ }, appEvents());
    organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
    await seed(store, { people: Object.values(people) });
    // The role is granted as every role is: here by the partnership's administrator.
    const granted = await grantRole({ store, clock }, { orgId: ORG, requester: people.admin!, person: 'cl2', role: 's11-lead' });
    people.councilDeputy = granted.person;
  });
  afterAll(() => store.close());

  it('asks each agency’s Section 11 lead, or its safeguarding leads where it names none, through the outbox', async () => {
    const { round, withoutLead } = await startSection11Round(deps(), {
      orgId: ORG,
      requester: OPERATOR,
      standards: 'classic',
      closesOn: '2025-12-19',
      timeZone: TZ,
    });
    expect(withoutLead).toEqual([]);
    expect(round.agencies.map((a) => [a.agency, a.leads.map((l) => l.personId)])).toEqual([
      ['council', ['cl', 'cl2']],
      ['police', ['psl']],
    ]);
    const { items } = await deliveryStatus(store, ORG, { idPrefix: round.id });
    expect(items.map((i) => [i.purpose, (i.recipient as { personId: string }).personId])).toEqual(
      expect.arrayContaining([
        ['round-request', 'cl'],
        ['round-request', 'psl'],
      ]),
    );
    await expect(startSection11Round(deps(), { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2025-12-20', timeZone: TZ })).rejects.toThrow(
      /already open/,
    );
    await expect(
      startSection11Round(deps(), { orgId: ORG, requester: people.councilLead!, standards: 'classic', closesOn: '2025-12-20', timeZone: TZ }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses the return to someone without the role in that agency', async () => {
    // The council names a Section 11 lead: its safeguarding lead may read the return, not change it.
    const read = await openReturn(deps(), { actor: people.councilSl! });
    expect(read.access).toEqual({ complete: false, scrutinise: false });
    await expect(save(people.councilSl!, read, 'training', { rating: 'green' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(openReturn(deps(), { actor: people.policeOfficer! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(openReturn(deps(), { actor: people.policeSl!, agency: 'council' })).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
    const view = await openReturn(deps(), { actor: people.policeSl! });
    await expect(save(people.councilLead!, view, 'training', { rating: 'green' })).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
  });

  it('keeps a partial return, continued by anyone asked in the agency, and submits it only when complete', async () => {
    let view: ReturnView = await openReturn(deps(), { actor: people.councilLead! });
    expect(view.ret.status).toBe('in-progress');
    const set = view.set.standards.map((s) => s.id);
    for (const id of set.slice(0, 4))
      view = await save(people.councilLead!, view, id, {
        rating: 'green',
        narrative: `Met: see the ${id} audit of March 2025.`,
        evidenceLinks: 'https://intranet.example/s11',
      });
    const refused = await submitReturn(deps(), { actor: people.councilLead!, data: { roundId: view.round.id, agency: 'council' } });
    expect(refused.issues.map((i) => i.field)).toEqual(set.slice(4));
    expect(refused.ret.status).toBe('in-progress');
    // A bad answer comes back with the message beside the field and what was typed kept.
    const bad = (await save(people.councilLead!, view, 'training', { rating: 'red', narrative: 'Completion is at 60%.' })) as StandardView;
    expect(bad.issues).toEqual([{ field: 'proposedAction', message: expect.stringMatching(/needs the action/) }]);
    expect(bad.raw).toMatchObject({ rating: 'red', narrative: 'Completion is at 60%.' });
    // The deputy carries on where the lead left off.
    view = await openReturn(deps(), { actor: people.councilDeputy! });
    expect(Object.keys(view.ret.answers)).toEqual(set.slice(0, 4));
    view = await save(people.councilDeputy!, view, 'training', {
      rating: 'red',
      narrative: 'Completion is at 60%.',
      proposedAction: 'Train every front-line team',
      proposedDue: '2026-01-09',
    });
    // Attack: a card shown before someone else saved is replayed; it is refused, the newer answer kept.
    const stale = (await save(people.councilLead!, { ...view, ret: { ...view.ret, answers: {} } }, 'training', {
      rating: 'green',
      narrative: 'Overwrite',
    })) as StandardView;
    expect(stale.notice).toMatch(/^Cory Deputy changed this standard since your card was shown/);
    expect(stale.answer).toMatchObject({ rating: 'red', narrative: 'Completion is at 60%.' });
    // Card data is untrusted: a standard that is not in the set, or a malformed reference, is refused.
    await expect(save(people.councilLead!, view, 'no-such-standard', { rating: 'green' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      saveStandard(deps(), { actor: people.councilLead!, timeZone: TZ, data: { roundId: '../x', agency: 'council', standardId: 'training' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    view = await save(people.councilLead!, view, 'safer-recruitment', { rating: 'amber', narrative: 'Renewals late.' });
    view = await save(people.councilLead!, view, 'inter-agency-working', { rating: 'green' });
    view = await save(people.councilLead!, view, 'information-sharing', { rating: 'na', naReason: 'Covered by the shared information hub.' });
    const done = await submitReturn(deps(), { actor: people.councilLead!, data: { roundId: view.round.id, agency: 'council' } });
    expect(done.ret).toMatchObject({ status: 'submitted', submittedBy: { personId: 'cl' } });
  });

  it('chases agencies that have not submitted, then closes the round the day after it closes', async () => {
    clock.set('2025-11-26T10:00:00Z'); // two working days in
    expect(await job()).toMatchObject({ chasers: 1 });
    const status = await section11Status({ store }, { orgId: ORG, requester: people.bm! });
    expect(status.rows.map((r) => [r[0], r[1]])).toEqual([
      ['Council', 'submitted'],
      ['Police', 'not started'],
    ]);
    clock.set('2025-12-22T10:00:00Z');
    expect(await job()).toMatchObject({ closed: 1 });
  });

  it('a year on, offers last round’s answers as the starting point, each to confirm or change', async () => {
    clock.set('2026-11-23T09:00:00Z');
    await startSection11Round(deps(), {
      orgId: ORG,
      requester: people.admin!,
      standards: 'classic',
      closesOn: '2026-12-18',
      timeZone: TZ,
      challengeEventOn: '2027-01-12',
    });
    let view: ReturnView = await openReturn(deps(), { actor: people.councilLead! });
    expect(view.ret.answers['senior-commitment']).toMatchObject({
      rating: 'green',
      carriedForward: true,
      narrative: 'Met: see the senior-commitment audit of March 2025.',
    });
    expect(view.ret.answers.training).toMatchObject({ rating: 'red', carriedForward: true });
    expect(view.ret.answers.training?.proposedAction).toBeUndefined();
    const unconfirmed = await submitReturn(deps(), { actor: people.councilLead!, data: { roundId: view.round.id, agency: 'council' } });
    expect(unconfirmed.issues).toHaveLength(8);
    for (const s of view.set.standards) {
      const a = view.ret.answers[s.id]!;
      view = await save(people.councilLead!, view, s.id, {
        rating: s.id === 'training' ? 'amber' : s.id === 'safer-recruitment' ? 'red' : a.rating,
        naReason: a.naReason ?? '',
        narrative: a.narrative,
        evidenceLinks: a.evidenceLinks.join('\n'),
        ...(s.id === 'safer-recruitment' ? { proposedAction: 'Audit every DBS renewal', proposedDue: '2026-12-04' } : {}),
        ...(s.id === 'training' ? { proposedAction: 'Refresher for the last two teams', proposedDue: '2027-01-29' } : {}),
      });
    }
    expect((await submitReturn(deps(), { actor: people.councilLead!, data: { roundId: view.round.id, agency: 'council' } })).ret.status).toBe('submitted');
  });

  it('lets the business manager challenge a standard, the agency revise it with a reason, and on acceptance raises the weak standards as plan actions', async () => {
    let view: ReturnView = await openReturn(deps(), { actor: people.bm!, agency: 'council' });
    const review = (standardId: string, decision: string, comment = '') =>
      reviewStandard(deps(), {
        actor: people.bm!,
        timeZone: TZ,
        data: { roundId: view.round.id, agency: 'council', standardId, rev: view.ret.answers[standardId]!.rev, decision, comment },
      });
    await expect(
      reviewStandard(deps(), {
        actor: people.councilLead!,
        timeZone: TZ,
        data: { roundId: view.round.id, agency: 'council', standardId: 'training', rev: 1, decision: 'accept' },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const noComment = (await review('line-of-accountability', 'challenge')) as StandardView;
    expect(noComment.issues).toEqual([{ field: 'comment', message: 'Say what the agency should answer.' }]);
    view = await review('line-of-accountability', 'challenge', 'Green without evidence of the structure chart: is it in place?');
    expect((await section11Status({ store }, { orgId: ORG, requester: people.bm! })).rows[0]).toEqual([
      'Council',
      'challenged',
      1,
      '23 Nov 2026',
      'Cal S11-Lead, Cory Deputy',
    ]);
    const lead = await openReturn(deps(), { actor: people.councilLead! });
    const answer = (fields: Record<string, string>) =>
      answerChallenge(deps(), {
        actor: people.councilLead!,
        timeZone: TZ,
        data: { roundId: lead.round.id, agency: 'council', standardId: 'line-of-accountability', ...fields },
      });
    expect((await answer({ rating: 'amber' })).issues).toEqual([{ field: 'response', message: 'Give the reason for the revised rating.' }]);
    const revised = await answer({ rating: 'amber', response: 'The chart is being redrawn after the restructure.' });
    expect(revised.answer).toMatchObject({
      rating: 'amber',
      scrutiny: { state: 'answered', revisedFrom: 'green', response: 'The chart is being redrawn after the restructure.' },
    });
    view = await openReturn(deps(), { actor: people.bm!, agency: 'council' });
    for (const s of view.set.standards) view = await review(s.id, 'accept');
    expect(view.ret.status).toBe('accepted');
    expect(view.ret.history.map((h) => h.what)).toEqual(expect.arrayContaining(['challenged', 'answered', 'revised', 'accepted', 'return-accepted']));
    const actions = await Promise.all(
      ['training', 'safer-recruitment'].map((id) => store.collection<Action>('actions').read(ORG, view.ret.answers[id]!.actionId!)),
    );
    // Amber with a proposed action, and Red: both become actions, led by the lead who submitted, due when proposed.
    expect(actions.map((a) => [a?.description, a?.leadIds, a?.due.dates, a?.status, a?.open])).toEqual([
      ['Council: Refresher for the last two teams', ['cl'], ['2027-01-29'], 'NR', true],
      ['Council: Audit every DBS renewal', ['cl'], ['2026-12-04'], 'NR', true],
    ]);
    const plan = await store
      .collection<{ id: string; orgId: string; learningPoints: { number: number; title: string }[] }>('plans')
      .read(ORG, actions[1]!.planId);
    expect(plan?.learningPoints.find((lp) => lp.number === actions[1]!.learningPoint)?.title).toBe(
      'Section 11 2026: Safer recruitment, vetting and the management of allegations',
    );
    expect(view.ret.answers['senior-commitment']?.actionId).toBeUndefined();
  });

  it('shows the grid with the change from last round, and the csv one row per agency and standard', async () => {
    const grid = await section11Grid({ store }, { orgId: ORG, requester: people.policeSl! });
    const council = grid.rows[0]!;
    expect(council[0]).toBe('Council');
    expect(council[5]).toBe('🟠 Amber (was Red)');
    expect(council[6]).toBe('🔴 Red (was Amber)');
    expect(String(council[10])).toMatch(/^LP\d+\.1 Not yet rated, LP\d+\.1 Not yet rated$/);
    expect(grid.rows[1]!.slice(1, 9)).toEqual(['', '', '', '', '', '', '', '']);
    const rows = await section11Rows({ store }, { orgId: ORG, requester: OPERATOR });
    expect(rows.headers).toEqual(['Agency', 'Standard', 'Rating', 'State', 'Actions raised']);
    expect(rows.rows).toHaveLength(16);
    expect(rows.rows[5]).toEqual([
      'Council',
      'Safer recruitment, vetting and the management of allegations',
      'Red',
      'accepted',
      expect.stringMatching(/^LP\d+\.1 Not yet rated$/),
    ]);
    expect(rows.rows[8]).toEqual(['Police', 'Senior management commitment to safeguarding and promoting children’s welfare', '', 'not started', '']);
    await expect(section11Grid({ store }, { orgId: ORG, requester: people.policeOfficer! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
