import { isAppError } from '../../../services/core/errors';
import { toArray, type Store } from '../../../services/store/ports';
import { openPersistentTestStore, openTestStore } from '../../harness/store';
import { openMigratedStore } from '../../../services/migrations/migrations';
import { loadConfig } from '../../../services/core/config';
import { silentLogger } from '../../../services/core/logger';

type Note = { id: string; orgId: string; text: string; n: number };

describe('Cosmos store on the embedded server over HTTP', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('creates, reads, replaces, upserts and deletes a document', async () => {
    const notes = store.collection<Note>('people');
    const created = await notes.create({ id: 'a', orgId: 'org-1', text: 'first', n: 1 });
    expect(created._etag).toBeTruthy();
    expect((await notes.read('org-1', 'a'))?.text).toBe('first');
    const replaced = await notes.replace({ ...created, text: 'second' });
    expect(replaced.text).toBe('second');
    await notes.upsert({ id: 'a', orgId: 'org-1', text: 'third', n: 3 });
    expect((await notes.read('org-1', 'a'))?.n).toBe(3);
    await notes.delete('org-1', 'a');
    expect(await notes.read('org-1', 'a')).toBeUndefined();
  });

  it('refuses to create the same id twice', async () => {
    const notes = store.collection<Note>('people');
    await notes.create({ id: 'dup', orgId: 'org-1', text: 'x', n: 0 });
    await expect(notes.create({ id: 'dup', orgId: 'org-1', text: 'y', n: 0 })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('a write from a stale etag is a CONFLICT and does not overwrite', async () => {
    const notes = store.collection<Note>('people');
    const original = await notes.create({ id: 'stale', orgId: 'org-1', text: 'v1', n: 1 });
    await notes.replace({ ...original, text: 'v2 by someone else' });
    const err = await notes.replace({ ...original, text: 'v2 from stale copy' }).catch((e: unknown) => e);
    expect(isAppError(err, 'CONFLICT')).toBe(true);
    expect((await notes.read('org-1', 'stale'))?.text).toBe('v2 by someone else');
  });

  it('update() re-reads and re-applies after a concurrent change', async () => {
    const notes = store.collection<Note>('people');
    await notes.create({ id: 'counter', orgId: 'org-1', text: '', n: 0 });
    await Promise.all(Array.from({ length: 6 }, () => notes.update('org-1', 'counter', (c) => ({ ...c, n: c.n + 1 }))));
    expect((await notes.read('org-1', 'counter'))?.n).toBe(6);
  });

  it('a query stays inside one organisation while another has data', async () => {
    const notes = store.collection<Note>('actions');
    await notes.create({ id: 'x1', orgId: 'org-a', text: 'mine', n: 1 });
    await notes.create({ id: 'x2', orgId: 'org-b', text: 'theirs', n: 1 });
    const found = await toArray(
      notes.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.n = @n',
        parameters: [
          { name: '@orgId', value: 'org-a' },
          { name: '@n', value: 1 },
        ],
      }),
    );
    expect(found.map((d) => d.id)).toEqual(['x1']);
    expect(await notes.read('org-a', 'x2')).toBeUndefined();
  });

  it('refuses a query that does not filter on the organisation', async () => {
    const notes = store.collection<Note>('actions');
    await expect(toArray(notes.query({ query: 'SELECT * FROM c', parameters: [] }))).rejects.toThrow(/not scoped to one organisation/);
  });

  it('pages through results with continuation tokens', async () => {
    const notes = store.collection<Note>('conversations');
    for (let i = 0; i < 25; i++) await notes.create({ id: `p${i}`, orgId: 'org-p', text: '', n: i });
    const spec = { query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: 'org-p' }] };
    const first = await notes.queryPage(spec, { pageSize: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.continuation).toBeTruthy();
    expect(await toArray(notes.query(spec))).toHaveLength(25);
  });
});

describe('embedded store persistence', () => {
  it('data survives a restart: snapshot at shutdown, restored at start', async () => {
    const first = await openPersistentTestStore();
    await first.store.collection<Note>('plans').create({ id: 'plan-1', orgId: 'org-1', text: 'kept', n: 7 });
    await first.store.close();

    const second = await openPersistentTestStore(first.dataDir);
    try {
      expect(await second.store.collection<Note>('plans').read('org-1', 'plan-1')).toMatchObject({ text: 'kept', n: 7 });
    } finally {
      await second.store.close();
    }
  });

  it('a second opener of the same data folder reaches the running server instead of loading a copy', async () => {
    const running = await openPersistentTestStore();
    // Same process id would be treated as ours: pretend the lock belongs to another live process.
    const { promises: fs } = await import('node:fs');
    const path = await import('node:path');
    const lockFile = path.join(running.dataDir, 'embedded.lock');
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8'));
    await fs.writeFile(lockFile, JSON.stringify({ ...lock, pid: process.ppid }));
    const attached = await openPersistentTestStore(running.dataDir);
    try {
      expect(attached.store.description).toMatch(/embedded store of process/);
      await attached.store.collection<Note>('plans').create({ id: 'from-cli', orgId: 'org-1', text: 'cli', n: 1 });
      expect(await running.store.collection<Note>('plans').read('org-1', 'from-cli')).toBeDefined();
    } finally {
      await attached.store.close();
      await fs.writeFile(lockFile, JSON.stringify(lock));
      await running.store.close();
    }
  });

  it('the command line borrows a running app’s store as it is: the app set it up and migrated it when it started', async () => {
    const running = await openPersistentTestStore();
    const { promises: fs } = await import('node:fs');
    const path = await import('node:path');
    const lockFile = path.join(running.dataDir, 'embedded.lock');
    const lock = JSON.parse(await fs.readFile(lockFile, 'utf8'));
    await fs.writeFile(lockFile, JSON.stringify({ ...lock, pid: process.ppid }));
    // Something the start-up migrations would convert (and back up first) if the command line ran them.
    await running.store
      .collection<{ id: string; orgId: string } & Record<string, unknown>>('organisations')
      .create({ id: 'org-1', orgId: 'org-1', name: 'Old shape', timeZone: 'Europe/London', createdAt: '2026-01-01T00:00:00Z' });
    await running.store
      .collection<{ id: string; orgId: string } & Record<string, unknown>>('people')
      .create({ id: 'p-1', orgId: 'org-1', name: 'Pat', roles: [], active: true });
    const config = loadConfig({ DATA_DIR: running.dataDir, COSMOS_DATABASE: 'test', LOG_LEVEL: 'silent' });
    const borrowed = await openMigratedStore(config, silentLogger);
    try {
      expect(borrowed.attachedToRunningApp).toBe(true);
      expect(await borrowed.collection<{ id: string; orgId: string; leadAgencyId?: string }>('organisations').read('org-1', 'org-1')).not.toHaveProperty(
        'leadAgencyId',
      );
      await expect(fs.readdir(path.join(running.dataDir, 'backups'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await borrowed.close();
      await fs.writeFile(lockFile, JSON.stringify(lock));
      await running.store.close();
    }
  });
});
