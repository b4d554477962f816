import { SURVEY_COMMANDS, SURVEY_ROUTES } from '../../../services/surveys/teams';
import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { createCampaign, hasResponded } from '../../../services/surveys/campaigns';
import type { Campaign, SurveyDoc } from '../../../services/surveys/model';
import { person, seed } from '../../harness/fixtures';
import { actionData, cardText, routeContexts, typed, verbsOf } from '../../harness/route-context';
import { openTestStore } from '../../harness/store';

/** Questionnaire routes, called as the bot calls them, against the embedded store. */
describe('questionnaire routes', () => {
  let store: Store;
  let contextFor: ReturnType<typeof routeContexts>;
  let campaign: Campaign;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const hr = person({ id: 'hana', name: 'Hana HR', roles: ['hr'] });
  const officer = person({ id: 'olu', name: 'Olu Officer' });
  const latecomer = person({ id: 'lee', name: 'Lee Latecomer' });
  const pageOne = { 'q_practice-change': 'I record concerns the same day.', q_confidence: 'quite', 'q_used-procedure': 'yes', 'q_know-how-to-report': 'yes' };
  const pageTwo = { 'q_know-dso-name': 'no', 'q_training-useful': '5', 'q_support-needed': 'supervision' };

  const docs = async (kind: string) => (await toArray(store.collection<SurveyDoc>('surveys').readAll())).filter((d) => d.kind === kind);
  const run = async (who: Person, verb: keyof typeof SURVEY_ROUTES, data: unknown) => SURVEY_ROUTES[verb].run(await contextFor(who), data);
  const type = async (who: Person, text: string) => typed(SURVEY_COMMANDS, await contextFor(who), text);

  beforeAll(async () => {
    store = await openTestStore();
    contextFor = routeContexts(store, clock);
    await seed(store, { people: [hr, officer] });
    campaign = await createCampaign(
      { store, clock, calendar: new WorkingCalendar() },
      {
        actor: hr,
        timeZone: 'Europe/London',
        data: { questionnaire: 'training-follow-up', audience: { type: 'everyone' }, anonymous: false, closesOn: '2026-12-04' },
      },
    );
    // Joins after the campaign went out, so it was never sent to them.
    await seed(store, { people: [latecomer] });
  });
  afterAll(() => store.close());

  it('a host that did not wire the answer seal is told so by the error catalogue, and nothing is stored', async () => {
    const withoutSeal = { ...(await contextFor(officer)), seal: undefined };
    await expect(SURVEY_ROUTES['survey.open'].run(withoutSeal, { campaignId: campaign.id })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('without the answer seal (SURVEY_SEAL_KEY)'),
    });
    expect(await docs('responded')).toEqual([]);
  });

  it('an officer finds the questionnaire under "surveys", answers both pages and is stored as having answered', async () => {
    const list = await type(officer, 'my questionnaires');
    expect(cardText(list)).toMatch(/Questionnaires[\s\S]*Sent to you: not answered yet; open until 4 Dec 2026/);
    const page1 = await run(officer, 'survey.open', actionData(list, 'Answer'));
    expect(cardText(page1)).toContain('Page 1 of 2');

    const page2 = await run(officer, 'survey.page', actionData(page1, 'Next', pageOne));
    expect(cardText(page2)).toContain('Page 2 of 2');
    const saved = await run(officer, 'survey.page', actionData(page2, 'Submit', pageTwo));
    expect(cardText(saved)).toContain('Thank you: your answers are saved');
    expect(await hasResponded(store, campaign, officer.id)).toBe(true);
    expect(await docs('answers')).toMatchObject([{ campaignId: campaign.id }]);
  });

  it('once answered, the officer’s entry offers "Change my answers", not "Answer"', async () => {
    const list = await type(officer, 'surveys');
    expect(cardText(list)).toMatch(/Sent to you: you have answered/);
    expect(JSON.stringify(list)).toContain('"title":"Change my answers","verb":"survey.open"');
    expect(JSON.stringify(list)).not.toContain('"title":"Answer"');
  });

  it('HR, who was sent the questionnaire and also runs it, finds it once: Answer to press, Results in the overflow menu', async () => {
    const list = await type(hr, 'surveys');
    expect(cardText(list).split('Safeguarding training: three months on').length - 1).toBe(1);
    const actions = JSON.stringify(list);
    expect(actions).toContain('"title":"Answer","verb":"survey.open"');
    expect(actions).toMatch(/"title":"Results","verb":"survey\.results","data":\{"campaignId":"[^"]+"\},"mode":"secondary"/);
  });

  it('Next with a question unanswered keeps the page, with the problem under it, and stores nothing', async () => {
    const before = await toArray(store.collection<SurveyDoc>('surveys').readAll());
    const page1 = await run(hr, 'survey.open', { campaignId: campaign.id });
    const incomplete = await run(hr, 'survey.page', actionData(page1, 'Next'));
    expect(cardText(incomplete)).toMatch(/Page 1 of 2[\s\S]*Please answer this question/);
    expect(await toArray(store.collection<SurveyDoc>('surveys').readAll())).toHaveLength(before.length);
  });

  it('refuses the questionnaire to someone it was not sent to, and its results to an officer', async () => {
    await expect(run(latecomer, 'survey.open', { campaignId: campaign.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(run(officer, 'survey.results', { campaignId: campaign.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(type(officer, `survey results ${campaign.id}`)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await hasResponded(store, campaign, latecomer.id)).toBe(false);
  });

  it('HR sees every campaign with a Results button and opens its results, which quote no one’s written answer', async () => {
    const list = await type(hr, 'surveys');
    expect(verbsOf(list)).toContain('survey.results');
    const results = await run(hr, 'survey.results', actionData(list, 'Results'));
    expect(cardText(results)).toMatch(/^Results of "Safeguarding training: three months on"\n[\s\S]*\n\d+ of 2 answered/);
    expect(cardText(results)).not.toContain('I record concerns the same day.');
  });

  it.each<[string, string, unknown, string]>([
    ['survey.open without a campaign id', 'survey.open', {}, 'NOT_FOUND'],
    ['survey.open with a campaign id that is not text', 'survey.open', { campaignId: ['x'] }, 'NOT_FOUND'],
    ['survey.edit with a made-up answer key', 'survey.edit', { campaignId: 'c', answerKey: 'short' }, 'NOT_FOUND'],
    ['survey.page with a non-object', 'survey.page', 'submit', 'NOT_FOUND'],
    ['survey.results without a campaign id', 'survey.results', {}, 'NOT_FOUND'],
  ])('%s is a clear refusal, not a crash', async (_what, verb, data, code) => {
    await expect(run(hr, verb as keyof typeof SURVEY_ROUTES, data)).rejects.toMatchObject({ code });
  });
});
