import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../services/core/paths';

const root = projectRoot();
const buildIfStale = () => promisify(execFile)(process.execPath, [path.join(root, 'bot', 'build-if-stale.mjs')], { cwd: root });

describe('the build', () => {
  it('is not repeated when nothing changed since the last one (the test run built it already)', async () => {
    const before = await stat(path.join(root, 'dist', '.sources'));
    const { stderr } = await buildIfStale();
    expect(stderr).toBe('');
    expect((await stat(path.join(root, 'dist', '.sources'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('ships no test code in dist/, and the command line is executable for npx', async () => {
    await expect(stat(path.join(root, 'dist', 'test'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(path.join(root, 'dist', 'bot', 'cli', 'index.js'))).mode & 0o111).not.toBe(0);
  });
});
