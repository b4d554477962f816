import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Data, backups and exports hold safeguarding records: only the user running the app may read
 * them. Modes are given at creation (a umask can only take bits away from these) and set again
 * on anything that already existed.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** A folder only its owner can enter, created if missing; an existing one is made private too. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await fs.chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Writes a file readable by its owner only, atomically: to a temporary file (flushed), then renamed
 * into place, so a crash leaves the old file or the new one, never half of one.
 */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const handle = await fs.open(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE); // a temporary file left by a crash keeps its old mode otherwise
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}
