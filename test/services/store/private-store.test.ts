import { CosmosClient } from '@azure/cosmos';
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../../services/core/paths';
import { demoPlanPath } from '../../../services/demo/seed-demo';
import { embeddedClient } from '../../../services/store/embedded';
import { cli } from '../../harness/cli';
import { openPersistentTestStore } from '../../harness/store';
import { childEnv } from '../../harness/child-env';

const modeOf = async (file: string) => (await fs.stat(file)).mode & 0o777;
type Lock = { pid: number; endpoint: string; key: string };
/** A Cosmos master-key signature, written out from the REST documentation. */
function signed(key: string, method: string, type: string, link: string, date: Date): Record<string, string> {
  const text = `${method.toLowerCase()}\n${type}\n${link}\n${date.toUTCString().toLowerCase()}\n\n`;
  const sig = createHmac('sha256', Buffer.from(key, 'base64')).update(text).digest('base64');
  return {
    authorization: encodeURIComponent(`type=master&ver=1.0&sig=${sig}`),
    'x-ms-date': date.toUTCString(),
    'x-ms-version': '2020-07-15',
    'x-ms-documentdb-partitionkey': '["demo"]',
  };
}
const readLock = async (dataDir: string) => JSON.parse(await fs.readFile(path.join(dataDir, 'embedded.lock'), 'utf8')) as Lock;

describe('files at rest are private to the user running the app, whatever the umask', () => {
  let work: string;
  let savedUmask: number;
  beforeAll(() => {
    // The most permissive umask: every mode below must come from the code, not the environment.
    savedUmask = process.umask(0o000);
  });
  afterAll(() => process.umask(savedUmask));
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'private-'));
  });

  it('the data folder is 0700, and its lock file and snapshot 0600', async () => {
    const dataDir = path.join(work, 'data');
    const { store } = await openPersistentTestStore(dataDir);
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(path.join(dataDir, 'embedded.lock'))).toBe(0o600);
    await store.collection('organisations').upsert({ id: 'demo', orgId: 'demo' });
    await store.close(); // saves the snapshot
    expect(await modeOf(path.join(dataDir, 'snapshot.json'))).toBe(0o600);
  });

  it('a data folder and snapshot left readable by an older version are made private on the next run', async () => {
    const dataDir = path.join(work, 'old');
    await fs.mkdir(dataDir, { mode: 0o755 });
    const first = await openPersistentTestStore(dataDir);
    await first.store.collection('organisations').upsert({ id: 'demo', orgId: 'demo' });
    await first.store.close();
    await fs.chmod(dataDir, 0o755);
    await fs.chmod(path.join(dataDir, 'snapshot.json'), 0o644);
    await fs.writeFile(path.join(dataDir, `.snapshot.json.${process.pid}.tmp`), 'left by a crash', { mode: 0o666 });

    const second = await openPersistentTestStore(dataDir);
    expect(await modeOf(dataDir)).toBe(0o700);
    await second.store.collection('organisations').upsert({ id: 'other', orgId: 'other' });
    await second.store.close();
    expect(await modeOf(path.join(dataDir, 'snapshot.json'))).toBe(0o600);
  });

  it('backups: a new backup folder is 0700 and the backup file 0600', async () => {
    const dataDir = path.join(work, 'data');
    await cli(dataDir, 'plan', 'import', demoPlanPath());
    const backups = path.join(work, 'backups', 'nightly');
    await cli(dataDir, 'backup', backups);
    expect(await modeOf(backups)).toBe(0o700);
    expect(await modeOf(path.join(work, 'backups'))).toBe(0o700);
    const [file] = await fs.readdir(backups);
    expect(await modeOf(path.join(backups, file!))).toBe(0o600);
  });

  it.each(['plan.csv', 'plan.xlsx'])('exports (--out and plan export) are 0600: %s', async (name) => {
    const dataDir = path.join(work, 'data');
    await cli(dataDir, 'plan', 'import', demoPlanPath());
    const planFile = path.join(work, name);
    await cli(dataDir, 'plan', 'export', planFile);
    expect(await modeOf(planFile)).toBe(0o600);
    const review = path.join(work, `review-${name}`);
    await cli(dataDir, 'escalations', 'report', '--from', '2026-07-01', '--to', '2026-09-30', '--out', review);
    expect(await modeOf(review)).toBe(0o600);
  });
});

describe('the embedded store needs its per-run key', () => {
  let dataDir: string;
  let opened: Awaited<ReturnType<typeof openPersistentTestStore>>;
  let lock: Lock;
  beforeAll(async () => {
    opened = await openPersistentTestStore();
    dataDir = opened.dataDir;
    lock = await readLock(dataDir);
    await opened.store.collection('organisations').upsert({ id: 'demo', orgId: 'demo', name: 'Oxford City Council' } as never);
  });
  afterAll(() => opened.store.close());

  it('listens on loopback only, and the key is random for each run', async () => {
    expect(new URL(lock.endpoint).hostname).toBe('127.0.0.1');
    expect(Buffer.from(lock.key, 'base64').length).toBeGreaterThanOrEqual(32);
    const other = await openPersistentTestStore();
    try {
      expect((await readLock(other.dataDir)).key).not.toBe(lock.key);
    } finally {
      await other.store.close();
    }
  });

  it('a request with no key is refused with 401 and reveals nothing', async () => {
    for (const route of ['/', '/dbs', '/dbs/test/colls/organisations/docs/demo']) {
      const res = await fetch(`${lock.endpoint}${route}`);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toMatch(/Oxford/);
    }
    const query = await fetch(`${lock.endpoint}/dbs/test/colls/organisations/docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/query+json', 'x-ms-documentdb-isquery': 'true' },
      body: JSON.stringify({ query: 'SELECT * FROM c' }),
    });
    expect(query.status).toBe(401);
  });

  it('a client with another key (such as the old fixed placeholder) is refused', async () => {
    const placeholder = Buffer.from('embedded-local-store').toString('base64');
    const client = embeddedClient(lock.endpoint, placeholder);
    try {
      await expect(client.database('test').container('organisations').item('demo', 'demo').read()).rejects.toMatchObject({ code: 401 });
    } finally {
      client.dispose();
    }
  });

  it('a request signed with the right key but dated an hour ago (a replay) is refused', async () => {
    const url = `${lock.endpoint}/dbs/test/colls/organisations/docs/demo`;
    const link = 'dbs/test/colls/organisations/docs/demo';
    expect((await fetch(url, { headers: signed(lock.key, 'GET', 'docs', link, new Date(Date.now() - 3600_000)) })).status).toBe(401);
    expect((await fetch(url, { headers: signed(lock.key, 'GET', 'docs', link, new Date()) })).status).toBe(200);
  });

  it('the CLI, another process, reads the key from the private lock file and reaches the running store', async () => {
    const root = projectRoot();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--disable-warning=DEP0111', path.join(root, 'dist', 'bot', 'cli', 'index.js'), 'org', 'show', '--org', 'demo'],
      {
        cwd: root,
        env: childEnv({ DATA_DIR: dataDir, COSMOS_DATABASE: 'test', LOG_LEVEL: 'silent' }),
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ name: 'Oxford City Council' });
  });

  it('ids with spaces and accents are signed and checked the same way on both sides', async () => {
    const client = new CosmosClient({ endpoint: lock.endpoint, key: lock.key, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      const container = client.database('test').container('organisations');
      for (const id of ['a b', 'café', "o'brien", '100%', 'x+y=z']) {
        await container.items.upsert({ id, orgId: 'odd' });
        expect((await container.item(id, 'odd').read()).resource).toMatchObject({ id });
      }
    } finally {
      client.dispose();
    }
  });
});
