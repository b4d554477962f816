import { FixedClock } from '../../services/core/clock';
import type { Person } from '../../services/people/model';
import { answerSurvey, openSurvey } from '../../services/surveys/responses';
import { AnswerSeal } from '../../services/surveys/seal';
import { cli } from './cli';
import { openPersistentTestStore } from './store';

/*
 * A questionnaire sent from the command line against a data folder (the CLI's organisation,
 * "demo"): an HR adviser sends it to the housing department, whose officers answer it as the
 * card submits an answer. The CLI tests and the CSV export tests walk this same path.
 */

export const HR_ADVISER_EMAIL = 'simon.howick@example.gov.uk';

/** The HR adviser, and `officers` housing officers (h0, h1, …), written to the data folder's directory. */
export async function seedHousingDepartment(dataDir: string, officers: number): Promise<void> {
  const { store } = await openPersistentTestStore(dataDir);
  try {
    const people = store.collection<Person>('people');
    await people.upsert({ id: 'hr', orgId: 'demo', name: 'Simon Howick', email: HR_ADVISER_EMAIL, roles: ['hr'], active: true });
    for (let i = 0; i < officers; i++)
      await people.upsert({
        id: `h${i}`,
        orgId: 'demo',
        name: `Housing Officer ${i}`,
        department: 'Housing',
        jobTitle: 'Housing Officer',
        roles: ['officer'],
        active: true,
      });
  } finally {
    await store.close();
  }
}

/** `survey send <key>` to the housing department as the HR adviser; what it printed and the campaign's id. */
export async function sendToHousing(dataDir: string, key: string, closes: string, ...options: string[]): Promise<{ out: string; campaignId: string }> {
  const { out } = await cli(
    dataDir,
    'survey',
    'send',
    key,
    '--as',
    HR_ADVISER_EMAIL,
    '--audience',
    'department=housing',
    '--closes',
    closes,
    ...options,
    '--no-deliver',
  );
  const campaignId = out.match(/Sent (campaign-\S+) to/)?.[1];
  if (!campaignId) throw new Error(`survey send printed no campaign: ${out}`);
  return { out, campaignId };
}

/**
 * Housing officer h<i> submits the campaign's one page with `answers[i]` (its fields named
 * `q_<question id>`), as the card does. A named campaign seals nothing, so any seal will do; an
 * anonymous one needs the key the CLI will close it with.
 */
export async function answerAsHousingOfficers(
  dataDir: string,
  campaignId: string,
  answers: Record<string, string>[],
  seal = AnswerSeal.random(),
): Promise<void> {
  const { store } = await openPersistentTestStore(dataDir);
  try {
    const clock = new FixedClock(new Date());
    for (const [i, fields] of answers.entries()) {
      const actor = (await store.collection<Person>('people').read('demo', `h${i}`))!;
      const page = await openSurvey({ store, clock, seal }, { actor, timeZone: 'Europe/London', campaignId });
      if (page.kind !== 'page') throw new Error(`h${i} was not shown the questionnaire (${page.kind})`);
      const saved = await answerSurvey(
        { store, clock, seal },
        { actor, timeZone: 'Europe/London', data: { campaignId, page: 0, move: 'submit', answerKey: page.answerKey, ...fields } },
      );
      if (saved.kind !== 'saved') throw new Error(`h${i}'s answer was not saved (${saved.kind})`);
    }
  } finally {
    await store.close();
  }
}
