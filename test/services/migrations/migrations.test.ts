import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { listAgencies } from '../../../services/organisation/agencies';
import type { Organisation } from '../../../services/organisation/model';
import type { Person } from '../../../services/people/model';
import type { TrainingRecord } from '../../../services/training/model';
import { readSnapshot, takeSnapshot } from '../../../services/store/snapshot';
import type { Store } from '../../../services/store/ports';
import { loadConfig } from '../../../services/core/config';
import { silentLogger } from '../../../services/core/logger';
import type { UpdateRound } from '../../../services/rounds/model';
import { openRounds } from '../../../services/rounds/rounds';
import { migrate, openMigratedStore } from '../../../services/migrations/migrations';
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
    const reopened = await openMigratedStore(loadConfig({ DATA_DIR: dataDir, COSMOS_DATABASE: 'test', LOG_LEVEL: 'silent' }), silentLogger);
    try {
      expect((await openRounds(reopened, ORG)).map((r) => r.id)).toEqual(['round-2026-11-20-cccc']);
    } finally {
      await reopened.close();
    }
  });
});

describe('a single organisation becomes a partnership', () => {
  const org = { id: ORG, orgId: ORG, name: 'Oxfordshire County Council', timeZone: 'Europe/London', createdAt: '2025-01-01T00:00:00Z' };
  const people: Person[] = [
    { id: 'val', orgId: ORG, name: 'Val Johnson', roles: ['admin'], active: true, department: 'Children' },
    { id: 'tim', orgId: ORG, name: 'Tim Sadler', roles: ['hr'], active: true, managerId: 'val' },
    { id: 'pc', orgId: ORG, name: 'Pat Constable', roles: ['safeguarding-lead'], active: true, agency: 'Thames Valley Police' },
  ];
  const record = (id: string, personId: string): TrainingRecord => ({
    id,
    orgId: ORG,
    kind: 'record',
    personId,
    courseCode: 'SG-AWARE',
    completedOn: '2026-01-10',
    status: 'completed',
    source: 'import',
    createdAt: '2026-01-10T00:00:00Z',
  });

  async function seedOld(store: Store) {
    await store.collection<Organisation>('organisations').upsert(org);
    for (const p of people) await store.collection<Person>('people').upsert(p);
    for (const r of [record('r1', 'val'), record('r2', 'pc'), record('r3', 'gone')]) await store.collection<TrainingRecord>('training').upsert(r);
    await store
      .collection('training')
      .upsert({ id: 'course-sg-aware', orgId: ORG, kind: 'course', code: 'SG-AWARE', name: 'Awareness', validityMonths: 36 } as never);
  }

  it('gives everyone and every training record an agency, the organisation a lead agency, loses nothing, and runs once', async () => {
    const store = await openTestStore();
    try {
      await seedOld(store);
      const before = await takeSnapshot(store, 'test');
      const result = await migrate(store, silentLogger);
      expect(result['partnership-agencies']).toBeGreaterThan(0);

      expect(await store.collection<Organisation>('organisations').read(ORG, ORG)).toMatchObject({ ...org, leadAgencyId: 'oxfordshire-county-council' });
      expect((await listAgencies(store, ORG)).map((a) => ({ id: a.agencyId, name: a.name, tenants: a.tenantIds }))).toEqual([
        { id: 'oxfordshire-county-council', name: 'Oxfordshire County Council', tenants: [] },
        { id: 'thames-valley-police', name: 'Thames Valley Police', tenants: [] },
      ]);
      const after = await toArray(store.collection<Person>('people').readAll());
      // Every field kept; only the agency is set (a partner named in free text keeps its own agency).
      for (const p of people) {
        const stored = after.find((a) => a.id === p.id)!;
        expect(stored).toMatchObject({ ...p, agency: p.id === 'pc' ? 'thames-valley-police' : 'oxfordshire-county-council' });
      }
      const records = await toArray(store.collection<TrainingRecord>('training').readAll());
      expect(Object.fromEntries(records.filter((r) => r.kind === 'record').map((r) => [r.id, r.agency]))).toEqual({
        r1: 'oxfordshire-county-council',
        r2: 'thames-valley-police',
        r3: 'oxfordshire-county-council',
      });
      // Each person's training summary is rebuilt with their agency.
      expect(Object.fromEntries(records.filter((r) => (r.kind as string) === 'summary').map((r) => [r.personId, r.agency]))).toEqual({
        val: 'oxfordshire-county-council',
        pc: 'thames-valley-police',
        gone: 'oxfordshire-county-council',
      });
      // Nothing removed: every document from before is still there.
      const now = await takeSnapshot(store, 'test');
      for (const [name, docs] of Object.entries(before.containers)) {
        const ids = new Set(now.containers[name as keyof typeof now.containers].map((d) => d.id));
        expect(docs.filter((d) => !ids.has(d.id))).toEqual([]);
      }

      expect(await migrate(store, silentLogger)).toEqual({});
    } finally {
      await store.close();
    }
  });

  it('when the app opens an older data folder, backs it up first, and the backup holds the organisation as it was', async () => {
    const { store, dataDir } = await openPersistentTestStore();
    await seedOld(store);
    await store.close();
    const config = loadConfig({ DATA_DIR: dataDir, COSMOS_DATABASE: 'test', LOG_LEVEL: 'silent' });
    const reopened = await openMigratedStore(config, silentLogger);
    try {
      expect(await reopened.collection<Person>('people').read(ORG, 'tim')).toMatchObject({ agency: 'oxfordshire-county-council' });
    } finally {
      await reopened.close();
    }
    const backups = (await readdir(path.join(dataDir, 'backups'))).filter((f) => f.endsWith('-before-partnership-agencies.json'));
    expect(backups).toHaveLength(1);
    expect((await stat(path.join(dataDir, 'backups', backups[0]!))).mode & 0o777).toBe(0o600);
    const backup = (await readSnapshot(path.join(dataDir, 'backups', backups[0]!)))!;
    expect(backup.containers.people.find((p) => p.id === 'tim')).not.toHaveProperty('agency');
    expect(backup.containers.organisations).toEqual([org]);

    // A second start finds nothing to do and backs nothing up.
    const again = await openMigratedStore(config, silentLogger);
    await again.close();
    expect((await readdir(path.join(dataDir, 'backups'))).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('leaves an organisation that already has agencies, and one with nobody in it, alone', async () => {
    const store = await openTestStore();
    try {
      await store.collection<Organisation>('organisations').upsert({ ...org, id: 'empty', orgId: 'empty' });
      await store.collection<Organisation>('organisations').upsert({ ...org, leadAgencyId: 'council' });
      await store.collection<Person>('people').upsert(people[0]!);
      // Only Val's administrator role gets its source recorded ("from earlier"); her agency is left alone.
      expect(await migrate(store, silentLogger)).toEqual({ 'role-sources': 1 });
      expect(await store.collection<Person>('people').read(ORG, 'val')).not.toHaveProperty('agency');
    } finally {
      await store.close();
    }
  });
});
