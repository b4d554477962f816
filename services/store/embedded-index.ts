import type { Logger } from '../core/logger';

/**
 * The embedded server's query index and paging fixes are a patch to the dependency (patches/,
 * applied by patch-package on `npm install`/`npm ci`). An install that skipped scripts runs without
 * them: every query then scans its whole container and every page re-runs the query.
 */
export function embeddedIndexInstalled(): boolean {
  try {
    require.resolve('@vercel/cosmosdb-server/lib/account/query-index');
    return true;
  } catch {
    return false;
  }
}

export function warnIfEmbeddedIndexMissing(logger: Logger): void {
  if (embeddedIndexInstalled()) return;
  logger.warn(
    'The embedded store runs without its query index (the patches in patches/ were not applied: install with "npm ci", which runs them). Queries will slow sharply beyond about 10,000 documents per container.',
  );
}
