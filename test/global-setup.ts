import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../services/core/paths';

/**
 * Built once for the tests that need it: the compiled app in dist/ (tests that run real processes
 * and kill them) and the tab's page and bundle (tests that serve or drive it). Skipped when dist/
 * is newer than every source, as after `npm ci`.
 */
export default async function globalSetup(): Promise<void> {
  const root = projectRoot();
  await promisify(execFile)(process.execPath, [path.join(root, 'bot', 'build-if-stale.mjs')], { cwd: root });
}
