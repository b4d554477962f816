import { appEvents } from '../harness/partnership';
import '../../bot/modules';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../services/core/clock';
import { addAgency } from '../../services/organisation/agencies';
import { readTable } from '../../services/core/tabular';
import { cli } from '../harness/cli';
import { person, seed } from '../harness/fixtures';
import { openPersistentTestStore } from '../harness/store';

/** The command line's `s11` area against a data folder: standards sets, a round, its status and its export. */
describe('npm run cli -- s11', () => {
  let work: string;
  let dataDir: string;
  const fixture = (name: string) => path.join(__dirname, '../fixtures/section11', name);
  // The command line runs on the real clock: a closing date some weeks from whenever this runs.
  const closes = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 's11-cli-'));
    dataDir = path.join(work, 'data');
    const { store } = await openPersistentTestStore(dataDir);
    const clock = new FixedClock(new Date());
    await addAgency(store, clock, 'demo', { name: 'Council' }, { timeZone: 'Europe/London' }, appEvents());
    await addAgency(store, clock, 'demo', { name: 'Police' }, { timeZone: 'Europe/London' }, appEvents());
    await addAgency(store, clock, 'demo', { name: 'Health' }, { timeZone: 'Europe/London' }, appEvents());
    await seed(store, {
      people: [
        person({ id: 'cl', orgId: 'demo', name: 'Cal Council', agency: 'council', roles: ['s11-lead'] }),
        person({ id: 'psl', orgId: 'demo', name: 'Pat Police', agency: 'police', roles: ['safeguarding-lead'] }),
      ],
    });
    await store.close();
  });
  afterAll(() => fs.rm(work, { recursive: true, force: true }));

  it('lists the built-in sets, adds the partnership’s own, and refuses a broken file whole, every problem named', async () => {
    expect((await cli(dataDir, 's11', 'standards', 'list')).out).toMatch(
      /classic v1: .*8 standards, Red\/Amber\/Green, built in[\s\S]*wt2023 v1: .*7 standards, Outstanding to Inadequate, built in/,
    );
    expect((await cli(dataDir, 's11', 'standards', 'add', fixture('partnership-set.yaml'))).out).toContain(
      'Added schools-2026 v1: Schools safeguarding audit 2026, 2 standards.',
    );
    const refused = await cli(dataDir, 's11', 'standards', 'add', fixture('broken-set.yaml')).catch((e: Error) => e);
    expect(String(refused)).toMatch(
      /broken-set\.yaml is refused, nothing was added\. 6 problems: key: .*; version: .*; title: .*; scale: must be one of rag, graded; standards\.0\.prompts: .*; standards\.1\.id: repeats the id "one"/,
    );
    expect((await cli(dataDir, 's11', 'standards', 'list')).out).not.toContain('Broken');
  });

  it('starts a round for named agencies, says who has not started, and exports one row per agency and standard', async () => {
    const started = await cli(
      dataDir,
      's11',
      'start',
      '--standards',
      'wt2023',
      '--closes',
      closes,
      '--agency',
      'council',
      '--agency',
      'police',
      '--no-deliver',
    );
    expect(started.out).toMatch(/Started Section 11 round s11-round-\S+: 2 agencies asked for a return against wt2023 v1/);
    const status = await cli(dataDir, 's11', 'status');
    expect(status.out).toMatch(/Council\s+not started\s+0\s+Cal Council/);
    expect(status.out).toMatch(/Police\s+not started\s+0\s+Pat Police/);
    expect(status.out).not.toContain('Health');
    const out = path.join(work, 's11.csv');
    await cli(dataDir, 's11', 'report', '--out', out);
    const table = await readTable(out);
    expect(table.headers).toEqual(['Agency', 'Standard', 'Rating', 'State', 'Actions raised']);
    expect(table.rows).toHaveLength(14);
    expect(table.rows[0]!.cells).toEqual({
      Agency: 'Council',
      Standard: 'A senior board-level lead with responsibility for safeguarding',
      Rating: '',
      State: 'not started',
      'Actions raised': '',
    });
  });
});
