import { appEvents } from '../../harness/partnership';
import { runJob } from '../../../bot/jobs';
import { FixedClock } from '../../../services/core/clock';
import { silentLogger } from '../../../services/core/logger';
import { deliveryStatus } from '../../../services/delivery/outbox';
import { addAgency } from '../../../services/organisation/agencies';
import { ensureOrganisation } from '../../../services/organisation/organisations';
import type { Person } from '../../../services/people/model';
import type { Action } from '../../../services/plan/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { actionDoc, ORG, person } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const TZ = 'Europe/London';

/**
 * Leave cover is kept within the lead's agency when it is set. A cover recorded before that rule,
 * naming someone of another agency, must not carry the lead's reminders (the action's reference
 * and description) to that agency: the lead keeps getting them.
 */
describe('reminders for a lead on leave go only to a delegate of the lead’s own agency', () => {
  let store: Store;
  const clock = new FixedClock('2026-12-22T09:00:00Z'); // a Tuesday: the action below is due in 1 working day
  const recipients = async () =>
    (await deliveryStatus(store, ORG, { purpose: 'reminder' })).items.map((i) => ('personId' in i.recipient ? i.recipient.personId : '')).sort();
  const remind = async () =>
    runJob('daily-reminders', {
      store,
      clock,
      orgId: ORG,
      organisation: await ensureOrganisation(store, clock, ORG, { timeZone: TZ }),
      calendar: new WorkingCalendar(),
      logger: silentLogger,
    });

  beforeEach(async () => {
    store = await openTestStore();
    for (const name of ['Council', 'Police']) await addAgency(store, clock, ORG, { name }, { timeZone: TZ }, appEvents());
    const people = store.collection<Person>('people');
    await people.upsert(person({ id: 'cat', name: 'Cat Council-Lead', agency: 'council' }));
    await people.upsert(person({ id: 'col', name: 'Col Council-Colleague', agency: 'council' }));
    await people.upsert(person({ id: 'pete', name: 'Pete Police-Officer', agency: 'police' }));
    await store.collection<Action>('actions').upsert(
      actionDoc({
        id: 'council-action',
        ref: 'LP4.1',
        leadIds: ['cat'],
        leads: [{ name: 'Cat Council-Lead', personId: 'cat' }],
        due: { dates: ['2026-12-23'], ongoing: null, text: '23 December 2026' },
        nextDueDate: '2026-12-23',
      }),
    );
  });
  afterEach(() => store.close());

  it('a police officer left as the council lead’s cover from before the rule gets nothing; the lead is reminded', async () => {
    await store.collection<Person>('people').update(ORG, 'cat', (p) => ({ ...p, leave: { until: '2026-12-31', delegateId: 'pete' } }));
    await remind();
    expect(await recipients()).toEqual(['cat']);
  });

  it('a council colleague covering is reminded instead of the lead, as before', async () => {
    await store.collection<Person>('people').update(ORG, 'cat', (p) => ({ ...p, leave: { until: '2026-12-31', delegateId: 'col' } }));
    await remind();
    expect(await recipients()).toEqual(['col']);
  });
});
