import { refreshTrainingSummaries } from '../../../services/training/summaries';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { setUpTraining } from '../../../services/training/catalogue';
import type { TrainingRecord } from '../../../services/training/model';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const completed = (personId: string, completedOn: string): TrainingRecord => ({
  id: `rec-${personId}-${completedOn}`,
  orgId: ORG,
  kind: 'record',
  personId,
  courseCode: 'SG-AWARE',
  completedOn,
  status: 'completed',
  source: 'import',
  createdAt: '2026-11-01T00:00:00.000Z',
});

/*
 * Awareness is required of everyone and lasts 36 months. On Monday 30 November 2026 (ISO week 49)
 * "expiring" means expiring on or before 30 December:
 *   Ann  completed 30 Dec 2023 → expires 30 Dec 2026: expiring     (reports to Maria)
 *   Ben  completed 31 Dec 2023 → expires 31 Dec 2026: not yet      (reports to Nina)
 *   Cal  completed 30 Nov 2023 → expired 30 Nov 2026               (reports to Maria)
 *   Eve  never completed it: required                              (reports to Maria)
 *   Dee  expired, but has left: nothing                            (reported to Maria)
 *   Maria and Nina completed it in January 2026.
 */
describe('training reminders and manager digests', () => {
  let store: Store;
  const calendar = new WorkingCalendar();
  const run = async (at: string) => {
    const clock = new FixedClock(at);
    return runJob('training-reminders', {
      store,
      clock,
      orgId: ORG,
      organisation: await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' }),
      calendar,
      logger: silentLogger,
    });
  };
  const sent = async (prefix: string) =>
    (await deliveryStatus(store, ORG, { idPrefix: prefix })).items
      .map((i) => ({ id: i.id, to: i.recipient, text: (i.message as { text: string }).text }))
      .sort((a, b) => a.id.localeCompare(b.id));

  beforeAll(async () => {
    store = await openTestStore();
    await setUpTraining(store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
    await seed(store, {
      people: [
        person({ id: 'maria', name: 'Maria', jobTitle: 'Team Manager', roles: ['manager'] }),
        person({ id: 'nina', name: 'Nina', jobTitle: 'Team Manager', roles: ['manager'] }),
        person({ id: 'ann', name: 'Ann', jobTitle: 'Officer', managerId: 'maria' }),
        person({ id: 'ben', name: 'Ben', jobTitle: 'Officer', managerId: 'nina' }),
        person({ id: 'cal', name: 'Cal', jobTitle: 'Officer', managerId: 'maria' }),
        person({ id: 'eve', name: 'Eve', jobTitle: 'Officer', managerId: 'maria' }),
        person({ id: 'dee', name: 'Dee', jobTitle: 'Officer', managerId: 'maria', active: false }),
      ],
    });
    const training = store.collection<TrainingRecord>('training');
    for (const r of [
      completed('maria', '2026-01-12'),
      completed('nina', '2026-01-12'),
      completed('ann', '2023-12-30'),
      completed('ben', '2023-12-31'),
      completed('cal', '2023-11-30'),
      completed('dee', '2023-01-05'),
    ])
      await training.upsert(r);
    await refreshTrainingSummaries(store, ORG, ['maria', 'nina', 'ann', 'ben', 'cal', 'dee']);
  });
  afterAll(() => store.close());

  it('on the first working day of the week, each person with expired, expiring or missing training gets one note, and their manager one digest', async () => {
    expect(await run('2026-11-30T09:15:00Z')).toMatchObject({ day: '2026-11-30', week: '2026-W49', reminders: 3, managerDigests: 1 });
    expect(await sent('training-2026-W49-')).toEqual([
      { id: 'training-2026-W49-ann', to: { personId: 'ann' }, text: expect.stringMatching(/^Safeguarding awareness: expires 2026-12-30\./) },
      { id: 'training-2026-W49-cal', to: { personId: 'cal' }, text: expect.stringMatching(/^Safeguarding awareness: expired 2026-11-30\./) },
      { id: 'training-2026-W49-eve', to: { personId: 'eve' }, text: expect.stringMatching(/^Safeguarding awareness: not yet done\./) },
    ]);
    // Maria's digest lists her three current reports, not Dee who has left; Nina has nothing to hear.
    expect(await sent('training-manager-2026-W49-')).toEqual([
      {
        id: 'training-manager-2026-W49-maria',
        to: { personId: 'maria' },
        text: 'Ann: Safeguarding awareness: expires 2026-12-30\nCal: Safeguarding awareness: expired 2026-11-30\nEve: Safeguarding awareness: not yet done',
      },
    ]);
  });

  it('runs later the same day or the same week send nothing more', async () => {
    expect(await run('2026-11-30T15:00:00Z')).toMatchObject({ reminders: 0, managerDigests: 0 });
    expect(await run('2026-12-01T09:15:00Z')).toMatchObject({ skipped: 'not the first working day of the week' });
    expect(await run('2026-12-04T09:15:00Z')).toMatchObject({ skipped: 'not the first working day of the week' });
    expect((await sent('training-')).length).toBe(4);
  });

  it('the next week the 30-day window has moved on, and completed training drops out', async () => {
    await store.collection<TrainingRecord>('training').upsert(completed('ann', '2026-12-02'));
    await refreshTrainingSummaries(store, ORG, ['ann']);
    // On 7 December the window reaches 6 January, so Ben's 31 December expiry now counts.
    expect(await run('2026-12-07T09:15:00Z')).toMatchObject({ week: '2026-W50', reminders: 3, managerDigests: 2 });
    expect((await sent('training-2026-W50-')).map((s) => s.id)).toEqual(['training-2026-W50-ben', 'training-2026-W50-cal', 'training-2026-W50-eve']);
    expect((await sent('training-manager-2026-W50-')).map((s) => [s.id, s.text.split('\n').length])).toEqual([
      ['training-manager-2026-W50-maria', 2],
      ['training-manager-2026-W50-nina', 1],
    ]);
  });

  it('when Monday is a bank holiday, Tuesday is the day', async () => {
    // Monday 3 May 2027 is the Early May bank holiday.
    expect(await run('2027-05-03T09:15:00Z')).toMatchObject({ skipped: expect.stringMatching(/not a working day/) });
    expect(await run('2027-05-04T09:15:00Z')).toMatchObject({ day: '2027-05-04', week: '2027-W18', reminders: 3 });
    expect(await run('2027-05-05T09:15:00Z')).toMatchObject({ skipped: 'not the first working day of the week' });
  });
});
