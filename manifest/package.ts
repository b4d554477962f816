/**
 * `npm run package [-- --out <file.zip>]`: fills the Teams app manifest from the environment,
 * checks it offline against the official schema bundled with @microsoft/app-manifest, checks the
 * icons, and writes the zip to upload to Teams.
 */
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { z } from 'zod';
import { AppError, isAppError } from '../services/core/errors';
import { projectRoot } from '../services/core/paths';

export const MANIFEST_VERSION = '1.22';

const guid = z.guid({ message: 'must be a GUID' });
/** The settings a package needs; the same names the app reads (see env.sample). */
const settingsSchema = z.object({
  MicrosoftAppId: guid,
  TEAMS_APP_ID: guid,
  TAB_SSO_CLIENT_ID: guid,
  PUBLIC_HOSTNAME: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?$/i, 'must be a host name such as tracker.example.gov.uk'),
  APP_PUBLISHER: z.string().trim().min(1).max(32).default('Safeguarding Partnership'),
  APP_PRIVACY_URL: z.url({ protocol: /^https$/, message: 'must be an https:// address of your privacy notice' }),
  APP_TERMS_URL: z.url({ protocol: /^https$/, message: 'must be an https:// address of your terms of use' }),
});
export type PackageSettings = z.infer<typeof settingsSchema>;

export function packageSettings(env: NodeJS.ProcessEnv): PackageSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code === 'invalid_type' ? 'is not set' : i.message}`);
    throw new AppError('CONFIG_INVALID', `Cannot build the app package: ${lines.join('; ')}`);
  }
  return parsed.data;
}

/** The manifest with every {{PLACEHOLDER}} replaced; an unknown placeholder is a mistake in the template. */
export async function fillManifest(settings: PackageSettings, version: string): Promise<Record<string, unknown>> {
  const template = await readFile(path.join(projectRoot(), 'manifest', 'manifest.template.json'), 'utf8');
  const values: Record<string, string> = { ...settings, BOT_ID: settings.MicrosoftAppId, VERSION: version };
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`manifest.template.json uses {{${name}}}, which no setting provides`);
    return values[name]!.replace(/["\\]/g, '');
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

/** Problems with the manifest against the official schema of its version, read from disk (no network). */
export async function schemaProblems(manifest: Record<string, unknown>): Promise<string[]> {
  const schemaFile = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`);
  const schema = JSON.parse(await readFile(schemaFile, 'utf8'));
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema);
}

/** Teams' rules for the two icons: 192×192 colour, 32×32 white on transparent. */
export function iconProblems(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const c = PNG.sync.read(color);
  const o = PNG.sync.read(outline);
  if (c.width !== 192 || c.height !== 192) problems.push(`color.png is ${c.width}×${c.height}; it must be 192×192`);
  if (o.width !== 32 || o.height !== 32) problems.push(`outline.png is ${o.width}×${o.height}; it must be 32×32`);
  let transparent = 0;
  for (let i = 0; i < o.data.length; i += 4) {
    const [r, g, b, a] = [o.data[i]!, o.data[i + 1]!, o.data[i + 2]!, o.data[i + 3]!];
    if (a === 0) transparent++;
    else if (r < 250 || g < 250 || b < 250) {
      problems.push('outline.png must be white on a transparent background');
      break;
    }
  }
  if (transparent === 0) problems.push('outline.png has no transparent background');
  return problems;
}

export async function buildPackage(env: NodeJS.ProcessEnv, out?: string): Promise<{ file: string; manifest: Record<string, unknown> }> {
  const root = projectRoot();
  const settings = packageSettings(env);
  const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const manifest = await fillManifest(settings, version);
  const problems = await schemaProblems(manifest);
  const [color, outline] = await Promise.all([readFile(path.join(root, 'manifest', 'color.png')), readFile(path.join(root, 'manifest', 'outline.png'))]);
  problems.push(...iconProblems(color, outline));
  if (problems.length) throw new AppError('VALIDATION', `The app package is not valid:\n  ${problems.join('\n  ')}`);
  const zip = new JSZip();
  // Fixed dates keep the zip the same byte for byte when nothing changed.
  const date = new Date('2026-01-01T00:00:00Z');
  zip.file('manifest.json', JSON.stringify(manifest, null, 2), { date });
  zip.file('color.png', color, { date });
  zip.file('outline.png', outline, { date });
  const file = path.resolve(out ?? path.join(root, 'dist', 'appPackage', `safeguarding-action-tracker-${version}.zip`));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { file, manifest };
}

if (require.main === module) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  buildPackage(process.env, values.out).then(
    ({ file }) => process.stdout.write(`Wrote ${file}: upload it in Teams (Apps → Manage your apps → Upload an app).\n`),
    (e: unknown) => {
      process.stderr.write(`${isAppError(e) ? `${e.code}: ${e.message}` : (e as Error).message}\n`);
      process.exit(1);
    },
  );
}
