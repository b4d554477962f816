import { OPERATOR } from '../../services/access/policy';
import type { Clock } from '../../services/core/clock';
import { addAgency } from '../../services/organisation/agencies';
import { Directory } from '../../services/people/repository';
import { addReview } from '../../services/reviews/reviews';
import { answerChallenge, openReturn, reviewStandard, saveStandard, startSection11Round, submitReturn } from '../../services/section11';
import type { S11Round } from '../../services/section11/model';
import type { Store } from '../../services/store/ports';
import { sampleReview } from './review-sample';
import { ORG, person, seed } from './fixtures';
import { appEvents } from './partnership';

/*
 * The council's Section 11 lead, Cal, through a round and a practice review: what the suites about
 * a person's data (their subject access export, their erasure when they leave) ask about.
 */

export const CAL = { id: 'cal', name: 'Cal Council-S11', email: 'cal@council.example' };
/** What the business manager asks of the council's training rating, and Cal's answer. */
export const CAL_CHALLENGED = 'Is Amber right with 61% trained?';
export const CAL_ANSWERED = 'The audit in October 2026 found every team trained; the rating stands at Amber';

type Deps = { store: Store; clock: Clock };

/** A council and a police force: the council's administrator (ada), business manager (bea), Cal, a worker (dee), and the police's safeguarding lead (pol). */
export async function councilWithItsSection11Lead({ store, clock }: Deps, timeZone: string): Promise<void> {
  await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone }, appEvents());
  await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone }, appEvents());
  await seed(store, {
    people: [
      person({ id: 'ada', name: 'Ada Admin', agency: 'council', roles: ['admin'] }),
      person({ id: 'bea', name: 'Bea Business-Manager', agency: 'council', roles: ['business-manager'] }),
      person({ ...CAL, agency: 'council', roles: ['s11-lead'] }),
      person({ id: 'dee', name: 'Dee Worker', email: 'dee@council.example', agency: 'council' }),
      person({ id: 'pol', name: 'Polly Police-SL', email: 'polly@police.example', agency: 'police', roles: ['safeguarding-lead'] }),
    ],
  });
}

/**
 * Cal fills the council's return (Amber on training, with an action proposed; Green elsewhere, with
 * `narratives` where given), the business manager challenges the training rating, Cal answers, and
 * the business manager accepts every standard. Its round.
 */
export async function calsReturnAccepted(deps: Deps, options: { timeZone: string; narratives?: Record<string, string> }): Promise<S11Round> {
  const { timeZone } = options;
  const personOf = async (id: string) => (await new Directory(deps.store).get(ORG, id))!;
  const { round } = await startSection11Round(deps, { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2026-12-18', timeZone });
  const cal = await personOf(CAL.id);
  const view = await openReturn(deps, { actor: cal });
  for (const s of view.set.standards) {
    const weak = s.id === 'training';
    await saveStandard(deps, {
      actor: cal,
      timeZone,
      data: {
        roundId: round.id,
        agency: 'council',
        standardId: s.id,
        rev: 0,
        rating: weak ? 'amber' : 'green',
        narrative: options.narratives?.[s.id] ?? `Evidence for ${s.id}.`,
        ...(weak ? { proposedAction: 'Train the last two teams', proposedDue: '2027-03-31' } : {}),
      },
    });
  }
  const { ret } = await submitReturn(deps, { actor: cal, data: { roundId: round.id, agency: 'council' } });
  if (ret.status !== 'submitted') throw new Error(`Cal's return was not submitted: ${ret.status}`);
  const bea = await personOf('bea');
  const ref = (standardId: string, rev = 1) => ({ roundId: round.id, agency: 'council', standardId, rev });
  await reviewStandard(deps, { actor: bea, timeZone, data: { ...ref('training'), decision: 'challenge', comment: CAL_CHALLENGED } });
  await answerChallenge(deps, { actor: cal, timeZone, data: { ...ref('training'), response: CAL_ANSWERED } });
  for (const s of view.set.standards)
    await reviewStandard(deps, { actor: bea, timeZone, data: { ...ref(s.id, s.id === 'training' ? 2 : 1), decision: 'accept' } });
  return round;
}

/** A practice review whose first recommendation (R1) Cal owns, with an action led by its owner; R2 is the police's. Its id. */
export async function reviewOwnedByCal(deps: Deps): Promise<string> {
  const review = sampleReview({}, { carol: CAL.email, dee: 'dee@council.example', agency: 'police' });
  const [r1, ...rest] = review.recommendations;
  const withAction = {
    ...review,
    recommendations: [{ ...r1!, actions: [{ action: 'Run exploitation training for every team', evidence: 'Attendance', due: '2027-03-31' }] }, ...rest],
  };
  return (await addReview(deps, { orgId: ORG, requester: OPERATOR, data: withAction, fileName: 'review.yaml' })).review.id;
}
