import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../harness/cli';

/*
 * The command line a council's IT uses on day one: import HR's file, the first administrator comes
 * from the setting, HR is granted, a group is mapped; bad requests are refused with the reason.
 */
describe('npm run cli -- people role / people roles / roles map', () => {
  let dataDir: string;
  let work: string;
  const ADMIN_OID = '00000000-0000-4000-8000-0000000000a1';
  const GROUP = '9a1e0000-0000-4000-8000-0000000000c1';
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'roles-cli-'));
    dataDir = path.join(work, 'data');
    await fs.writeFile(
      path.join(work, 'people.csv'),
      [
        'Employee Number,Full Name,Work Email,Department,Job Title,Entra Object Id',
        `A1,Ada Admin,ada@council.example,Policy,Policy Officer,${ADMIN_OID}`,
        'H1,Hana HR,hana@council.example,HR,HR Adviser,',
      ].join('\n'),
    );
  });
  afterAll(() => fs.rm(work, { recursive: true, force: true }));

  it('the import brings in the bootstrap administrator, who grants HR and maps a group', async () => {
    process.env.BOOTSTRAP_ADMIN_OBJECT_IDS = ADMIN_OID;
    try {
      const imported = await cli(dataDir, 'people', 'import', path.join(work, 'people.csv'));
      expect(imported.out).toMatch(/Ada Admin \(emp-A1\) is a partnership administrator \(BOOTSTRAP_ADMIN_OBJECT_IDS\)/);
    } finally {
      delete process.env.BOOTSTRAP_ADMIN_OBJECT_IDS;
    }
    expect((await cli(dataDir, 'people', 'role', 'grant', 'hana@council.example', 'hr', '--as', 'ada@council.example')).out).toBe(
      'Hana HR (emp-H1) now holds hr.\n',
    );
    expect((await cli(dataDir, 'people', 'role', 'grant', 'hana@council.example', 'hr', '--as', 'ada@council.example')).out).toMatch(
      /already held hr directly: nothing changed/,
    );
    expect((await cli(dataDir, 'roles', 'map', GROUP, 'safeguarding-lead', '--as', 'ada@council.example')).out).toMatch(
      /is mapped to safeguarding-lead in demo\. Its members get the role at the next roles run/,
    );
    await cli(dataDir, 'people', 'roles', '--out', path.join(work, 'roles.csv'));
    const roles = { out: await fs.readFile(path.join(work, 'roles.csv'), 'utf8') };
    expect(roles.out).toMatch(/Ada Admin,ada@council.example,demo,admin,"?BOOTSTRAP_ADMIN_OBJECT_IDS, on /);
    expect(roles.out).toMatch(/Hana HR,hana@council.example,demo,hr,"?granted by Ada Admin on /);
    await cli(dataDir, 'roles', 'maps', '--out', path.join(work, 'maps.csv'));
    expect(await fs.readFile(path.join(work, 'maps.csv'), 'utf8')).toContain(`${GROUP},safeguarding-lead,demo`);
  });

  it('refuses an unknown role, a group id that is not a GUID, someone not in the directory, and a non-administrator', async () => {
    await expect(cli(dataDir, 'people', 'role', 'grant', 'hana@council.example', 'boss')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: /"boss" is not a role\. The roles are: admin, hr, safeguarding-lead/,
    });
    await expect(cli(dataDir, 'roles', 'map', 'hr-team', 'hr')).rejects.toMatchObject({ code: 'VALIDATION', message: /not an Entra group object id/ });
    await expect(cli(dataDir, 'people', 'role', 'grant', 'who@council.example', 'hr')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cli(dataDir, 'people', 'role', 'grant', 'ada@council.example', 'hr', '--as', 'hana@council.example')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(cli(dataDir, 'people', 'role', 'revoke', 'ada@council.example', 'admin')).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: /last administrator/,
    });
    await expect(cli(dataDir, 'people', 'role', 'grant', 'hana@council.example')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: /Usage: npm run cli -- people role grant/,
    });
  });
});
