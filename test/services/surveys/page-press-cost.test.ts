import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { RequestMeter } from '../../../services/store/azure-profile';
import type { Store } from '../../../services/store/ports';
import { audienceOf, createCampaign } from '../../../services/surveys/campaigns';
import { answerSurvey, openSurvey } from '../../../services/surveys/responses';
import { AnswerSeal } from '../../../services/surveys/seal';
import type { Campaign } from '../../../services/surveys/model';
import { person } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';
const seal = AnswerSeal.random();
const STAFF = 5_000;

/**
 * Every Back, Next and Submit of a questionnaire card checks that the campaign asked the person
 * (and, anonymous, reads the labels their answer carries). For a council of 5,000 that is six
 * audience chunks: the press must read the one that holds the person, not all of them.
 */
describe(`a questionnaire page press in a campaign to ${STAFF.toLocaleString('en-GB')} staff`, () => {
  const meter = new RequestMeter();
  let store: Store;
  let campaign: Campaign;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const staff = (i: number) => person({ id: `s${i}`, name: `Staff ${i}`, department: `Dept ${i % 40}`, jobTitle: 'Officer' });
  const calls = async (work: () => Promise<unknown>) => {
    const before = meter.requests;
    const ru = meter.totalRu;
    await work();
    if (process.env.SHOW_STORE_COSTS) process.stdout.write(`page press: ${meter.requests - before} calls, ${Math.round((meter.totalRu - ru) * 10) / 10} RU\n`);
    return meter.requests - before;
  };

  beforeAll(async () => {
    store = await openTestStore({ meter });
    const people = store.collection<Person>('people');
    const hr = person({ id: 'hr', name: 'Simon Howick', roles: ['hr'] });
    await people.upsert(hr);
    for (let i = 0; i < STAFF; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => people.upsert(staff(i + j))));
    campaign = await createCampaign(
      { store, clock, calendar: new WorkingCalendar() },
      { actor: hr, timeZone: TZ, data: { questionnaire: 'awareness', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-11' } },
    );
  }, 300_000);
  afterAll(() => store.close());

  it('everyone asked is in exactly one audience chunk', async () => {
    const asked = await audienceOf(store, campaign);
    expect(asked).toHaveLength(STAFF + 1);
    expect(new Set(asked).size).toBe(STAFF + 1);
  });

  it('opening the card, Next and Submit each cost a handful of store calls, not one per audience chunk', async () => {
    const who = staff(4321);
    let answerKey = '';
    expect(
      await calls(
        async () =>
          (answerKey = ((await openSurvey({ store, clock, seal }, { actor: who, timeZone: TZ, campaignId: campaign.id })) as { answerKey: string }).answerKey),
      ),
    ).toBeLessThanOrEqual(4);
    const raw = { 'know-how-to-report': 'yes', 'aware-of-procedures': 'yes', confidence: 'very', 'know-dso-name': 'yes', 'last-trained': 'within-12-months' };
    const press = (move: 'next' | 'submit') =>
      answerSurvey(
        { store, clock, seal },
        { actor: who, timeZone: TZ, data: { campaignId: campaign.id, page: 0, move, carried: JSON.stringify(raw), answerKey } },
      );
    expect(await calls(() => press('next'))).toBeLessThanOrEqual(4);
    let saved: unknown;
    const submitCalls = await calls(async () => (saved = await press('submit')));
    expect(saved).toMatchObject({ kind: 'saved' });
    // The sealed waiting set's own reads and writes (answer-pool.ts) come on top of the one audience read.
    expect(submitCalls).toBeLessThanOrEqual(8);
  });

  it('someone the campaign did not ask is still refused', async () => {
    await expect(
      openSurvey({ store, clock, seal }, { actor: person({ id: 'newcomer', name: 'New Starter' }), timeZone: TZ, campaignId: campaign.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
