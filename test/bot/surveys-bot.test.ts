import type { Person } from '../../services/people/model';
import { toArray } from '../../services/store/ports';
import { createCampaign, hasResponded } from '../../services/surveys/campaigns';
import type { Campaign, SurveyDoc } from '../../services/surveys/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { cardInvoked, localSignIn, startTestApp, type TestApp } from '../harness/app';
import { actionData } from '../harness/route-context';
import { installedPeople, installedUser } from '../harness/delivery';
import { messageActivity, personalConversationId, TEST_TENANT_ID } from '../harness/teams-activities';

describe('answering a questionnaire in Teams, over real HTTP', () => {
  let t: TestApp;
  let hr: Person | undefined;
  let officers: Person[];
  let campaign: Campaign;
  /** Officer 0's card after saving, with its "Change my answers" button. */
  let savedCard: unknown;

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    t.clock.set('2026-11-23T09:00:00Z');
    [hr] = await installedPeople(t.store, t.connector.serviceUrl, 1, { prefix: 'hr', roles: ['hr'] });
    officers = await installedPeople(t.store, t.connector.serviceUrl, 3, { prefix: 'officer' });
    campaign = await createCampaign(
      { store: t.store, clock: t.clock, calendar: new WorkingCalendar() },
      {
        actor: hr!,
        timeZone: 'Europe/London',
        data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
    await t.app.deliverNow();
  });
  afterAll(() => t.close());

  const invoke = (p: Person, verb: string, data: Record<string, unknown>) => cardInvoked(t, installedUser(p), verb, data);
  const storedSurveyDocs = async () =>
    (await toArray(t.store.collection<SurveyDoc>('surveys').readAll())).filter((d) => d.kind === 'answers' || d.kind === 'pending' || d.kind === 'responded')
      .length;

  it('invitation → Answer now → page 1 → Next → page 2 → Submit → saved in place → Change my answers', async () => {
    const officer = officers[0]!;
    const invitation = t.connector.activities({ conversationId: personalConversationId({ id: `29:${officer.id}` }) })[0].attachments[0].content;
    expect(JSON.stringify(invitation)).toMatch(/Safeguarding training: three months on[\s\S]*Anonymous/);

    const page1 = await invoke(officer, 'survey.open', actionData(invitation, 'Answer now'));
    expect(JSON.stringify(page1)).toContain('Page 1 of 2');
    // Next without answering: the card comes back with each problem under its question.
    const incomplete = await invoke(officer, 'survey.page', actionData(page1, 'Next'));
    expect(JSON.stringify(incomplete)).toMatch(/Please check the answers marked below[\s\S]*Please answer this question/);

    const page2 = await invoke(
      officer,
      'survey.page',
      actionData(page1, 'Next', {
        'q_practice-change': 'I record <b>concerns</b> the same day.',
        q_confidence: 'quite',
        'q_used-procedure': 'yes',
        'q_know-how-to-report': 'yes',
      }),
    );
    expect(JSON.stringify(page2)).toContain('Page 2 of 2');
    const saved = await invoke(
      officer,
      'survey.page',
      actionData(page2, 'Submit', { 'q_know-dso-name': 'no', 'q_training-useful': '5', 'q_support-needed': 'supervision,refresher' }),
    );
    expect(JSON.stringify(saved)).toContain('Thank you: your answers are saved');
    savedCard = saved;

    const again = await invoke(officer, 'survey.edit', actionData(saved, 'Change my answers'));
    expect(JSON.stringify(again)).toMatch(/You are changing your answers[\s\S]*I record <b>concerns<\/b> the same day\./);
    const page2again = await invoke(officer, 'survey.page', actionData(again, 'Next'));
    expect(JSON.stringify(page2again)).toMatch(/"id":"q_training-useful"[^}]*"value":"5"/);
    const changed = await invoke(officer, 'survey.page', actionData(page2again, 'Save changes', { 'q_training-useful': '3' }));
    expect(JSON.stringify(changed)).toContain('Your changed answers are saved');
    expect(await storedSurveyDocs()).toBe(2); // the sealed answers waiting to be pooled and one "has responded"
  });

  it('"Change my answers" pressed by a colleague on that saved card is refused: nothing replaced, nobody marked as answering', async () => {
    const colleague = officers[2]!;
    const before = JSON.stringify((await toArray(t.store.collection<SurveyDoc>('surveys').readAll())).map(({ _etag, _ts, ...d }: any) => d));
    // The card was forwarded, or seen over a shoulder: everything it sends is what the owner's would.
    const refused = await invoke(colleague, 'survey.edit', actionData(savedCard, 'Change my answers'));
    expect(JSON.stringify(refused)).toMatch(/These are not your answers[\s\S]*NOT_YOUR_ANSWERS/);
    expect(JSON.stringify(refused)).not.toContain('I record');
    expect(await hasResponded(t.store, campaign, colleague.id)).toBe(false);
    expect(JSON.stringify((await toArray(t.store.collection<SurveyDoc>('surveys').readAll())).map(({ _etag, _ts, ...d }: any) => d))).toBe(before);
    // The owner's own card still opens their answers, unchanged.
    const mine = await invoke(officers[0]!, 'survey.edit', actionData(savedCard, 'Change my answers'));
    expect(JSON.stringify(mine)).toMatch(/You are changing your answers[\s\S]*I record <b>concerns<\/b> the same day\./);
    // And the colleague can still answer for themselves from their own invitation.
    expect(JSON.stringify(await invoke(colleague, 'survey.open', { campaignId: campaign.id }))).toContain('Page 1 of 2');
  });

  it('a written answer that identifies a child comes back as a problem under its question, and nothing is stored', async () => {
    const officer = officers[2]!;
    const before = await storedSurveyDocs();
    const page1 = await invoke(officer, 'survey.open', { campaignId: campaign.id });
    const answered = {
      'q_practice-change': 'Referred Jayden Smith DOB 03/03/2015, 12 High St OX4 1AB',
      q_confidence: 'quite',
      'q_used-procedure': 'yes',
      'q_know-how-to-report': 'yes',
    };
    const back = await invoke(officer, 'survey.page', actionData(page1, 'Next', answered));
    expect(JSON.stringify(back)).toMatch(/This looks like a date of birth/);
    expect(JSON.stringify(back)).not.toContain('Page 2 of 2');
    expect(await storedSurveyDocs()).toBe(before);
  });

  it('a tampered submission gets a card saying so, and nothing is stored', async () => {
    const officer = officers[1]!;
    const page1 = await invoke(officer, 'survey.open', { campaignId: campaign.id });
    const data = actionData(page1, 'Next');
    const forged = await invoke(officer, 'survey.page', {
      ...data,
      move: 'submit',
      personId: officers[0]!.id,
      carried: JSON.stringify({ confidence: 'very' }),
    });
    expect(JSON.stringify(forged)).toMatch(/sent fields it should not have \(personId\)[\s\S]*VALIDATION/);
    const pageOne = { 'q_practice-change': 'x', q_confidence: 'quite', 'q_used-procedure': 'yes', 'q_know-how-to-report': 'yes' };
    const outOfRange = await invoke(officer, 'survey.page', {
      ...actionData(page1, 'Next', pageOne),
      move: 'submit',
      carried: JSON.stringify({ 'know-dso-name': 'yes', 'training-useful': '9' }),
    });
    expect(JSON.stringify(outOfRange)).toContain('Choose a number from 1 to 5.');
    const otherCampaign = await invoke(officer, 'survey.open', { campaignId: 'campaign-2026-11-23-00000000' });
    expect(JSON.stringify(otherCampaign)).toContain('NOT_FOUND');
    expect(await storedSurveyDocs()).toBe(2);
  });

  it('"surveys" lists what is waiting; HR also gets results, officers do not', async () => {
    const before = t.connector.activities().length;
    await t.post(messageActivity({ serviceUrl: t.connector.serviceUrl, user: installedUser(officers[2]!), text: 'surveys' }));
    const [list] = (await t.connector.waitForActivities(before + 1)).slice(-1);
    expect(JSON.stringify(list.attachments[0].content)).toMatch(/Safeguarding training: three months on[\s\S]*Sent to you: not answered yet/);
    expect(JSON.stringify(list.attachments[0].content)).not.toContain('"title":"Results"');
    // Open and anonymous: the response rate and why there is nothing more, on the card and in the tab.
    const results = await invoke(hr!, 'survey.results', { campaignId: campaign.id });
    expect(JSON.stringify(results)).toMatch(/1 of 4 answered \(25%\)[\s\S]*only the response rate is shown until it closes \(4 Dec 2026\)/);
    expect(JSON.stringify(results)).not.toMatch(/100% \(1\)|Very useful|FactSet/);
    const tab = await fetch(`${t.app.url}/api/tab/questionnaires/${campaign.id}`, { headers: localSignIn(t, hr!.id) });
    expect(tab.status).toBe(200);
    expect(await tab.json()).toMatchObject({
      responded: 1,
      invited: 4,
      responseRate: 25,
      notice: expect.stringContaining('only the response rate'),
      highlights: [],
      questions: [],
      breakdowns: [],
    });
    const refused = await invoke(officers[2]!, 'survey.results', { campaignId: campaign.id });
    expect(JSON.stringify(refused)).toContain('FORBIDDEN');
  });
});
