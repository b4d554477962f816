import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock';
import { projectRoot } from '../core/paths';
import { OPERATOR } from '../access/policy';
import type { Store } from '../store/ports';
import { readReviewText } from './review-file';
import { addReview } from './reviews';

/**
 * The sources the demo plan names (seed 004: the Section 11 audit, the serious case review for
 * Children A–F, and the learning and development plan that followed it), recorded as reviews. The
 * demo plan's Review and Recommendation columns link its learning points to them.
 */
export const DEMO_REVIEW_FILES = ['section-11-self-assessment-2015.yaml', 'scr-children-a-f-2015.yaml', 'learning-and-development-plan-2015.yaml'];

export const demoReviewPath = (file: string) => path.join(projectRoot(), 'test', 'fixtures', 'reviews', file);

/**
 * Loads the demo's reviews (after the demo plan and directory); adding them again changes nothing.
 * `agencies` maps an agency id the files name to the one the demo's people are in (the demo joins
 * a partnership's existing lead agency when it has one).
 */
export async function seedDemoReviews(store: Store, clock: Clock, orgId: string, agencies: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (const file of DEMO_REVIEW_FILES) {
    const data = readReviewText(file, await readFile(demoReviewPath(file), 'utf8')) as { recommendations?: { owner?: unknown }[] };
    for (const r of data.recommendations ?? []) if (typeof r.owner === 'string' && Object.hasOwn(agencies, r.owner)) r.owner = agencies[r.owner];
    ids.push((await addReview({ store, clock }, { orgId, requester: OPERATOR, data, fileName: file })).review.id);
  }
  return ids;
}
