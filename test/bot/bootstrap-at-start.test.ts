import { startApp } from '../../bot/app';
import { FixedClock } from '../../services/core/clock';
import { loadConfig } from '../../services/core/config';
import { silentLogger } from '../../services/core/logger';
import type { Person } from '../../services/people/model';
import { testConfig } from '../harness/app';
import { ORG, person, seed } from '../harness/fixtures';
import { oid } from '../harness/partnership';
import { openTestStore } from '../harness/store';

/* The directory already holds the person the setting names (imported before the setting was given): the next start makes them an administrator. */
it('BOOTSTRAP_ADMIN_OBJECT_IDS makes an administrator at start-up of someone already in the directory', async () => {
  const store = await openTestStore();
  try {
    await seed(store, { people: [person({ id: 'ada', name: 'Ada', aadObjectId: oid(1) }), person({ id: 'bob', name: 'Bob', aadObjectId: oid(2) })] });
    const config = testConfig({ SEED_DEMO_DATA: 'false', BOOTSTRAP_ADMIN_OBJECT_IDS: oid(1).toUpperCase() });
    const app = await startApp({ config, logger: silentLogger, store, clock: new FixedClock('2026-11-23T09:00:00Z') });
    await app.close();
    expect(await store.collection<Person>('people').read(ORG, 'ada')).toMatchObject({
      roles: ['officer', 'admin'],
      roleGrants: [{ role: 'admin', source: { kind: 'bootstrap', at: '2026-11-23T09:00:00.000Z' } }],
    });
    expect((await store.collection<Person>('people').read(ORG, 'bob'))!.roles).toEqual(['officer']);
  } finally {
    await store.close();
  }
});

it('BOOTSTRAP_ADMIN_OBJECT_IDS refuses anything but object ids, naming the setting', () => {
  expect(() => loadConfig({ BOOTSTRAP_ADMIN_OBJECT_IDS: 'ada@council.example' })).toThrow(/BOOTSTRAP_ADMIN_OBJECT_IDS/);
});
