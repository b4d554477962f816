import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../services/core/paths';

/** Where the built page and bundle are served from. */
export const tabPublicDir = () => path.join(projectRoot(), 'dist', 'tab', 'public');

/** Bundles the tab (React, Fluent UI, teams-js) into one script beside its page. */
export async function buildTab(): Promise<{ dir: string; bytes: number }> {
  const root = projectRoot();
  const dir = tabPublicDir();
  await mkdir(dir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(root, 'tab', 'app', 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    outfile: path.join(dir, 'app.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(path.join(root, 'tab', 'app', 'index.html'), path.join(dir, 'index.html'));
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { dir, bytes };
}

if (require.main === module) {
  buildTab().then(
    ({ bytes }) => process.stdout.write(`tab built (${(bytes / 1024).toFixed(0)} KiB)\n`),
    (e: unknown) => {
      process.stderr.write(`tab build failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
