import { appEvents } from '../../harness/partnership';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { FixedClock } from '../../../services/core/clock';
import { addAgency, agencySlug, isTenantAllowed, listAgencies, setAgency } from '../../../services/organisation/agencies';
import type { Organisation } from '../../../services/organisation/model';
import type { Store } from '../../../services/store/ports';
import { cli } from '../../harness/cli';
import { ORG } from '../../harness/fixtures';
import { openPersistentTestStore, openTestStore } from '../../harness/store';
import type { Person } from '../../../services/people/model';

const COUNCIL_TENANT = '11111111-1111-4111-8111-111111111111';
const POLICE_TENANT = '22222222-2222-4222-8222-222222222222';
const STRANGER_TENANT = '99999999-9999-4999-8999-999999999999';
const defaults = { timeZone: 'Europe/London' };

describe('the partnership’s agencies', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-22T10:00:00Z');
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('an agency’s id is a slug of its name', () => {
    expect(agencySlug('Thames Valley Police')).toBe('thames-valley-police');
    expect(agencySlug('St Mary’s Hospital NHS Trust')).toBe('st-marys-hospital-nhs-trust');
    expect(agencySlug('  Oxfordshire   County Council ')).toBe('oxfordshire-county-council');
    expect(agencySlug('Médecins & Co.')).toBe('medecins-co');
  });

  it('the first agency added leads the partnership; tenants are stored lower-case and listed by name', async () => {
    const council = await addAgency(
      store,
      clock,
      ORG,
      { name: 'Oxfordshire County Council', tenantIds: [COUNCIL_TENANT.toUpperCase()] },
      defaults,
      appEvents(),
    );
    const police = await addAgency(store, clock, ORG, { name: 'Thames Valley Police', tenantIds: [POLICE_TENANT] }, defaults, appEvents());
    expect(council).toMatchObject({ lead: true, agency: { agencyId: 'oxfordshire-county-council', tenantIds: [COUNCIL_TENANT] } });
    expect(police.lead).toBe(false);
    const org = await store.collection<Organisation>('organisations').read(ORG, ORG);
    expect(org).toMatchObject({ leadAgencyId: 'oxfordshire-county-council' });
    expect((await listAgencies(store, ORG)).map((a) => a.agencyId)).toEqual(['oxfordshire-county-council', 'thames-valley-police']);
  });

  it('when the first agency is added, everyone already in the directory, and their training records, join it', async () => {
    await store.collection<Person>('people').upsert({ id: 'val', orgId: ORG, name: 'Val', roles: ['admin'], active: true });
    await store.collection<Person>('people').upsert({ id: 'pat', orgId: ORG, name: 'Pat', roles: [], active: true, agency: 'police' });
    await store.collection('training').upsert({
      id: 'r1',
      orgId: ORG,
      kind: 'record',
      personId: 'val',
      courseCode: 'SG-AWARE',
      status: 'completed',
      source: 'import',
      createdAt: '2026-01-01T00:00:00Z',
    } as never);
    await addAgency(store, clock, ORG, { name: 'Council' }, defaults, appEvents());
    await addAgency(store, clock, ORG, { name: 'Health' }, defaults, appEvents());
    expect(await store.collection<Person>('people').read(ORG, 'val')).toMatchObject({ agency: 'council', roles: ['admin'] });
    expect(await store.collection<Person>('people').read(ORG, 'pat')).toMatchObject({ agency: 'police' });
    expect(await store.collection('training').read(ORG, 'r1')).toMatchObject({ agency: 'council' });
  });

  it('refuses a tenant that is not a GUID, a tenant another agency has, and a second agency of the same name', async () => {
    await expect(addAgency(store, clock, ORG, { name: 'Police', tenantIds: ['contoso.onmicrosoft.com'] }, defaults, appEvents())).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/contoso.*not an Entra tenant id/),
    });
    await addAgency(store, clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, defaults, appEvents());
    await expect(addAgency(store, clock, ORG, { name: 'Health', tenantIds: [POLICE_TENANT] }, defaults, appEvents())).rejects.toMatchObject({
      code: 'TENANT_TAKEN',
      message: expect.stringMatching(/"Police"/),
    });
    await expect(addAgency(store, clock, ORG, { name: 'POLICE' }, defaults, appEvents())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(addAgency(store, clock, ORG, { name: '' }, defaults, appEvents())).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(setAgency(store, clock, ORG, 'nobody', { name: 'X' }, defaults)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('agency set renames, moves tenants and the lead, keeping the id people hold', async () => {
    await addAgency(store, clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, defaults, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, defaults, appEvents());
    const police = await setAgency(store, clock, ORG, 'police', { name: 'Thames Valley Police', addTenantIds: [POLICE_TENANT], lead: true }, defaults);
    expect(police).toMatchObject({ agencyId: 'police', name: 'Thames Valley Police', tenantIds: [POLICE_TENANT] });
    expect(await store.collection<Organisation>('organisations').read(ORG, ORG)).toMatchObject({ leadAgencyId: 'police' });
    const council = await setAgency(store, clock, ORG, 'council', { removeTenantIds: [COUNCIL_TENANT] }, defaults);
    expect(council.tenantIds).toEqual([]);
  });

  it('a request’s tenant is allowed if configured or an agency’s, and with nothing set only while no agency names a tenant', async () => {
    expect(await isTenantAllowed(store, ORG, [], STRANGER_TENANT)).toBe(true); // local mode, as before agencies
    await addAgency(store, clock, ORG, { name: 'Guests Only' }, defaults, appEvents());
    expect(await isTenantAllowed(store, ORG, [], STRANGER_TENANT)).toBe(true);
    await addAgency(store, clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, defaults, appEvents());
    expect(await isTenantAllowed(store, ORG, [], POLICE_TENANT.toUpperCase())).toBe(true);
    expect(await isTenantAllowed(store, ORG, [], STRANGER_TENANT)).toBe(false);
    expect(await isTenantAllowed(store, ORG, [], undefined)).toBe(false);
    expect(await isTenantAllowed(store, ORG, [COUNCIL_TENANT], COUNCIL_TENANT)).toBe(true);
    expect(await isTenantAllowed(store, ORG, [COUNCIL_TENANT], STRANGER_TENANT)).toBe(false);
    // Another partnership's agency does not open this one.
    expect(await isTenantAllowed(store, 'other-org', [COUNCIL_TENANT], POLICE_TENANT)).toBe(false);
  });
});

describe('npm run cli -- agency add | list | set', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cli-agency-')), 'data');
  });

  it('adds agencies with their tenants, lists them, and changes one', async () => {
    const added = await cli(dataDir, 'agency', 'add', 'Oxfordshire County Council', '--tenant', COUNCIL_TENANT);
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toMatch(/Added the agency "Oxfordshire County Council" with the id oxfordshire-county-council, tenants 11111111/);
    expect(added.out).toMatch(/lead agency/);
    expect((await cli(dataDir, 'agency', 'add', 'Thames', 'Valley', 'Police', '--tenant', POLICE_TENANT)).out).toMatch(/id thames-valley-police/);
    expect((await cli(dataDir, 'agency', 'add', 'Home-Start')).out).toMatch(/no tenant/);
    const set = await cli(dataDir, 'agency', 'set', 'thames-valley-police', '--name', 'TVP', '--remove-tenant', POLICE_TENANT, '--tenant', STRANGER_TENANT);
    expect(set.out).toMatch(/"TVP", tenants 99999999/);
    const list = await cli(dataDir, 'agency', 'list');
    expect(list.out.trim().split('\n')).toEqual([
      'home-start  Home-Start  tenants: none (guests or email only)',
      `oxfordshire-county-council  Oxfordshire County Council  (lead agency)  tenants: ${COUNCIL_TENANT}`,
      `thames-valley-police  TVP  tenants: ${STRANGER_TENANT}`,
    ]);
  });

  it('partnership report writes a workbook for the board paper, one sheet per section; a person who is not the partnership’s is refused', async () => {
    await cli(dataDir, 'agency', 'add', 'Council');
    const out = path.join(path.dirname(dataDir), 'board.xlsx');
    const written = await cli(dataDir, 'partnership', 'report', '--out', out, '--at', '2026-11-22');
    expect(written.out).toMatch(
      /^Plan RAG by priority; Plan RAG by agency; Training by agency; Escalations by agency and stage; Questionnaires by agency: wrote \d+ rows/,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Plan RAG by priority',
      'Plan RAG by agency',
      'Training by agency',
      'Escalations by agency and stage',
      'Questionnaires by agency',
    ]);
    expect(workbook.worksheets[2]!.getRow(1).values).toEqual([
      undefined,
      'Agency',
      'Required',
      'Within validity',
      '% within validity',
      'Within 12 months',
      '% within 12 months',
    ]);
    expect((await fs.stat(out)).mode & 0o777).toBe(0o600);
    await expect(cli(dataDir, 'partnership', 'report', '--as', 'nobody@example.org')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('training overdue: the operator may name any agency; HR acting with --as sees their own and is refused another’s', async () => {
    await cli(dataDir, 'agency', 'add', 'Council');
    await cli(dataDir, 'agency', 'add', 'Police');
    const work = path.dirname(dataDir);
    const file = (name: string, rows: string[][]) => {
      const target = path.join(work, name);
      return fs.writeFile(target, ['Employee Number,Full Name,Work Email,Department,Job Title', ...rows.map((r) => r.join(','))].join('\n')).then(() => target);
    };
    await fs.writeFile(path.join(work, 'setup.json'), JSON.stringify({ requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] }));
    await cli(dataDir, 'training', 'setup', path.join(work, 'setup.json'));
    expect(
      (
        await cli(
          dataDir,
          'people',
          'import',
          await file('council.csv', [['1', 'Cara Council', 'cara@council.example', 'Children', 'HR']]),
          '--agency',
          'council',
        )
      ).out,
    ).toMatch(/created 1/);
    expect(
      (await cli(dataDir, 'people', 'import', await file('police.csv', [['1', 'Paul Police', 'paul@police.example', 'PPU', 'HR']]), '--agency', 'police')).out,
    ).toMatch(/created 1/);
    const { store } = await openPersistentTestStore(dataDir);
    try {
      await store.collection<Person>('people').update('demo', 'emp-police-1', (p) => ({ ...p, roles: ['hr'] }));
    } finally {
      await store.close();
    }
    const operator = await cli(dataDir, 'training', 'overdue', '--agency', 'council');
    expect(operator.out).toContain('Cara Council');
    expect(operator.out).not.toContain('Paul Police');
    const own = await cli(dataDir, 'training', 'overdue', '--as', 'paul@police.example');
    expect(own.out).toContain('Paul Police');
    expect(own.out).not.toContain('Cara Council');
    await expect(cli(dataDir, 'training', 'overdue', '--as', 'paul@police.example', '--agency', 'council')).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
    await expect(cli(dataDir, 'training', 'report', '--as', 'paul@police.example', '--agency', 'council')).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
    // HR of the police importing into the council through --agency is refused too.
    await expect(
      cli(
        dataDir,
        'people',
        'import',
        await file('sneak.csv', [['2', 'Sneaky', 'x@police.example', 'Children', 'HR']]),
        '--as',
        'paul@police.example',
        '--agency',
        'council',
      ),
    ).rejects.toMatchObject({ code: 'OUTSIDE_AGENCY' });
  });

  it('says clearly what is wrong, and refuses options the command does not take', async () => {
    await expect(cli(dataDir, 'agency', 'add', 'Police', '--tenant', 'not-a-guid')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/not-a-guid.*not an Entra tenant id/),
    });
    await expect(cli(dataDir, 'agency', 'add')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/Give the agency’s name/) });
    await expect(cli(dataDir, 'agency', 'set', 'police', '--lead', '--as', 'x@y')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/Unknown option '--as'/),
    });
    await expect(cli(dataDir, 'agency', 'set', 'police', '--name', 'P')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
