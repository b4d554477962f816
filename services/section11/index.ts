/**
 * Section 11 self-assessment: the module's only public face. Hosts, cards and tests outside
 * services/section11 import from here, never from the files behind it.
 */
export { NOT_APPLICABLE, SCALES, SCALE_NAMES, type S11Return, type S11Round, type StandardSet, type StandardAnswer } from './model';
export { ratingLabel } from './rules';
export { addStandardSet, findStandardSet, readStandardsFile, standardSets, validateStandardSet } from './standards';
export { chaseSection11, section11Status, setChallengeEvent, startSection11Round, type Requester } from './rounds';
export {
  answerChallenge,
  openOverview,
  openReturn,
  openStandard,
  saveStandard,
  submitReturn,
  type ReturnOverview,
  type ReturnView,
  type StandardView,
} from './returns';
export { returnsForReview, reviewStandard, type ReviewList } from './scrutiny';
export { section11Grid, section11Rows } from './report';
export { SECTION11_MODULE } from './module';
export { answerFromForm, openReturnForm, saveFromForm, submitFromForm } from './tab-form';
export type { ReturnForm, ReturnFormField, ReturnFormStandard } from './form';
