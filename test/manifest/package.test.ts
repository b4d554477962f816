import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { fillManifest, iconProblems, packageSettings, schemaProblems } from '../../manifest/package';
import { projectRoot } from '../../services/core/paths';

const run = promisify(execFile);
const ENV = {
  MicrosoftAppId: '7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40',
  TEAMS_APP_ID: '33333333-3333-4333-8333-333333333333',
  TAB_SSO_CLIENT_ID: '7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40',
  PUBLIC_HOSTNAME: 'tracker.example.gov.uk',
  APP_PRIVACY_URL: 'https://www.example.gov.uk/privacy',
  APP_TERMS_URL: 'https://www.example.gov.uk/terms',
};
const icon = (name: string) => readFile(path.join(projectRoot(), 'manifest', name));

describe('the Teams app package', () => {
  it('the filled manifest passes the official v1.22 schema, offline, with the bot, the tab and SSO', async () => {
    const manifest = await fillManifest(packageSettings(ENV), '0.1.0');
    expect(await schemaProblems(manifest)).toEqual([]);
    expect(manifest).toMatchObject({
      manifestVersion: '1.22',
      id: ENV.TEAMS_APP_ID,
      bots: [{ botId: ENV.MicrosoftAppId, scopes: ['personal', 'team'] }],
      staticTabs: [{ entityId: 'dashboard', contentUrl: 'https://tracker.example.gov.uk/tab/index.html', scopes: ['personal'] }, { entityId: 'conversations' }],
      validDomains: ['tracker.example.gov.uk'],
      webApplicationInfo: { id: ENV.TAB_SSO_CLIENT_ID, resource: `api://tracker.example.gov.uk/${ENV.TAB_SSO_CLIENT_ID}` },
    });
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
  });

  it.each([
    ['without an app id', (m: Record<string, any>) => delete m.id],
    ['with an accent colour that is not a hex colour', (m: Record<string, any>) => (m.accentColor = 'teal')],
    ['with a bot without its id', (m: Record<string, any>) => delete m.bots[0].botId],
    ['with eleven commands in a list', (m: Record<string, any>) => m.bots[0].commandLists[0].commands.push({ title: 'x', description: 'y' })],
    ['with a short name over 30 characters', (m: Record<string, any>) => (m.name.short = 'S'.repeat(31))],
  ])('the schema check is not blind: a manifest %s fails it', async (_what, spoil) => {
    const manifest = await fillManifest(packageSettings(ENV), '0.1.0');
    spoil(manifest);
    expect((await schemaProblems(manifest)).length).toBeGreaterThan(0);
  });

  it('icons: 192×192 colour, and a 32×32 outline that is white on transparent', async () => {
    const color = PNG.sync.read(await icon('color.png'));
    const outline = PNG.sync.read(await icon('outline.png'));
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
    expect(iconProblems(await icon('color.png'), await icon('outline.png'))).toEqual([]);
    // The checks catch the icons swapped.
    expect(iconProblems(await icon('outline.png'), await icon('color.png'))).toEqual(expect.arrayContaining([expect.stringMatching(/color\.png is 32×32/), expect.stringMatching(/outline\.png is 192×192/), 'outline.png must be white on a transparent background']));
  });

  it('missing or malformed settings are named, without values', () => {
    expect(() => packageSettings({ ...ENV, TEAMS_APP_ID: '', APP_TERMS_URL: 'http://insecure.example' })).toThrow(/TEAMS_APP_ID: is not set; APP_TERMS_URL: must be an https:\/\/ address/);
  });

  it('npm run package writes a zip with exactly the manifest and both icons at its root', async () => {
    const root = projectRoot();
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'package-')), 'app.zip');
    const { stdout } = await run(process.execPath, [path.join(root, 'dist', 'manifest', 'package.js'), '--out', out], { cwd: root, env: { ...process.env, ...ENV } });
    expect(stdout).toMatch(/Wrote .*app\.zip/);
    const zip = await JSZip.loadAsync(await readFile(out));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(await zip.file('manifest.json')!.async('string'))).toEqual(await fillManifest(packageSettings(ENV), JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).version));
    expect(await zip.file('color.png')!.async('nodebuffer')).toEqual(await icon('color.png'));
    // Without settings it stops with a message naming them, and no stack trace.
    const failed = await run(process.execPath, [path.join(root, 'dist', 'manifest', 'package.js'), '--out', out], { cwd: root, env: { PATH: process.env.PATH } }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/^CONFIG_INVALID: Cannot build the app package: MicrosoftAppId: is not set/) });
    expect((failed as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
