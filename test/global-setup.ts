import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../services/core/paths';
import { buildTab } from '../tab/server/build-tab';

/**
 * Built once for the tests that need it: the compiled app in dist/ (tests that run real processes
 * and kill them) and the tab's page and bundle (tests that serve or drive it).
 */
export default async function globalSetup(): Promise<void> {
  const root = projectRoot();
  await Promise.all([promisify(execFile)(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root }), buildTab()]);
}
