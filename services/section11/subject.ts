import type { SubjectAccessContributor } from '../kernel/module';
import type { PersonStamp, ReturnEvent, ReturnStatus, StandardAnswer } from './model';

/** What they saved of an answer (the rating as its label), without its scrutiny or the stamps of others. */
type TheirAnswer = { standardId: string } & Pick<
  StandardAnswer,
  'rating' | 'naReason' | 'narrative' | 'evidenceLinks' | 'proposedAction' | 'proposedDue' | 'savedAt'
>;
type TheirReturn = { roundId: string; year?: number; agency: string; status: ReturnStatus; submittedByThem: boolean; answersTheySaved: TheirAnswer[] };
type TheirStep = { roundId: string; agency: string; at: string; what: ReturnEvent['what']; standardId?: string; comment?: string; inAnswerTo?: string };
type ActionNamingThem = { roundId: string; agency: string; standardId: string; actionId: string };
import { Section11Store } from './repository';
import { ratingLabel } from './rules';

/**
 * What Section 11 holds about one person, for their subject access request: the rounds they
 * started or were asked in as their agency's lead, and of each return only what is theirs — the
 * answers they saved, the steps they took (saved, submitted, challenged, answered, revised,
 * accepted) with their comments, and the actions raised with them as lead. Other people's
 * narratives in the same return are the agency's, not about them, and are left out.
 */
export const section11SubjectAccess: SubjectAccessContributor = async ({ store }, orgId, person) => {
  const id = person.id;
  const theirs = (s: PersonStamp | undefined) => s?.personId === id;
  const repo = new Section11Store(store);
  const rounds = await repo.rounds(orgId);
  const roundOf = new Map(rounds.map((r) => [r.id, r]));
  const roundsStarted = rounds.filter((r) => theirs(r.startedBy)).map((r) => ({ roundId: r.id, year: r.year, startedAt: r.startedAt }));
  const roundsAskedOf = rounds.flatMap((r) =>
    r.agencies.filter((a) => a.leads.some(theirs)).map((a) => ({ roundId: r.id, year: r.year, agency: a.agency, closesOn: r.closesOn })),
  );
  const returns: TheirReturn[] = [];
  const steps: TheirStep[] = [];
  const actions: ActionNamingThem[] = [];
  for (const ret of (await repo.allReturns(orgId)).sort((a, b) => a.id.localeCompare(b.id))) {
    const round = roundOf.get(ret.roundId);
    const theirSteps = ret.history.filter((h) => theirs(h.by));
    const answers = Object.entries(ret.answers).filter(([, a]) => theirs(a.savedBy));
    const named = round?.agencies.find((a) => a.agency === ret.agency)?.leads.some(theirs) ?? false;
    for (const [standardId, a] of Object.entries(ret.answers))
      if (a.actionId && (theirs(ret.submittedBy) || named)) actions.push({ roundId: ret.roundId, agency: ret.agency, standardId, actionId: a.actionId });
    if (theirSteps.length === 0 && answers.length === 0) continue;
    returns.push({
      roundId: ret.roundId,
      ...(round ? { year: round.year } : {}),
      agency: ret.agency,
      status: ret.status,
      submittedByThem: theirs(ret.submittedBy),
      answersTheySaved: answers.map(([standardId, a]) => ({
        standardId,
        rating: round ? ratingLabel(round.scale, a.rating) : a.rating,
        ...(a.naReason ? { naReason: a.naReason } : {}),
        narrative: a.narrative,
        evidenceLinks: a.evidenceLinks,
        ...(a.proposedAction ? { proposedAction: a.proposedAction, proposedDue: a.proposedDue } : {}),
        savedAt: a.savedAt,
      })),
    });
    for (const h of theirSteps) {
      // An answer is given with the challenge it answers: the question put to them.
      const challenge =
        h.what === 'answered' ? ret.history.filter((c) => c.what === 'challenged' && c.standardId === h.standardId && c.at <= h.at).at(-1)?.comment : undefined;
      steps.push({
        roundId: ret.roundId,
        agency: ret.agency,
        at: h.at,
        what: h.what,
        ...(h.standardId ? { standardId: h.standardId } : {}),
        ...(h.comment ? { comment: h.comment } : {}),
        ...(challenge ? { inAnswerTo: challenge } : {}),
      });
    }
  }
  return {
    title: 'Section 11 self-assessment',
    records: { roundsStarted, roundsAskedOf, returns, theirSteps: steps, actionsNamingThemAsLead: actions },
    sheets: () => [
      {
        title: 'Section 11 returns',
        headers: ['Round', 'Agency', 'Status', 'Submitted by them', 'Standard', 'Rating', 'Narrative', 'Evidence', 'Proposed action', 'Saved'],
        rows: returns.flatMap((r) =>
          r.answersTheySaved.length
            ? r.answersTheySaved.map((a) => [
                r.roundId,
                r.agency,
                r.status,
                r.submittedByThem ? 'yes' : 'no',
                a.standardId,
                a.rating,
                a.naReason ? `${a.narrative} (not applicable: ${a.naReason})` : a.narrative,
                a.evidenceLinks.join('\n'),
                a.proposedAction ? `${a.proposedAction} by ${a.proposedDue}` : '',
                a.savedAt,
              ])
            : [[r.roundId, r.agency, r.status, r.submittedByThem ? 'yes' : 'no', '', '', '', '', '', '']],
        ),
        notes: [
          `Rounds they started: ${roundsStarted.map((r) => r.roundId).join(', ') || 'none'}.`,
          `Rounds in which they were asked for their agency’s return: ${roundsAskedOf.map((r) => `${r.roundId} (${r.agency})`).join(', ') || 'none'}.`,
        ],
      },
      {
        title: 'Section 11 their steps',
        headers: ['Round', 'Agency', 'Step', 'Standard', 'When', 'Comment', 'In answer to'],
        rows: steps.map((s) => [s.roundId, s.agency, s.what, s.standardId ?? '', s.at, s.comment ?? '', s.inAnswerTo ?? '']),
      },
      {
        title: 'Section 11 actions led',
        headers: ['Round', 'Agency', 'Standard', 'Action'],
        rows: actions.map((a) => [a.roundId, a.agency, a.standardId, a.actionId]),
      },
    ],
    notes: ['Of each Section 11 return only the answers you saved and the steps you took are included; the rest is your agency’s.'],
  };
};
