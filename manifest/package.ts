/**
 * `npm run package [-- --out <file.zip>]`: fills the Teams app manifest template from the app's
 * settings, checks it offline against the official schema bundled with @microsoft/app-manifest and
 * against the Teams rules that schema cannot express, checks the icons, and only then writes the
 * zip to upload to Teams.
 */
import { AppManifestUtils, type TeamsManifestV1D30 } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { z } from 'zod';
import { TEXT_COMMANDS } from '../bot/card-routes';
import type { TextCommand } from '../services/kernel/route-context';
import { loadConfig, type Config } from '../services/core/config';
import { AppError, isAppError } from '../services/core/errors';
import { projectRoot } from '../services/core/paths';

/** The manifest as the template declares it (its manifestVersion); the schema it is checked against follows that field. */
export type Manifest = TeamsManifestV1D30.TeamsManifestV1D30;

const manifestFile = (name: string) => path.join(projectRoot(), 'manifest', name);

/** App settings the manifest cannot do without. The app itself runs without them in local mode, so config leaves them optional. */
export const REQUIRED_SETTINGS = ['MicrosoftAppId', 'PUBLIC_HOSTNAME', 'TEAMS_APP_ID', 'TAB_SSO_CLIENT_ID'] as const;

/**
 * Settings only the package reads, never the running app: who publishes it, its public website and
 * support contact, and the council's privacy notice and terms, which Teams links from the app's
 * details page. The dashboard needs a Teams sign-in and names no one to ask, so it is not the
 * website. Staff must be able to find the real addresses, so none has a placeholder default.
 */
const publisherSchema = z.object({
  APP_PUBLISHER: z.string().trim().max(32, 'must be at most 32 characters').default('Safeguarding Partnership'),
  APP_WEBSITE_URL: z.url({
    protocol: /^https$/,
    message: 'must be the https:// address of a public page about the app (not the dashboard, which needs a Teams sign-in)',
  }),
  APP_SUPPORT_URL: z.url({ protocol: /^https$/, message: 'must be the https:// address where staff get help with the app' }),
  APP_PRIVACY_URL: z.url({ protocol: /^https$/, message: 'must be the https:// address of your privacy notice' }),
  APP_TERMS_URL: z.url({ protocol: /^https$/, message: 'must be the https:// address of your terms of use' }),
});
export const PUBLISHER_SETTINGS = Object.keys(publisherSchema.shape) as (keyof typeof publisherSchema.shape)[];

export type PackageSettings = { [K in (typeof REQUIRED_SETTINGS)[number]]: string } & z.infer<typeof publisherSchema>;

/**
 * The settings the manifest is filled from. App settings come through loadConfig, so the package
 * accepts exactly what the app would (a bot id without its secret or allowed tenants is refused
 * here as at start-up). Every problem is reported at once, by name, never with its value.
 */
export function packageSettings(env: NodeJS.ProcessEnv): PackageSettings {
  const problems: string[] = [];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!isAppError(e, 'CONFIG_INVALID')) throw e;
    problems.push(e.message.replace(/^Invalid configuration: /, ''));
  }
  const blank = (name: string) => !env[name]?.trim();
  const missing: string[] = REQUIRED_SETTINGS.filter((name) => (config ? !config[name] : blank(name)));
  missing.push(...PUBLISHER_SETTINGS.filter((name) => name !== 'APP_PUBLISHER' && blank(name)));
  const publisher = publisherSchema.safeParse(Object.fromEntries(PUBLISHER_SETTINGS.filter((name) => !blank(name)).map((name) => [name, env[name]])));
  if (!publisher.success) {
    for (const issue of publisher.error.issues) {
      const name = String(issue.path[0]);
      if (!missing.includes(name)) problems.push(`${name}: ${issue.message}`);
    }
  }
  if (missing.length) problems.unshift(`not set: ${missing.join(', ')}`);
  if (problems.length || !config || !publisher.success) {
    throw new AppError('CONFIG_INVALID', `Cannot build the Teams app package: ${problems.join('; ')}. See env.sample.`);
  }
  return {
    MicrosoftAppId: config.MicrosoftAppId!,
    PUBLIC_HOSTNAME: config.PUBLIC_HOSTNAME!,
    TEAMS_APP_ID: config.TEAMS_APP_ID!,
    TAB_SSO_CLIENT_ID: config.TAB_SSO_CLIENT_ID!,
    ...publisher.data,
  };
}

/** Teams shows at most this many commands in a scope's menu. */
export const MAX_MENU_COMMANDS = 10;

type CommandList = NonNullable<Manifest['bots']>[number]['commandLists'];

/**
 * The bot's command menus, from the routing table's commands that ask for a place in them: in a
 * 1:1 chat every such command, in a team only those that answer anywhere (the others answer there
 * with a pointer to the 1:1 chat). Ordered by `menu`, then by their place in the table.
 */
export function commandLists(commands: TextCommand[] = TEXT_COMMANDS): CommandList {
  const menu = commands.filter((c) => c.menu !== undefined).sort((a, b) => a.menu! - b.menu!);
  const entry = (c: TextCommand) => ({ title: c.example, description: c.description });
  return [
    { scopes: ['personal'], commands: menu.map(entry) },
    { scopes: ['team'], commands: menu.filter((c) => c.scope === 'anywhere').map(entry) },
  ];
}

/**
 * The template with every {{NAME}} replaced by the setting of that name ({{VERSION}}: the app's
 * version). Values are substituted into parsed strings, so nothing in a value can break the JSON;
 * a placeholder no setting provides is a mistake in the template.
 */
export async function fillManifest(settings: PackageSettings, version: string): Promise<Manifest> {
  const values: Record<string, string> = { ...settings, VERSION: version };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
        if (!Object.hasOwn(values, name)) throw new Error(`manifest.template.json uses {{${name}}}, which no setting provides`);
        return values[name]!;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  const manifest = fill(JSON.parse(await readFile(manifestFile('manifest.template.json'), 'utf8'))) as Manifest;
  // The command menus come from the routing table, so a typed command is declared in one place only.
  for (const bot of manifest.bots ?? []) bot.commandLists = commandLists();
  return manifest;
}

/**
 * Problems against the official schema of the manifest's version, read from the copy bundled with
 * @microsoft/app-manifest, never from the $schema address: packaging needs no network and checks
 * against the same schema every time.
 */
export async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  let schemaFile: string;
  try {
    if (!/^\d+\.\d+$/.test(version)) throw new Error('not a version');
    schemaFile = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  } catch {
    return [`manifestVersion "${version}" has no official schema bundled with @microsoft/app-manifest`];
  }
  const schema = JSON.parse(await readFile(schemaFile, 'utf8'));
  return AppManifestUtils.validateAgainstSchema(manifest, schema);
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};

/** Teams rules the JSON schema does not express; Teams refuses an upload, or the tab or SSO fails, without them. */
export function teamsRuleProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  if (!/^\d+\.\d+\.\d+$/.test(manifest.version)) problems.push(`version "${manifest.version}" must be three numbers, MAJOR.MINOR.PATCH`);
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, `${at}/${i}`));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, `${at}/${k}`);
    else if (typeof node === 'string' && /Url$/.test(at) && !node.startsWith('https://')) problems.push(`${at} must be an https:// address`);
  };
  visit(manifest, '');
  // The schema of recent versions accepts http:// too; Teams does not load a tab from a domain it was not given.
  const domains = new Set(manifest.validDomains ?? []);
  for (const tab of manifest.staticTabs ?? []) {
    const host = tab.contentUrl && hostOf(tab.contentUrl);
    if (tab.contentUrl && !(host && domains.has(host))) problems.push(`staticTabs "${tab.entityId}": the host of contentUrl must be in validDomains`);
  }
  for (const list of (manifest.bots ?? []).flatMap((b) => b.commandLists ?? [])) {
    if (list.commands.length > MAX_MENU_COMMANDS)
      problems.push(
        `the ${list.scopes.join(', ')} command menu has ${list.commands.length} commands; Teams shows at most ${MAX_MENU_COMMANDS}: give fewer commands a menu place in the routing table`,
      );
  }
  const sso = manifest.webApplicationInfo;
  if (sso && !(sso.resource?.startsWith('api://') && domains.has(hostOf(sso.resource) ?? '') && sso.resource.endsWith(`/${sso.id}`))) {
    problems.push('webApplicationInfo.resource must be api://<a valid domain>/<webApplicationInfo.id>, the Application ID URI tab SSO uses');
  }
  return problems;
}

/** Teams' rules for the two icons: 192×192 colour; 32×32 outline, white on transparent. */
export function iconProblems(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const c = PNG.sync.read(color);
  const o = PNG.sync.read(outline);
  if (c.width !== 192 || c.height !== 192) problems.push(`color.png is ${c.width}×${c.height}; it must be 192×192`);
  if (o.width !== 32 || o.height !== 32) problems.push(`outline.png is ${o.width}×${o.height}; it must be 32×32`);
  let transparent = 0;
  let drawn = 0;
  let coloured = 0;
  for (let i = 0; i < o.data.length; i += 4) {
    if (o.data[i + 3] === 0) transparent++;
    else if (o.data[i] === 255 && o.data[i + 1] === 255 && o.data[i + 2] === 255) drawn++;
    else coloured++;
  }
  if (coloured) problems.push(`outline.png must be white on transparency; ${coloured} of its pixels have colour`);
  if (!transparent) problems.push('outline.png has no transparent background');
  if (!drawn) problems.push('outline.png is empty');
  return problems;
}

/** All the checks a package must pass, so none is forgotten on the way to the zip. */
export async function manifestProblems(manifest: Manifest): Promise<string[]> {
  return [...(await schemaProblems(manifest)), ...teamsRuleProblems(manifest)];
}

export async function buildPackage(env: NodeJS.ProcessEnv, out?: string): Promise<{ file: string; manifest: Manifest }> {
  const root = projectRoot();
  const settings = packageSettings(env);
  const { name, version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const manifest = await fillManifest(settings, version);
  const [color, outline] = await Promise.all([readFile(manifestFile('color.png')), readFile(manifestFile('outline.png'))]);
  const problems = [...(await manifestProblems(manifest)), ...iconProblems(color, outline)];
  if (problems.length) throw new AppError('VALIDATION', `The Teams app package is not valid, so it was not written:\n  ${problems.join('\n  ')}`);
  const zip = new JSZip();
  // A fixed date keeps the zip the same, byte for byte, when nothing in it changed.
  const date = new Date('2026-01-01T00:00:00Z');
  zip.file('manifest.json', JSON.stringify(manifest, null, 2) + '\n', { date });
  zip.file('color.png', color, { date });
  zip.file('outline.png', outline, { date });
  const file = path.resolve(out ?? path.join(root, 'dist', 'appPackage', `${name}-${version}.zip`));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { file, manifest };
}

async function main(args: string[]): Promise<string> {
  let values: { out?: string };
  try {
    ({ values } = parseArgs({ args, options: { out: { type: 'string' } } }));
  } catch (e) {
    throw new AppError('VALIDATION', `${(e as Error).message}. Usage: npm run package [-- --out <file.zip>]`);
  }
  // npm runs a script in the project root; a relative --out is meant from where npm was run.
  const out = values.out === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
  return (await buildPackage(process.env, out)).file;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (file) => process.stdout.write(`Wrote ${file}\nUpload it in Teams (Apps → Manage your apps → Upload an app), or in the Teams admin centre for everyone.\n`),
    (e: unknown) => {
      // Expected failures (settings, validation, arguments, files) are told in one message; only a bug shows its stack.
      const systemError = e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
      process.stderr.write(`${isAppError(e) ? `${e.code}: ${e.message}` : systemError ? (e as Error).message : (e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
