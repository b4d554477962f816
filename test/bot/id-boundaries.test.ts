import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoPlanPath } from '../../services/demo/seed-demo';
import { cli } from '../harness/cli';

/**
 * Text an administrator types that becomes part of a stored id is checked where it comes in, with
 * the reason: an id Cosmos DB cannot address would make items nobody can read, send or delete.
 */
describe('ids typed at the command line are checked where they come in', () => {
  let work: string;
  let dataDir: string;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-ids-'));
    dataDir = path.join(work, 'data');
  });

  it('org set refuses a ladder channel key that is a pasted channel link, and says what a key looks like', async () => {
    const settings = path.join(work, 'ladder.json');
    const link = 'https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General?groupId=1&tenantId=2';
    await fs.writeFile(
      settings,
      JSON.stringify({ escalationLadder: [{ name: 'Leads', respondWithinWorkingDays: 2, roles: ['safeguarding-lead'], channelKeys: [link] }] }),
    );
    const refused = await cli(dataDir, 'org', 'set', settings).catch((e: unknown) => e as Error & { code?: string });
    expect(refused).toMatchObject({ code: 'VALIDATION' });
    expect((refused as Error).message).toMatch(/escalationLadder\.0\.channelKeys\.0: .*channel-/);

    await fs.writeFile(
      settings,
      JSON.stringify({
        escalationLadder: [{ name: 'Leads', respondWithinWorkingDays: 2, roles: ['safeguarding-lead'], channelKeys: ['channel-19:abc@thread.tacv2'] }],
      }),
    );
    expect((await cli(dataDir, 'org', 'set', settings)).out).toMatch(/Updated the settings/);
  });

  it('plan import refuses a --plan that is not a short plain name, before reading the file', async () => {
    for (const bad of ['2026/27', 'plan?x', 'a#b', 'x'.repeat(65)]) {
      const refused = await cli(dataDir, 'plan', 'import', demoPlanPath(), '--plan', bad).catch((e: unknown) => e as Error & { code?: string });
      expect(refused).toMatchObject({ code: 'VALIDATION' });
      expect((refused as Error).message).toMatch(/--plan/);
    }
    expect((await cli(dataDir, 'plan', 'import', demoPlanPath(), '--plan', 'plan-2026-27', '--dry-run')).code).toBe(0);
  });
});
