import { FixedClock } from '../../../services/core/clock';
import { setLeave } from '../../../services/people/leave';
import type { Person } from '../../../services/people/model';
import { setNotifyBy } from '../../../services/people/notify';
import { Directory } from '../../../services/people/repository';
import type { Table } from '../../../services/core/tabular';
import type { Store } from '../../../services/store/ports';
import { importPeople } from '../../../services/training/import';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore, withChangeBeforeFirstWrite } from '../../harness/store';

const TZ = 'Europe/London';
const clock = new FixedClock('2026-11-23T09:00:00Z');

const hrFile = (rows: Record<string, string>[]): Table => ({ headers: Object.keys(rows[0]!), rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })) });

/**
 * An HR import of 20,000 people runs for minutes on Azure. It read the directory at its start;
 * writing its stale copy back reverted whatever anyone changed meanwhile. The README promises
 * "never silently overwritten".
 */
describe('people writes never overwrite a change made at the same time', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
    await seed(store, {
      people: [
        person({ id: 'emp-100', name: 'Val Johnson', employeeId: '100', department: 'Children', email: 'val@example.gov.uk' }),
        person({ id: 'emp-200', name: 'Tim Sadler', employeeId: '200', department: 'Children' }),
      ],
    });
  });
  afterEach(() => store.close());

  it('leave with a delegate, set while an HR import runs, is kept; the import’s own changes land too', async () => {
    const file = hrFile([
      { 'Employee Number': '100', 'Full Name': 'Val Johnson', Department: 'Early Help' },
      { 'Employee Number': '200', 'Full Name': 'Tim Sadler', Department: 'Children' },
    ]);
    const during = withChangeBeforeFirstWrite(store, 'people', async () => {
      const val = (await new Directory(store).get(ORG, 'emp-100'))!;
      await setLeave({ store, clock }, { actor: val, until: '2026-12-31', delegate: 'Tim Sadler', timeZone: TZ });
    });

    await importPeople({ store: during, clock }, { orgId: ORG, table: file, dryRun: false });

    const val = (await new Directory(store).get(ORG, 'emp-100'))!;
    expect(val.leave).toEqual({ until: '2026-12-31', delegateId: 'emp-200' });
    expect(val.department).toBe('Early Help');
  });

  it('a notify-by choice made from a card read before an import keeps the import’s department', async () => {
    const stale = (await new Directory(store).get(ORG, 'emp-100'))!;
    await importPeople(
      { store, clock },
      { orgId: ORG, table: hrFile([{ 'Employee Number': '100', 'Full Name': 'Val Johnson', Department: 'Early Help' }]), dryRun: false },
    );

    await setNotifyBy(new Directory(store), stale, 'both', { emailEnabled: true });

    const val = (await new Directory(store).get(ORG, 'emp-100')) as Person;
    expect(val).toMatchObject({ notifyBy: 'both', department: 'Early Help' });
  });
});
