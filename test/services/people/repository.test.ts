import { Directory } from '../../../services/people/repository';
import { ActionPlan } from '../../../services/plan/repository';
import type { Store } from '../../../services/store/ports';
import { actionDoc, ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

describe('repositories read what their names say', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store, {
      people: [
        person({ id: 'val', name: 'Val Johnson', email: 'val@council.example', aadObjectId: 'aad-val' }),
        person({ id: 'pat', name: 'Pat Constable', email: 'pat@police.example', aadObjectId: 'aad-pat', agency: 'police' }),
        person({ id: 'nia', name: 'Nia Nurse', email: 'nia@health.example', agency: 'health' }),
        person({ id: 'other', name: 'Someone Elsewhere', orgId: 'other-org', agency: 'police' }),
      ],
      actions: [
        actionDoc({ id: 'due-soon', ref: 'LP1.1', nextDueDate: '2026-12-01' }),
        actionDoc({ id: 'overdue', ref: 'LP1.2', nextDueDate: '2026-11-01', status: 'A' }),
        actionDoc({ id: 'later', ref: 'LP1.3', nextDueDate: '2027-06-30', leadIds: ['pat'], status: 'R' }),
        actionDoc({
          id: 'ongoing',
          ref: 'LP1.4',
          nextDueDate: undefined,
          ongoing: true,
          due: { dates: [], ongoing: { cadence: 'quarterly' }, text: 'Ongoing' },
        }),
        actionDoc({ id: 'done', ref: 'LP1.5', nextDueDate: '2026-11-01', open: false, status: 'B' }),
        actionDoc({ id: 'elsewhere', orgId: 'other-org', nextDueDate: '2026-11-01' }),
      ],
    });
  });
  afterAll(() => store.close());

  const ids = (found: { id: string }[]) => found.map((f) => f.id).sort();

  it('the directory reads the whole organisation when no agency is given, and only that agency when one is', async () => {
    const directory = new Directory(store);
    expect(ids(await directory.all({ orgId: ORG }))).toEqual(['nia', 'pat', 'val']);
    expect(ids(await directory.all({ orgId: ORG, agency: 'police' }))).toEqual(['pat']);
    expect(await directory.byEmail({ orgId: ORG, agency: 'health' }, 'PAT@police.example')).toBeUndefined();
    expect((await directory.byEmail({ orgId: ORG, agency: 'police' }, ' PAT@police.example '))?.id).toBe('pat');
    expect((await directory.byAadObjectId({ orgId: ORG }, 'aad-val'))?.id).toBe('val');
    expect(await directory.byAadObjectId({ orgId: ORG, agency: 'police' }, 'aad-val')).toBeUndefined();
  });

  it('the action plan answers each question about open actions of one organisation only', async () => {
    const plan = new ActionPlan(store);
    expect(ids(await plan.openActions(ORG))).toEqual(['due-soon', 'later', 'ongoing', 'overdue']);
    expect(ids(await plan.openActionsDueBy(ORG, '2026-12-01'))).toEqual(['due-soon', 'overdue']);
    expect(ids(await plan.openActionsDueBefore(ORG, '2026-12-01'))).toEqual(['overdue']);
    expect(ids(await plan.openOngoingActions(ORG))).toEqual(['ongoing']);
    expect(ids(await plan.openActionsAtRisk(ORG))).toEqual(['later', 'overdue']);
    expect(ids(await plan.openActionsLedBy(ORG, 'pat'))).toEqual(['later']);
  });
});
