import type { ErasureContributor, FormerStaff } from '../kernel/module';
import type { PersonStamp, S11Return, S11Round } from './model';
import { Section11Store } from './repository';

/** A stamp naming the person becomes the former member of staff; anyone else's stays as it is. */
const swapper = (personId: string, former: FormerStaff) => (s: PersonStamp) => (s.personId === personId ? { name: former.name } : s);

/** The round without the person: who started it and the leads each agency was asked through. */
export function roundWithout(round: S11Round, personId: string, former: FormerStaff): S11Round {
  const swap = swapper(personId, former);
  return { ...round, startedBy: swap(round.startedBy), agencies: round.agencies.map((a) => ({ ...a, leads: a.leads.map(swap) })) };
}

/**
 * The return without the person: every answer, rating, narrative, scrutiny and step stays (they
 * are the agency's and the partnership's record); only who saved, submitted, scrutinised or took
 * each step is the former member of staff where it was them.
 */
export function returnWithout(ret: S11Return, personId: string, former: FormerStaff): S11Return {
  const swap = swapper(personId, former);
  return {
    ...ret,
    answers: Object.fromEntries(
      Object.entries(ret.answers).map(([id, a]) => [
        id,
        { ...a, savedBy: swap(a.savedBy), ...(a.scrutiny ? { scrutiny: { ...a.scrutiny, by: swap(a.scrutiny.by) } } : {}) },
      ]),
    ),
    ...(ret.submittedBy ? { submittedBy: swap(ret.submittedBy) } : {}),
    history: ret.history.map((h) => ({ ...h, by: swap(h.by) })),
  };
}

const changed = <T>(before: T, after: T) => JSON.stringify(before) !== JSON.stringify(after);
/** The change for an etag update: undefined (no write) once nothing names them any more. */
const unless = <T>(current: T, next: T) => (changed(current, next) ? next : undefined);

/**
 * Erasing a leaver from Section 11: the rounds they started or were asked in, and the returns they
 * worked on, keep everything but their name, which becomes the former member of staff. A write
 * only swaps stamps (each grows by at most the placeholder's few characters); each document is
 * changed with its etag and the swap re-applied to whatever a concurrent save left.
 */
export const section11Erasure: ErasureContributor = async ({ store }, orgId, person, former) => {
  const repo = new Section11Store(store);
  const rounds = (await repo.rounds(orgId)).filter((r) => changed(r, roundWithout(r, person.id, former)));
  const returns = (await repo.allReturns(orgId)).filter((r) => changed(r, returnWithout(r, person.id, former)));
  return {
    steps: [
      { what: 'Section 11 rounds they started or were asked in (their name)', count: rounds.length, how: 'anonymised' },
      { what: 'Section 11 returns they worked on (their name on answers and steps; the answers stay)', count: returns.length, how: 'anonymised' },
    ],
    async erase() {
      for (const r of rounds) await repo.updateRound(orgId, r.id, (current) => unless(current, roundWithout(current, person.id, former)));
      for (const r of returns) await repo.updateReturn(orgId, r.id, (current) => unless(current, returnWithout(current, person.id, former)));
    },
  };
};
