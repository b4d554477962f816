import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { Directory } from '../../../services/people/repository';
import type { Person } from '../../../services/people/model';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Table } from '../../../services/core/tabular';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import { runJob } from '../../../bot/jobs';
import type { Store } from '../../../services/store/ports';
import { loadTrainingFigures, setUpTraining } from '../../../services/training/catalogue';
import { importPeople, importTraining } from '../../../services/training/import';
import { completionRates, myTraining } from '../../../services/training/rates';
import { selfReport } from '../../../services/training/self-report';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const clock = new FixedClock('2026-11-23T12:00:00Z');
const table = (headers: string[], rows: string[][]): Table => ({
  headers,
  rows: rows.map((r, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? ''])) })),
});
const PEOPLE = ['Employee Number', 'Full Name', 'Work Email', 'Department', 'Job Title', 'Manager Employee Number', 'Status'];
const TRAINING = ['Employee Number', 'Course', 'Completion Date', 'Status'];

describe('HR changes and bookings as the files say them', () => {
  let store: Store;
  const person = async (id: string) => (await store.collection<Person>('people').read(ORG, id))!;
  const data = async () => loadTrainingFigures(store, { orgId: ORG }, await new Directory(store).all({ orgId: ORG }), '2026-11-23');

  beforeAll(async () => {
    store = await openTestStore();
    await setUpTraining(store, ORG, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
    await importPeople(
      { store, clock },
      {
        orgId: ORG,
        table: table(PEOPLE, [
          ['1', 'Bea Boss', 'bea@council.example', 'Housing', 'Team Manager', '', 'Active'],
          ['2', 'Will Walker', 'will@council.example', 'Housing', 'Housing Officer', '1', 'Active'],
        ]),
        dryRun: false,
      },
    );
  });
  afterAll(() => store.close());

  it('a field emptied in the HR file is emptied in the directory; a blank department is no department', async () => {
    // Linked when Will first opened the app: that link is the app's, and a blank cell keeps it.
    await store.collection<Person>('people').update(ORG, 'emp-2', (p) => ({ ...p, aadObjectId: 'aad-will' }));
    const report = await importPeople(
      { store, clock },
      {
        orgId: ORG,
        table: table(
          [...PEOPLE, 'Entra Object ID'],
          [
            ['1', 'Bea Boss', 'bea@council.example', 'Housing', 'Team Manager', '', 'Active'],
            ['2', 'Will Walker', '', '', '', '', 'Active'],
          ],
        ),
        dryRun: false,
      },
    );
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 1, problems: [] });
    const will = await person('emp-2');
    expect([will.email, will.department, will.jobTitle, will.managerId]).toEqual([undefined, undefined, undefined, undefined]);
    expect(will.aadObjectId).toBe('aad-will');
    expect(completionRates(await data(), '2026-11-23', 'department').map((r) => [r.group, r.required])).toEqual([
      ['(none)', 1],
      ['Housing', 1],
      ['All', 2],
    ]);
  });

  it('a booking may carry a future course date, and a cancelled booking is no longer a booking', async () => {
    const report = await importTraining(
      { store, clock },
      {
        orgId: ORG,
        table: table(TRAINING, [
          ['1', 'SG-AWARE', '2027-01-15', 'Booked'],
          ['2', 'SG-AWARE', '2027-01-15', 'Booked'],
        ]),
        dryRun: false,
      },
    );
    expect(report).toMatchObject({ created: 2, problems: [] });
    await importTraining({ store, clock }, { orgId: ORG, table: table(TRAINING, [['2', 'SG-AWARE', '15/01/2027', 'Cancelled']]), dryRun: false });
    const d = await data();
    expect(myTraining(d, await person('emp-1'), '2026-11-23').map((c) => c.state)).toEqual(['booked']);
    expect(myTraining(d, await person('emp-2'), '2026-11-23').map((c) => c.state)).toEqual(['required']);
  });

  it('a self-report on a day that does not exist is refused', async () => {
    await expect(
      selfReport({ store, clock }, { actor: await person('emp-2'), timeZone: 'Europe/London', data: { courseCode: 'SG-AWARE', completedOn: '2026-02-30' } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [{ field: 'completedOn', message: 'That date does not exist.' }],
    });
  });

  it('no digest goes to a manager who has left or is not in the directory', async () => {
    await importPeople(
      { store, clock },
      {
        orgId: ORG,
        table: table(PEOPLE, [
          ['1', 'Bea Boss', 'bea@council.example', 'Housing', 'Team Manager', '', 'Leaver'],
          ['2', 'Will Walker', 'will@council.example', 'Housing', 'Housing Officer', '1', 'Active'],
        ]),
        dryRun: false,
      },
    );
    await store.collection<Person>('people').upsert({ id: 'emp-3', orgId: ORG, name: 'Orphan', roles: ['officer'], active: true, managerId: 'emp-404' });
    const at = new FixedClock('2026-11-23T09:15:00Z');
    const result = await runJob('training-reminders', {
      store,
      clock: at,
      orgId: ORG,
      organisation: await ensureOrganisation(store, at, ORG, { timeZone: 'Europe/London' }),
      calendar: new WorkingCalendar(),
      logger: silentLogger,
    });
    expect(result).toMatchObject({ reminders: 2, managerDigests: 0 });
    expect((await deliveryStatus(store, ORG, { idPrefix: 'training-manager-' })).items).toEqual([]);
  });
});
