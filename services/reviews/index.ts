/**
 * Learning from reviews, the feature's only public face: other areas import from here, never from
 * the files behind it.
 */
export { seedDemoReviews, DEMO_REVIEW_FILES } from './demo';
export { reviewBoardSection } from './reports';
export type { Review, ImpactCheck, Recommendation } from './model';
export { REVIEWS_MODULE } from './module';
