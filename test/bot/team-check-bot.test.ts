import type { Person } from '../../services/people/model';
import { createCampaign } from '../../services/surveys/campaigns';
import type { Campaign } from '../../services/surveys/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { cardInvoked, localSignIn, startTestApp, type TestApp } from '../harness/app';
import { actionData } from '../harness/route-context';
import { installedPeople, installedUser } from '../harness/delivery';
import { messageActivity, personalConversationId, TEST_TENANT_ID } from '../harness/teams-activities';

const TEAM = 'Children’s Services';

describe('a team check in Teams, over real HTTP: one answer for the team, from either of its managers', () => {
  let t: TestApp;
  let hr: Person;
  let managers: Person[];
  let practitioner: Person;
  let campaign: Campaign;

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    t.clock.set('2026-11-23T09:00:00Z');
    [hr] = (await installedPeople(t.store, t.connector.serviceUrl, 1, { prefix: 'hr', roles: ['hr'] })) as [Person];
    managers = await installedPeople(t.store, t.connector.serviceUrl, 2, { prefix: 'mgr', roles: ['manager'] });
    [practitioner] = (await installedPeople(t.store, t.connector.serviceUrl, 1, { prefix: 'sw' })) as [Person];
    // Each works in the team; the directory import would have said so.
    for (const p of [...managers, practitioner]) await t.store.collection<Person>('people').upsert({ ...p, department: TEAM });
    campaign = await createCampaign(
      { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
      { actor: hr, timeZone: 'Europe/London', data: { questionnaire: 'team-check', audience: { type: 'everyone' }, closesOn: '2026-12-04' } },
    );
    await t.app.deliverNow();
  });
  afterAll(() => t.close());

  const invoke = (p: Person, verb: string, data: Record<string, unknown>) => cardInvoked(t, installedUser(p), verb, data);
  const invitationOf = (p: Person) => t.connector.activities({ conversationId: personalConversationId({ id: `29:${p.id}` }) })[0]?.attachments[0].content;

  it('only the managers are invited; the first answers for the team, the second changes that same answer', async () => {
    expect(invitationOf(practitioner)).toBeUndefined();
    const page = await invoke(managers[0]!, 'survey.open', actionData(invitationOf(managers[0]!), 'Answer now'));
    expect(JSON.stringify(page)).toMatch(/Team safeguarding check[\s\S]*One answer for the whole team \(Children’s Services\)/);
    const saved = await invoke(
      managers[0]!,
      'survey.page',
      actionData(page, 'Submit', {
        'q_lead-known': 'yes',
        'q_training-in-date': 'no',
        q_supervision: 'less-often',
        'q_procedures-reviewed': 'yes',
        'q_escalation-known': 'no',
        'q_concerns-followed-up': 'most',
      }),
    );
    expect(JSON.stringify(saved)).toContain('Thank you: your answers are saved');

    // The second manager's own invitation opens the team's answer, not a blank card.
    const theirs = await invoke(managers[1]!, 'survey.open', actionData(invitationOf(managers[1]!), 'Answer now'));
    expect(JSON.stringify(theirs)).toMatch(/You are changing your answers/);
    expect(JSON.stringify(theirs)).toMatch(/"id":"q_supervision"[^}]*"value":"less-often"/);
    const changed = await invoke(managers[1]!, 'survey.page', actionData(theirs, 'Save changes', { 'q_training-in-date': 'yes' }));
    expect(JSON.stringify(changed)).toContain('Your changed answers are saved');

    // The first manager's list says the team has answered, whoever of it did.
    const before = t.connector.activities().length;
    await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: installedUser(managers[0]!), text: 'surveys' }));
    const [list] = (await t.connector.waitForActivities(before + 1)).slice(-1);
    expect(JSON.stringify(list.attachments[0].content)).toMatch(/Team safeguarding check[\s\S]*Sent to you: your team has answered/);
  });

  it('a practitioner of the team pressing the same button is refused, and the team’s answer is untouched', async () => {
    const refused = await invoke(practitioner, 'survey.open', { campaignId: campaign.id });
    expect(JSON.stringify(refused)).toContain('FORBIDDEN');
  });

  it('HR sees the team’s answer, named, on the results card and in the tab', async () => {
    const card = JSON.stringify(await invoke(hr, 'survey.results', { campaignId: campaign.id }));
    expect(card).toMatch(/1 of 1 teams answered \(100%\)/);
    expect(card).toMatch(/Children’s Services[\s\S]*Headlines met[\s\S]*2 of 4[\s\S]*answered by Person mgr1/);
    const tab = await fetch(`${t.app.url}/api/tab/questionnaires/${campaign.id}`, { headers: localSignIn(t, hr.id) });
    expect(tab.status).toBe(200);
    const view = (await tab.json()) as { breakdowns: unknown[]; report: { rows: string[][] } };
    expect(view.breakdowns).toEqual([]);
    expect(view.report.rows).toContainEqual([TEAM, 'Headlines met', '2 of 4', 'answered by Person mgr1']);
  });
});
