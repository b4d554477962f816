import { loadConfig } from '../../../services/core/config';
import { silentLogger } from '../../../services/core/logger';
import type { UpdateRound } from '../../../services/rounds/model';
import { openRounds } from '../../../services/rounds/rounds';
import { migrate } from '../../../services/store/migrations';
import { openStore } from '../../../services/store/open-store';
import { toArray } from '../../../services/store/ports';
import { openPersistentTestStore, openTestStore } from '../../harness/store';
import { ORG } from '../../harness/fixtures';

/** A round as the app stored it before rounds had a container of their own. */
const oldRound = (id: string, status: UpdateRound['status']): UpdateRound => ({
  id,
  orgId: ORG,
  kind: 'update-round',
  dueBy: '2026-12-15',
  startedAt: '2026-11-20T09:00:00Z',
  startedBy: { personId: 'admin', name: 'Ada Admin' },
  status,
  leads: [{ personId: 'val', name: 'Val', actionIds: ['a1'] }],
  summaryVersion: 1,
});

describe('migrations', () => {
  it('update rounds stored among the scheduler’s slots move to their own container, once, and open rounds are found again', async () => {
    const store = await openTestStore();
    try {
      const jobs = store.collection<{ id: string; orgId: string; kind: string }>('jobs');
      await jobs.upsert(oldRound('round-2026-11-20-aaaa', 'open'));
      await jobs.upsert(oldRound('round-2026-08-01-bbbb', 'closed'));
      await jobs.upsert({ id: 'slot-daily-reminders:2026-11-20T09:00:00.000Z', orgId: ORG, kind: 'job-slot' });
      expect(await openRounds(store, ORG)).toEqual([]);

      expect(await migrate(store, silentLogger)).toEqual({ 'rounds-own-container': 2 });
      expect((await openRounds(store, ORG)).map((r) => r.id)).toEqual(['round-2026-11-20-aaaa']);
      expect((await toArray(jobs.readAll())).map((d) => d.kind)).toEqual(['job-slot']);
      const moved = await store.collection<UpdateRound>('rounds').read(ORG, 'round-2026-08-01-bbbb');
      expect(moved).toMatchObject({ status: 'closed', leads: [{ personId: 'val', actionIds: ['a1'] }] });

      expect(await migrate(store, silentLogger)).toEqual({});
    } finally {
      await store.close();
    }
  });

  it('run when the app opens its data folder', async () => {
    const { store, dataDir } = await openPersistentTestStore();
    await store.collection<UpdateRound>('jobs').upsert(oldRound('round-2026-11-20-cccc', 'open'));
    await store.close();
    const reopened = await openStore(loadConfig({ DATA_DIR: dataDir, COSMOS_DATABASE: 'test', LOG_LEVEL: 'silent' }), silentLogger);
    try {
      expect((await openRounds(reopened, ORG)).map((r) => r.id)).toEqual(['round-2026-11-20-cccc']);
    } finally {
      await reopened.close();
    }
  });
});
