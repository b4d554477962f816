import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { TEXT_COMMANDS, commandHelpCard, findCommand } from '../../bot/card-routes';
import type { TextCommand } from '../../services/kernel/route-context';
import { ACCENT, colorIcon, outlineIcon } from '../../manifest/icons';
import {
  MAX_MENU_COMMANDS,
  commandLists,
  fillManifest,
  iconProblems,
  manifestProblems,
  packageSettings,
  schemaProblems,
  teamsRuleProblems,
  type Manifest,
} from '../../manifest/package';
import { projectRoot } from '../../services/core/paths';

const run = promisify(execFile);
const root = projectRoot();
const script = path.join(root, 'dist', 'manifest', 'package.js');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string> };

/** A production-like environment; the SSO client id differs from the bot's so a mix-up shows. */
const ENV = {
  MicrosoftAppId: '7d3a9e41-2b6c-4f08-a1d5-9c8e7b6a5f40',
  MicrosoftAppPassword: 'example-not-a-secret',
  ALLOWED_TENANT_IDS: '11111111-1111-4111-8111-111111111111',
  TEAMS_APP_ID: '33333333-3333-4333-8333-333333333333',
  TAB_SSO_CLIENT_ID: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  PUBLIC_HOSTNAME: 'tracker.example.gov.uk',
  APP_WEBSITE_URL: 'https://www.example.gov.uk/safeguarding-action-tracker',
  APP_SUPPORT_URL: 'https://www.example.gov.uk/safeguarding-action-tracker/help',
  APP_PRIVACY_URL: 'https://www.example.gov.uk/privacy',
  APP_TERMS_URL: 'https://www.example.gov.uk/terms',
};
const filled = () => fillManifest(packageSettings(ENV), pkg.version);
const icon = (name: string) => readFile(path.join(root, 'manifest', name));
const pixels = (png: PNG) =>
  Array.from({ length: png.width * png.height }, (_, i) => [...png.data.subarray(i * 4, i * 4 + 4)] as [number, number, number, number]);

describe('the Teams app manifest', () => {
  it('filled from the settings, it passes the official v1.30 schema bundled with @microsoft/app-manifest, without the network', async () => {
    const realFetch = globalThis.fetch;
    const fetch = jest.fn(() => Promise.reject(new Error('no network while packaging')));
    globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
    let manifest: Manifest;
    try {
      manifest = await filled();
      expect(await manifestProblems(manifest)).toEqual([]);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetch).not.toHaveBeenCalled();
    expect(manifest).toMatchObject({
      $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json',
      manifestVersion: '1.30',
      version: pkg.version,
      id: ENV.TEAMS_APP_ID,
      accentColor: ACCENT,
      bots: [{ botId: ENV.MicrosoftAppId, scopes: ['personal', 'team'], supportsFiles: false }],
      validDomains: [ENV.PUBLIC_HOSTNAME],
      webApplicationInfo: { id: ENV.TAB_SSO_CLIENT_ID, resource: `api://tracker.example.gov.uk/${ENV.TAB_SSO_CLIENT_ID}` },
      icons: { color: 'color.png', outline: 'outline.png' },
    });
    expect(manifest.staticTabs).toEqual([
      { entityId: 'conversations', scopes: ['personal'] },
      { entityId: 'dashboard', name: 'Dashboard', contentUrl: 'https://tracker.example.gov.uk/tab/index.html', scopes: ['personal'] },
    ]);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    // Someone reading the app's details in Teams finds where to get help, and a page they can open without a Teams sign-in.
    expect(manifest.developer.websiteUrl).toBe(ENV.APP_WEBSITE_URL);
    expect(manifest.description.full).toMatch(/Help and support: https:\/\/www\.example\.gov\.uk\/safeguarding-action-tracker\/help$/);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{\w+\}\}/);
  });

  describe('command menus, filled from the routing table', () => {
    const menuOf = (manifest: Manifest, scope: 'personal' | 'team') => manifest.bots![0]!.commandLists!.find((l) => l.scopes.includes(scope))!.commands;
    const inMenu = TEXT_COMMANDS.filter((c) => c.menu !== undefined).sort((a, b) => a.menu! - b.menu!);

    it('the 1:1 menu is the table’s menu commands in their order, and the team menu only those that answer in a channel', async () => {
      const manifest = await filled();
      expect(menuOf(manifest, 'personal')).toEqual(inMenu.map((c) => ({ title: c.example, description: c.description })));
      expect(menuOf(manifest, 'team')).toEqual(inMenu.filter((c) => c.scope === 'anywhere').map((c) => ({ title: c.example, description: c.description })));
      expect(menuOf(manifest, 'team').map((c) => c.title)).toEqual(['help']);
      expect(menuOf(manifest, 'personal').map((c) => c.title)).toEqual(expect.arrayContaining(['my actions', 'action LP2.3', 'help']));
    });

    it('every menu entry is a command the router understands, with a description, and each menu stays within Teams’ limit', async () => {
      const manifest = await filled();
      for (const scope of ['personal', 'team'] as const) {
        const menu = menuOf(manifest, scope);
        expect(menu.length).toBeLessThanOrEqual(MAX_MENU_COMMANDS);
        for (const entry of menu) {
          expect(findCommand(entry.title)?.command.example).toBe(entry.title);
          expect(entry.description?.trim()).toBeTruthy();
        }
      }
    });

    it('a command added to the table, and only there, is routed, in the help card and in the menus of its scope', async () => {
      const added: TextCommand = {
        scope: 'anywhere',
        pattern: /^what'?s new$/i,
        example: "what's new",
        description: 'Changes in this version.',
        menu: 0,
        run: async () => commandHelpCard(),
      };
      const table = [...TEXT_COMMANDS, added];
      expect(findCommand("What's new", table)?.command).toBe(added);
      expect(JSON.stringify(commandHelpCard('', table))).toContain('Changes in this version. Works in a channel too.');
      const lists = commandLists(table)!;
      for (const list of lists) expect(list.commands[0]).toEqual({ title: "what's new", description: 'Changes in this version.' });
    });

    it('more menu commands than Teams shows in a scope are refused when packaging, naming the way out', async () => {
      const extra: TextCommand[] = Array.from({ length: MAX_MENU_COMMANDS }, (_, i) => ({
        scope: 'personal',
        pattern: new RegExp(`^extra ${i}$`),
        example: `extra ${i}`,
        description: `Extra ${i}.`,
        menu: 20 + i,
        run: async () => commandHelpCard(),
      }));
      const manifest = await filled();
      manifest.bots![0]!.commandLists = commandLists([...TEXT_COMMANDS, ...extra.slice(0, MAX_MENU_COMMANDS - menuOf(manifest, 'personal').length + 1)]);
      expect(menuOf(manifest, 'personal')).toHaveLength(MAX_MENU_COMMANDS + 1);
      expect(teamsRuleProblems(manifest)).toEqual([expect.stringMatching(/personal command menu has 11 commands; Teams shows at most 10/)]);
    });
  });

  type Spoil = (m: Record<string, any>) => void;
  it.each<[string, 'schema' | 'rules', Spoil]>([
    ['without the bot id', 'schema', (m) => delete m.bots[0].botId],
    ['with an app id that is not a GUID', 'schema', (m) => (m.id = 'safeguarding-tracker')],
    ['with a manifestVersion Teams never published', 'schema', (m) => (m.manifestVersion = '1.18')],
    ['with an accent colour that is not a hex colour', 'schema', (m) => (m.accentColor = 'teal')],
    [
      'with 13 commands in a list',
      'schema',
      (m) =>
        m.bots[0].commandLists[0].commands.push(
          ...Array.from({ length: 13 - m.bots[0].commandLists[0].commands.length }, (_, i) => ({ title: `x${i}`, description: 'y' })),
        ),
    ],
    ['with a short name over 30 characters', 'schema', (m) => (m.name.short = 'S'.repeat(31))],
    ['with a short description over 80 characters', 'schema', (m) => (m.description.short = 'd'.repeat(81))],
    ['with a version that is not MAJOR.MINOR.PATCH', 'rules', (m) => (m.version = '1.0')],
    ['with the tab served over http', 'rules', (m) => (m.staticTabs[1].contentUrl = 'http://tracker.example.gov.uk/tab/index.html')],
    ['with the tab on a domain missing from validDomains', 'rules', (m) => (m.validDomains = ['elsewhere.example.gov.uk'])],
    ['with an SSO resource for another app', 'rules', (m) => (m.webApplicationInfo.resource = `api://tracker.example.gov.uk/${ENV.MicrosoftAppId}`)],
  ])('a manifest %s is refused (%s)', async (_what, by, spoil) => {
    const manifest = await filled();
    spoil(manifest);
    const found = by === 'schema' ? await schemaProblems(manifest) : teamsRuleProblems(manifest);
    expect(found.length).toBeGreaterThan(0);
    expect((await manifestProblems(manifest)).length).toBeGreaterThan(0);
  });
});

describe('the icons', () => {
  it('color.png is 192×192 and opaque, the white shield on the accent colour', async () => {
    const color = PNG.sync.read(await icon('color.png'));
    expect([color.width, color.height]).toEqual([192, 192]);
    const all = pixels(color);
    expect(all.every(([, , , a]) => a === 255)).toBe(true);
    const accent = [parseInt(ACCENT.slice(1, 3), 16), parseInt(ACCENT.slice(3, 5), 16), parseInt(ACCENT.slice(5, 7), 16), 255];
    expect(all[0]).toEqual(accent);
    expect(all[40 * 192 + 96]).toEqual([255, 255, 255, 255]); // inside the shield, above the tick
  });

  it('outline.png is 32×32, only white on transparency, with a line drawing rather than a filled block', async () => {
    const outline = PNG.sync.read(await icon('outline.png'));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const all = pixels(outline);
    expect(all.filter(([r, g, b, a]) => a > 0 && (r !== 255 || g !== 255 || b !== 255))).toEqual([]);
    const transparent = all.filter(([, , , a]) => a === 0).length;
    const solid = all.filter(([, , , a]) => a === 255).length;
    expect(transparent).toBeGreaterThan(all.length / 2);
    expect(solid).toBeGreaterThan(50);
    expect(all[0]![3]).toBe(0);
  });

  it('the committed PNGs are what manifest/icons.ts draws', async () => {
    expect(PNG.sync.read(await icon('color.png')).data.equals(colorIcon().data)).toBe(true);
    expect(PNG.sync.read(await icon('outline.png')).data.equals(outlineIcon().data)).toBe(true);
  });

  it('the package’s icon check passes them, and catches them swapped or an outline with colour', async () => {
    const [color, outline] = [await icon('color.png'), await icon('outline.png')];
    expect(iconProblems(color, outline)).toEqual([]);
    expect(iconProblems(outline, color)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/color\.png is 32×32/),
        expect.stringMatching(/outline\.png is 192×192/),
        expect.stringMatching(/outline\.png must be white on transparency/),
      ]),
    );
    const tinted = PNG.sync.read(outline);
    const drawn = pixels(tinted).findIndex(([, , , a]) => a === 255);
    tinted.data[drawn * 4 + 1] = 0;
    expect(iconProblems(color, PNG.sync.write(tinted))).toEqual([expect.stringMatching(/1 of its pixels have colour/)]);
  });
});

describe('the settings the package needs', () => {
  it('names every missing one at once', () => {
    expect(() => packageSettings({})).toThrow(
      'Cannot build the Teams app package: not set: MicrosoftAppId, PUBLIC_HOSTNAME, TEAMS_APP_ID, TAB_SSO_CLIENT_ID, APP_WEBSITE_URL, APP_SUPPORT_URL, APP_PRIVACY_URL, APP_TERMS_URL. See env.sample.',
    );
    expect(() => packageSettings({ ...ENV, TEAMS_APP_ID: ' ', TAB_SSO_CLIENT_ID: undefined })).toThrow(/: not set: TEAMS_APP_ID, TAB_SSO_CLIENT_ID\. See/);
    expect(() => packageSettings({ ...ENV, APP_SUPPORT_URL: '' })).toThrow(/: not set: APP_SUPPORT_URL\. See/);
    expect(() => packageSettings({ ...ENV, APP_WEBSITE_URL: 'http://www.example.gov.uk/tracker' })).toThrow(
      /APP_WEBSITE_URL: must be the https:\/\/ address of a public page/,
    );
  });

  it('reads them as the app does, so what the app would refuse is refused here, by name and never by value', () => {
    const attempt = () =>
      packageSettings({ ...ENV, TEAMS_APP_ID: 'not-a-guid', APP_TERMS_URL: 'http://insecure.example.gov.uk/terms', MicrosoftAppPassword: '' });
    expect(attempt).toThrow(/TEAMS_APP_ID: .*MicrosoftAppPassword: is required when MicrosoftAppId is set.*APP_TERMS_URL: must be the https:\/\/ address/);
    expect(attempt).not.toThrow(/not-a-guid|insecure/);
    expect(packageSettings({ ...ENV, PUBLIC_HOSTNAME: ' tracker.example.gov.uk ' }).PUBLIC_HOSTNAME).toBe('tracker.example.gov.uk');
  });
});

describe('npm run package', () => {
  const tmp = () => mkdtemp(path.join(os.tmpdir(), 'app-package-'));

  it('is the compiled manifest/package.ts', () => {
    expect(pkg.scripts.package).toMatch(/^node bot\/build-if-stale\.mjs && node .*dist\/manifest\/package\.js$/);
  });

  it('writes a zip with exactly manifest.json and both icons at its root, the manifest as filled', async () => {
    const out = path.join(await tmp(), 'app.zip');
    const { stdout } = await run(process.execPath, [script, '--out', out], { cwd: root, env: { PATH: process.env.PATH, ...ENV } });
    expect(stdout).toContain(`Wrote ${out}\n`);
    const zip = await JSZip.loadAsync(await readFile(out));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(await zip.file('manifest.json')!.async('string'))).toEqual(await filled());
    expect(await zip.file('color.png')!.async('nodebuffer')).toEqual(await icon('color.png'));
    expect(await zip.file('outline.png')!.async('nodebuffer')).toEqual(await icon('outline.png'));
  });

  it('writes to dist/appPackage/<name>-<version>.zip by default, and reads a relative --out from where npm was run', async () => {
    const env = { PATH: process.env.PATH, ...ENV };
    const { stdout } = await run(process.execPath, [script], { cwd: root, env });
    const file = path.join(root, 'dist', 'appPackage', `${pkg.name}-${pkg.version}.zip`);
    expect(stdout).toContain(`Wrote ${file}\n`);
    expect(existsSync(file)).toBe(true);
    const from = await tmp();
    await run(process.execPath, [script, '--out', 'relative.zip'], { cwd: root, env: { ...env, INIT_CWD: from } });
    expect(existsSync(path.join(from, 'relative.zip'))).toBe(true);
  });

  it('without its settings, exits 1 naming them, with no stack trace and no zip', async () => {
    const out = path.join(await tmp(), 'app.zip');
    const failed = await run(process.execPath, [script, '--out', out], { cwd: root, env: { PATH: process.env.PATH } }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed!.stderr).toBe(
      'CONFIG_INVALID: Cannot build the Teams app package: not set: MicrosoftAppId, PUBLIC_HOSTNAME, TEAMS_APP_ID, TAB_SSO_CLIENT_ID, APP_WEBSITE_URL, APP_SUPPORT_URL, APP_PRIVACY_URL, APP_TERMS_URL. See env.sample.\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});
