import { FixedClock } from '../../../services/core/clock';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { toArray, type Store } from '../../../services/store/ports';
import { createCampaign } from '../../../services/surveys/campaigns';
import type { AnswerEntry, Campaign, SurveyDoc } from '../../../services/surveys/model';
import { answersOf, putInShards } from '../../../services/surveys/answer-pool';
import { addQuestionnaire } from '../../../services/surveys/questionnaires';
import { AnswerSeal } from '../../../services/surveys/seal';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { surveyAnswering } from '../../harness/surveys';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar();
const seal = AnswerSeal.random();
const sent = new FixedClock('2026-11-23T09:00:00Z');
const HR = person({ id: 'hr', name: 'Simon Howick', roles: ['hr'], department: 'HR', jobTitle: 'HR Adviser' });
const { submit, closeAll } = surveyAnswering({ seal, clock: sent, timeZone: TZ, calendar });

/** Five questions of 1,000 characters each: the longest written answers a questionnaire may ask for. */
const REFLECTION = {
  key: 'reflection',
  version: 1,
  title: 'Reflections on the review',
  questions: Array.from({ length: 5 }, (_, i) => ({ type: 'text', id: `q${i}`, text: `Reflection ${i + 1}`, maxLength: 1000 })),
};
/** A full answer in text that takes three bytes a character (UTF-8), so each set is about 15 KB. */
const fullAnswers = (i: number) => Object.fromEntries(REFLECTION.questions.map((q) => [q.id, `${i}€${'€'.repeat(996)}`.slice(0, 1000)]));
const bytes = (doc: unknown) => Buffer.byteLength(JSON.stringify(doc), 'utf8');
const SHARD_LIMIT = 1.5 * 1024 * 1024;

/**
 * When an invitation goes to everyone at once, answers arrive together. The sealed set of waiting
 * anonymous answers once grew past Cosmos DB's 2 MB at about 90 long answers, and every answerer
 * then saw "store unreachable"; shards, capped at 250 answers by count, could pass 2 MB too.
 */
describe('a burst of long anonymous answers', () => {
  let store: Store;
  let campaign: Campaign;
  const staff: Person[] = Array.from({ length: 100 }, (_, i) =>
    person({ id: `s-${i}`, name: `Staff ${i}`, department: `Dept ${i % 4}`, jobTitle: 'Social Worker' }),
  );

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, { people: [HR, ...staff] });
    await addQuestionnaire(store, sent, ORG, REFLECTION);
    campaign = await createCampaign(
      { store, clock: sent, calendar },
      {
        actor: HR,
        timeZone: TZ,
        data: { questionnaire: 'reflection', audience: { type: 'role', jobTitle: 'Social Worker' }, anonymous: true, closesOn: '2026-12-04' },
      },
    );
  });
  afterAll(() => store.close());

  it('100 answers arriving together are all stored, none refused as too large, and all are counted once the campaign closes', async () => {
    const outcomes = await Promise.allSettled(staff.map((p, i) => submit(store, p, campaign.id, fullAnswers(i))));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
    expect(refused).toEqual([]);

    const docs = await toArray(store.collection<SurveyDoc>('surveys').readAll());
    for (const d of docs) expect({ id: d.id, small: bytes(d) <= 2 * 1024 * 1024 }).toEqual({ id: d.id, small: true });
    expect(docs.filter((d) => d.kind === 'responded')).toHaveLength(staff.length);

    await closeAll(store, '2026-12-07T09:00:00Z');
    const pooled = await answersOf(store, campaign);
    expect(pooled).toHaveLength(staff.length);
    const shards = (await toArray(store.collection<SurveyDoc>('surveys').readAll())).filter((d) => d.kind === 'answers');
    for (const s of shards) expect(bytes(s)).toBeLessThanOrEqual(SHARD_LIMIT);
  }, 300_000);

  it('pooling 300 long answers spreads them over shards each within 1.5 MB, by bytes not by count', async () => {
    const other = { ...campaign, id: `${campaign.id}-bulk` };
    const entry = (i: number): AnswerEntry => ({
      key: `key:${String(i).padStart(64, '0')}`,
      answers: fullAnswers(i),
      department: 'Dept 0',
      jobTitle: 'Social Worker',
    });
    for (let i = 0; i < 300; i += 60)
      await putInShards(
        store,
        other,
        Array.from({ length: 60 }, (_, j) => entry(i + j)),
      );
    expect(await answersOf(store, other)).toHaveLength(300);
    const shards = (await toArray(store.collection<SurveyDoc>('surveys').readAll())).filter((d) => d.kind === 'answers' && d.campaignId === other.id);
    // More than two shards' worth of bytes: capped by count alone (250 a shard) they would fit in two, each over the limit.
    const total = shards.reduce((n, s) => n + bytes(s), 0);
    expect(total).toBeGreaterThan(2 * SHARD_LIMIT);
    expect(shards.length).toBeGreaterThanOrEqual(Math.max(3, Math.ceil(total / SHARD_LIMIT)));
    for (const s of shards) expect(bytes(s)).toBeLessThanOrEqual(SHARD_LIMIT);
  }, 120_000);
});
