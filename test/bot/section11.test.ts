import { appEvents } from '../harness/partnership';
import { OPERATOR } from '../../services/access/policy';
import { addAgency } from '../../services/organisation/agencies';
import type { Person } from '../../services/people/model';
import type { Action } from '../../services/plan/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { toArray } from '../../services/store/ports';
import { openReturn, saveStandard, startSection11Round, submitReturn, type ReturnView } from '../../services/section11';
import { cardsAnswering, localSignIn, startTestApp, type TestApp } from '../harness/app';
import { runJobAt } from '../harness/jobs';
import { ORG, person, seed } from '../harness/fixtures';
import { COUNCIL_TENANT, oid, POLICE_TENANT, teamsUser, type Staff } from '../harness/partnership';
import {
  cardButtons as buttons,
  cardText,
  installationUpdate,
  invokeActionExecute,
  personalConversationId,
  type CardButton,
} from '../harness/teams-activities';

/*
 * The Section 11 self-assessment's done-means, over real HTTP as Teams calls the bot, with the fake
 * Bot Connector receiving what it sends: two agencies in two tenants, a round started by the
 * partnership's administrator, returns filled over two sittings (the council's from last year's),
 * a challenge answered with a revised rating, acceptance into plan actions that are then reminded,
 * and the board report's grid, with each agency seeing only its own narratives.
 */
const TZ = 'Europe/London';
const staff = (n: number, name: string, tenant: string): Staff => ({
  employee: `E${n}`,
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@${tenant === COUNCIL_TENANT ? 'council' : 'police'}.example`,
  department: '',
  jobTitle: '',
  oid: oid(n),
  tenant,
});
const ADMIN = staff(1, 'Ada Council-Admin', COUNCIL_TENANT);
const MANAGER = staff(2, 'Bea Business-Manager', COUNCIL_TENANT);
const COUNCIL_LEAD = staff(3, 'Cal Council-S11', COUNCIL_TENANT);
const POLICE_SL = staff(11, 'Polly Police-SL', POLICE_TENANT);
const POLICE_OFFICER = staff(12, 'Pete Police-Officer', POLICE_TENANT);
const EVERYONE = [ADMIN, MANAGER, COUNCIL_LEAD, POLICE_SL, POLICE_OFFICER];
const COUNCIL_SECRET_NARRATIVE = 'Council board minutes record the lead’s quarterly report';
const POLICE_SECRET_NARRATIVE = 'Force whistleblowing line audited in March 2026';

type Card = { body: unknown[]; actions?: { title: string; verb: string; data: Record<string, unknown> }[] };

describe('Section 11 self-assessment in Teams: two agencies, from the round to the board report', () => {
  let t: TestApp;
  const calendar = new WorkingCalendar();
  const personIds = new Map<Staff, string>();
  const job = (name: string) => runJobAt(name, t.store, t.clock, { timeZone: TZ, calendar });
  const say = async (s: Staff, text: string): Promise<Card> => (JSON.parse(await cardsAnswering(t, teamsUser(s), text)) as Card[])[0]!;
  const press = async (s: Staff, button: CardButton | undefined, fields: Record<string, string> = {}): Promise<Card> => {
    if (!button) throw new Error('the card has no such button');
    const res = await t.post(
      invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), verb: button.verb, data: { ...button.data, ...fields } }),
    );
    expect(res.status).toBe(200);
    return res.body.value as Card;
  };
  const button = (card: Card, title: string, n = 0) => buttons(card).filter((b) => b.title === title)[n];
  const received = (s: Staff) =>
    t.connector
      .activities({ conversationId: personalConversationId(teamsUser(s)) })
      .map((a) => cardText(a.attachments?.[0]?.content))
      .join('\n');
  /** Opens standard `n` (0-based) of the return from the overview card. */
  const openStandard = async (s: Staff, overview: Card, n: number) => press(s, buttons(overview).filter((b) => b.verb === 's11.standard')[n]);

  beforeAll(async () => {
    t = await startTestApp({ DELIVERY_INTERVAL_SECONDS: '3600' });
    t.clock.set('2025-11-24T09:00:00Z');
    await addAgency(t.store, t.clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, { timeZone: TZ }, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, { timeZone: TZ }, appEvents());
    const roles: [Staff, string, Person['roles']][] = [
      [ADMIN, 'council', ['admin']],
      [MANAGER, 'council', ['business-manager']],
      [COUNCIL_LEAD, 'council', ['s11-lead']],
      // The police name no Section 11 lead: their safeguarding lead is asked.
      [POLICE_SL, 'police', ['safeguarding-lead']],
      [POLICE_OFFICER, 'police', ['officer']],
    ];
    await seed(t.store, {
      people: roles.map(([s, agency, r]) =>
        person({ id: `p-${s.employee}`, name: s.name, email: s.email, agency, roles: r, aadObjectId: s.oid, aadTenantId: s.tenant }),
      ),
    });
    for (const [s] of roles) personIds.set(s, `p-${s.employee}`);
    for (const s of EVERYONE)
      expect((await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user: teamsUser(s), action: 'add' }))).status).toBeLessThan(300);

    // Last year's round: the council's return, submitted; the round then closes.
    const deps = { store: t.store, clock: t.clock };
    await startSection11Round(deps, { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2025-12-19', timeZone: TZ, agencies: ['council'] });
    const lead = (await t.store.collection<Person>('people').read(ORG, personIds.get(COUNCIL_LEAD)!))!;
    let view: ReturnView = await openReturn(deps, { actor: lead });
    for (const s of view.set.standards) {
      const rating = s.id === 'training' ? 'red' : s.id === 'safer-recruitment' ? 'amber' : 'green';
      view = await saveStandard(deps, {
        actor: lead,
        timeZone: TZ,
        data: {
          roundId: view.round.id,
          agency: 'council',
          standardId: s.id,
          rev: 0,
          rating,
          narrative: s.id === 'senior-commitment' ? COUNCIL_SECRET_NARRATIVE : `Last year: ${s.id}.`,
          evidenceLinks: 'https://intranet.council.example/s11',
          ...(rating === 'red' ? { proposedAction: 'Train every team', proposedDue: '2026-03-31' } : {}),
        },
      });
    }
    expect((await submitReturn(deps, { actor: lead, data: { roundId: view.round.id, agency: 'council' } })).ret.status).toBe('submitted');
    t.clock.set('2025-12-22T10:00:00Z');
    await job('s11-chasers');
    await t.app.sender.drain(ORG);
    t.connector.reset();
    t.clock.set('2026-11-23T09:00:00Z'); // a Monday, a year on
  });
  afterAll(() => t.close());

  it('1. the administrator starts a round, and each agency’s lead is asked in Teams', async () => {
    const started = cardText(await say(ADMIN, 's11 start classic 2026-12-18'));
    expect(started).toContain('Section 11 2026: closes 18 Dec 2026');
    expect(started).toMatch(/Council[\s\S]*not started[\s\S]*Police[\s\S]*not started/);
    await t.app.sender.drain(ORG);
    expect(received(COUNCIL_LEAD)).toContain('Council’s return is due by 18 Dec 2026');
    expect(received(POLICE_SL)).toContain('Police’s return is due by 18 Dec 2026');
    expect(received(POLICE_OFFICER)).not.toContain('Section 11');
    // Someone who is not a partnership administrator cannot start one.
    expect(cardText(await say(POLICE_SL, 's11 start classic 2026-12-18'))).toContain('Only the partnership’s administrators start a Section 11 round');
  });

  it('2. each agency’s lead fills the return over two sittings, the council’s from last year’s answers', async () => {
    // The council: last year's answers are the starting point, each to confirm or change.
    let overview = await say(COUNCIL_LEAD, 'self-assessment');
    expect(cardText(overview)).toContain('Section 11 2026: Council’s return');
    expect(cardText(overview).match(/carried forward — confirm or change/g)).toHaveLength(8);
    let card = await openStandard(COUNCIL_LEAD, overview, 0);
    expect(cardText(card)).toContain('↻ Carried forward — confirm or change');
    expect(cardText(card)).toContain(COUNCIL_SECRET_NARRATIVE);
    // First sitting: confirm the first four as they were.
    for (let i = 0; i < 4; i++)
      card = await press(COUNCIL_LEAD, button(card, 'Save and next'), {
        rating: 'green',
        narrative: i === 0 ? COUNCIL_SECRET_NARRATIVE : 'Confirmed for 2026.',
        evidenceLinks: 'https://intranet.council.example/s11',
      });
    // Second sitting, the next day: the return is where it was left.
    t.clock.set('2026-11-24T09:00:00Z');
    overview = await say(COUNCIL_LEAD, 'self-assessment');
    expect(cardText(overview).match(/carried forward — confirm or change/g)).toHaveLength(4);
    card = await openStandard(COUNCIL_LEAD, overview, 4);
    expect(cardText(card)).toContain('Effective safeguarding training');
    // A weak rating with no proposed action comes back with the message beside the field, the answers kept.
    const refused = await press(COUNCIL_LEAD, button(card, 'Save and next'), { rating: 'red', narrative: 'Completion is at 61%.', evidenceLinks: '' });
    expect(cardText(refused)).toContain('⚠ A standard rated this low needs the action your agency proposes, with its date.');
    expect(JSON.stringify(refused)).toContain('Completion is at 61%.');
    // Due seven working days after acceptance's next day (26 Nov), when the first reminder falls.
    card = await press(COUNCIL_LEAD, button(refused, 'Save and next'), {
      rating: 'red',
      narrative: 'Completion is at 61%.',
      proposedAction: 'Train the last two teams',
      proposedDue: dueInWorkingDays('2026-11-26', 7),
    });
    card = await press(COUNCIL_LEAD, button(card, 'Save and next'), { rating: 'amber', narrative: 'DBS renewals late.' });
    card = await press(COUNCIL_LEAD, button(card, 'Save and next'), { rating: 'green', narrative: 'Attends every conference.' });
    overview = await press(COUNCIL_LEAD, button(card, 'Save and next'), { rating: 'na', naReason: 'Covered by the partnership’s information hub.' });
    expect(cardText(overview)).toContain('That was the last standard');
    expect(cardText(await press(COUNCIL_LEAD, button(overview, 'Submit the return')))).toContain('Submitted.');

    // The police: a fresh return (nothing from last year), over two sittings.
    overview = await say(POLICE_SL, 'self-assessment');
    expect(cardText(overview)).not.toContain('carried forward');
    card = await openStandard(POLICE_SL, overview, 0);
    card = await press(POLICE_SL, button(card, 'Save and next'), { rating: 'green', narrative: POLICE_SECRET_NARRATIVE });
    expect(cardText(await press(POLICE_SL, button(card, 'Save and next'), { rating: 'green', narrative: 'Statement on the intranet.' }))).toContain(
      'Police: standard 3 of 8',
    );
    // Submitting early is refused, each unrated standard named.
    overview = await say(POLICE_SL, 'self-assessment');
    const early = await press(POLICE_SL, button(overview, 'Submit the return'));
    expect(cardText(early)).toContain('Not submitted: 6 standards need an answer first');
    expect(cardText(early).match(/⚠ Not rated yet\./g)).toHaveLength(6);
    t.clock.set('2026-11-25T09:00:00Z');
    overview = await say(POLICE_SL, 'self-assessment');
    card = await openStandard(POLICE_SL, overview, 2);
    for (const rating of ['green', 'green', 'green', 'green']) card = await press(POLICE_SL, button(card, 'Save and next'), { rating, narrative: 'In place.' });
    // Not applicable needs its reason; a rating outside the scale is refused.
    expect(cardText(await press(POLICE_SL, button(card, 'Save'), { rating: 'na' }))).toContain('⚠ Say why this standard does not apply to your agency.');
    expect(cardText(await press(POLICE_SL, button(card, 'Save'), { rating: 'outstanding' }))).toContain('⚠ Choose one of Green, Amber, Red or Not applicable.');
    card = await press(POLICE_SL, button(card, 'Save and next'), {
      rating: 'na',
      naReason: 'Inter-agency work is led by the force’s MASH team, assessed there.',
    });
    card = await press(POLICE_SL, button(card, 'Save and next'), {
      rating: 'red',
      narrative: 'Sharing with schools is slow.',
      proposedAction: 'Agree a schools protocol',
      proposedDue: '2027-02-26',
    });
    expect(cardText(card)).toContain('That was the last standard');
    expect(cardText(await press(POLICE_SL, button(card, 'Submit the return')))).toContain('Submitted.');
  });

  it('refuses a return to someone without the role in that agency', async () => {
    expect(cardText(await say(POLICE_OFFICER, 'self-assessment'))).toContain('Ask your administrator for the s11-lead role');
    // A lead of one agency pressing a save for the other agency's return.
    const refused = await press(POLICE_SL, {
      title: 'Save',
      verb: 's11.save',
      data: { roundId: await roundId(), agency: 'council', standardId: 'training', rev: 0, rating: 'green' },
    });
    expect(cardText(refused)).toContain('That is another agency’s Section 11 return');
  });

  it('3. the business manager challenges one standard, and the agency revises it', async () => {
    await t.app.sender.drain(ORG);
    expect(received(MANAGER)).toContain('Section 11: Council has submitted its return');
    expect(received(MANAGER)).toContain('Section 11: Police has submitted its return');
    const summary = cardText(await say(MANAGER, 's11 summary'));
    expect(summary).toMatch(/Council[\s\S]*submitted[\s\S]*Police[\s\S]*submitted/);
    const list = await say(MANAGER, 's11 review');
    let overview = await press(
      MANAGER,
      buttons(list).find((b) => b.verb === 's11.return' && b.data.agency === 'council'),
    );
    let card = await openStandard(MANAGER, overview, 2);
    expect(cardText(card)).toContain('A clear line of accountability');
    expect(cardText(await press(MANAGER, button(card, 'Challenge')))).toContain('⚠ Say what the agency should answer.');
    card = await press(MANAGER, button(card, 'Challenge'), { comment: 'Green, yet no structure chart is linked: is it in place?' });
    expect(cardText(card)).toContain('Challenged “A clear line of accountability');
    expect(cardText(await say(MANAGER, 's11 summary'))).toMatch(/Council[\s\S]*challenged[\s\S]*1/);
    await t.app.sender.drain(ORG);
    expect(received(COUNCIL_LEAD)).toContain('“A clear line of accountability for work on safeguarding” has been challenged');

    overview = await say(COUNCIL_LEAD, 'self-assessment');
    expect(cardText(overview)).toContain('challenged: answer needed');
    card = await openStandard(COUNCIL_LEAD, overview, 2);
    expect(cardText(card)).toContain('Green, yet no structure chart is linked: is it in place?');
    expect(cardText(await press(COUNCIL_LEAD, button(card, 'Answer the challenge'), { rating: 'amber', response: '' }))).toContain(
      '⚠ Give the reason for the revised rating.',
    );
    card = await press(COUNCIL_LEAD, button(card, 'Answer the challenge'), { rating: 'amber', response: 'The chart is being redrawn after the restructure.' });
    expect(cardText(card)).toMatch(/Revised from\s+Green/);
    expect(cardText(card)).toContain('The chart is being redrawn after the restructure.');
    expect(cardText(card)).toMatch(
      /History\s+25 Nov 2026: challenged by Bea Business-Manager\n25 Nov 2026: challenge answered by Cal Council-S11\n25 Nov 2026: rating revised by Cal Council-S11/,
    );
  });

  it('4. on acceptance, the weak standards become actions led by the agency’s lead, who gets the next day’s reminder', async () => {
    for (const agency of ['council', 'police']) {
      const list = await say(MANAGER, 's11 review');
      let card = await openStandard(
        MANAGER,
        await press(
          MANAGER,
          buttons(list).find((b) => b.verb === 's11.return' && b.data.agency === agency),
        ),
        0,
      );
      for (let i = 0; i < 8 && button(card, 'Accept'); i++) card = await press(MANAGER, button(card, 'Accept'));
      expect(cardText(card)).toContain(
        `Every standard accepted: ${agency === 'council' ? 'Council' : 'Police'}’s return is accepted, and its actions are in the plan.`,
      );
    }
    const actions = (await toArray(t.store.collection<Action>('actions').readAll())).filter((a) => a.orgId === ORG);
    expect(actions.map((a) => [a.description, a.leadIds]).sort()).toEqual([
      ['Council: Train the last two teams', [personIds.get(COUNCIL_LEAD)]],
      ['Police: Agree a schools protocol', [personIds.get(POLICE_SL)]],
    ]);
    const training = actions.find((a) => a.description.startsWith('Council'))!;
    expect(training.due.dates).toEqual([dueInWorkingDays('2026-11-26', 7)]);
    await t.app.sender.drain(ORG);
    t.connector.reset();
    t.clock.set('2026-11-26T09:00:00Z');
    await job('daily-reminders');
    await t.app.sender.drain(ORG);
    expect(received(COUNCIL_LEAD)).toContain(training.ref);
    expect(received(COUNCIL_LEAD)).toContain('Council: Train the last two teams');
  });

  it('5. the board report shows the grid, and each agency sees only its own narratives', async () => {
    const board = JSON.stringify(await cardsAnswering(t, teamsUser(MANAGER), 'partnership report'));
    expect(board).toContain('Section 11 self-assessment 2026: ratings by agency');
    expect(board).toContain('🔴 Red');
    expect(board).toContain('🟠 Amber (was Green)');
    expect(board).not.toContain(COUNCIL_SECRET_NARRATIVE);

    // The police see the grid, never the council's narratives; and the council's return not at all.
    const grid = JSON.stringify(await cardsAnswering(t, teamsUser(POLICE_SL), 'report s11'));
    expect(grid).toContain('Council');
    expect(grid).not.toContain(COUNCIL_SECRET_NARRATIVE);
    // The tab's report page shows the same grid, to the same people.
    const tab = async (s: Staff) => fetch(`${t.app.url}/api/tab/reports/s11`, { headers: localSignIn(t, personIds.get(s)!) });
    const page = await tab(POLICE_SL);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Section 11 self-assessment 2026: ratings by agency');
    expect(body).not.toContain(COUNCIL_SECRET_NARRATIVE);
    expect((await tab(POLICE_OFFICER)).status).toBe(403);
    const theirs = await press(POLICE_SL, { title: 'Open', verb: 's11.return', data: { roundId: await roundId(), agency: 'council' } });
    expect(cardText(theirs)).toContain('That is another agency’s Section 11 return');
    const standard = await press(POLICE_SL, {
      title: 'Read',
      verb: 's11.standard',
      data: { roundId: await roundId(), agency: 'council', standardId: 'senior-commitment' },
    });
    expect(JSON.stringify(standard)).not.toContain(COUNCIL_SECRET_NARRATIVE);
    // Each agency's own narrative is on its own return; the business manager sees both.
    expect(JSON.stringify(await openStandard(POLICE_SL, await say(POLICE_SL, 'self-assessment'), 0))).toContain(POLICE_SECRET_NARRATIVE);
    expect(JSON.stringify(await openStandard(COUNCIL_LEAD, await say(COUNCIL_LEAD, 'self-assessment'), 0))).not.toContain(POLICE_SECRET_NARRATIVE);
    const bm = await press(MANAGER, {
      title: 'Read',
      verb: 's11.standard',
      data: { roundId: await roundId(), agency: 'police', standardId: 'senior-commitment' },
    });
    expect(JSON.stringify(bm)).toContain(POLICE_SECRET_NARRATIVE);
  });

  async function roundId(): Promise<string> {
    const [open] = (
      await toArray(t.store.collection<{ id: string; orgId: string; kind: string; status: string; startedAt: string }>('section11').readAll())
    ).filter((d) => d.kind === 's11-round' && d.startedAt >= '2026');
    return open!.id;
  }

  /** The day `n` working days after `from`, as the reminder rules count them. */
  function dueInWorkingDays(from: string, n: number): string {
    let day = new Date(`${from}T12:00:00Z`);
    for (;;) {
      day = new Date(day.getTime() + 86_400_000);
      const iso = day.toISOString().slice(0, 10);
      if (calendar.workingDaysBetween(from, iso) === n && calendar.isWorkingDay(iso)) return iso;
    }
  }
});
