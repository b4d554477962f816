import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-files';

/** What a local-mode route says to a browser without this run's secret. */
export const LOCAL_SECRET_NEEDED =
  'Local sign-in needs this run’s secret: open the dashboard at the address that npm start printed (it ends in #local-sign-in=…).';

/** Where this run's local sign-in secret is kept, in the data folder, readable by its owner only. */
export const LOCAL_SECRET_FILE = 'local-sign-in.secret';
/** The header a local-mode client that is a browser (the dashboard page) sends the secret in. */
export const LOCAL_SECRET_HEADER = 'x-local-secret';
/** The URL fragment that hands the secret to the dashboard page once: a fragment is never sent to a server nor in a Referer. */
export const LOCAL_SECRET_FRAGMENT = 'local-sign-in';

/**
 * A new secret for this run of a local-mode server. Loopback alone does not tell the developer from
 * another account on the same computer; the secret does: it is written to the data folder (0700)
 * in a file only its owner can read (0600), replaced at every start, and handed to the browser in
 * the address `npm start` prints.
 */
export async function newLocalSecret(dataDir: string): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await ensurePrivateDir(dataDir);
  await writePrivateFile(path.join(dataDir, LOCAL_SECRET_FILE), `${secret}\n`);
  return secret;
}

/** Whether a request gave this run's secret; compared in constant time, so its answer times say nothing of it. */
export function isLocalSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given.trim()), digest(secret));
}

/** The dashboard's address with this run's secret, for `npm start` to print. */
export function localDashboardUrl(baseUrl: string, secret: string): string {
  return `${baseUrl}/tab/index.html#${LOCAL_SECRET_FRAGMENT}=${secret}`;
}
