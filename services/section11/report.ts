import { AppError } from '../core/errors';
import type { Cell, Report } from '../core/report';
import { allows, mayViewSection11Grid } from '../access/policy';
import { partnershipFor, type PartnershipSource } from '../organisation/organisations';
import { RAG_LABELS } from '../plan';
import { ActionPlan } from '../plan';
import { returnId, type S11Return, type S11Round, type StandardAnswer } from './model';
import { Section11Store } from './repository';
import { currentRound, previousRound, type Requester } from './rounds';
import { inChallenge, ratingLabel } from './rules';
import { findStandardSet } from './standards';

/** How a rating looks in the grid: coloured by a mark every surface shows (a chat card, a spreadsheet, the tab). */
const MARKS: Record<string, string> = {
  green: '🟢',
  outstanding: '🟢',
  good: '🟢',
  amber: '🟠',
  'requires-improvement': '🟠',
  red: '🔴',
  inadequate: '🔴',
  na: '⚪',
};

/** The state of one standard of a return, as the csv gives it. */
export function standardState(ret: S11Return | undefined, answer: StandardAnswer | undefined): string {
  if (!ret || !answer || (answer.carriedForward && ret.status === 'in-progress')) return 'not started';
  if (ret.status === 'accepted' || answer.scrutiny?.state === 'accepted') return 'accepted';
  if (answer.scrutiny) return 'challenged';
  return ret.status === 'submitted' ? 'submitted' : 'in progress';
}

type Loaded = {
  round: S11Round;
  standards: { id: string; title: string }[];
  returns: Map<string, S11Return>;
  before: Map<string, S11Return>;
  actions: Map<string, string>;
};

async function loadGrid(deps: PartnershipSource, input: { orgId: string; requester: Requester; roundId?: string }): Promise<Loaded> {
  const { store } = deps;
  const partnership = await partnershipFor(deps, input.orgId);
  if (!allows(input.requester, (a) => mayViewSection11Grid(a, partnership)))
    throw new AppError(
      'FORBIDDEN',
      'The Section 11 results are for the agencies’ Section 11 and safeguarding leads, administrators and the partnership’s business manager.',
    );
  const round = await currentRound(store, input.orgId, input.roundId);
  const set = await findStandardSet(store, input.orgId, round.standards.key, round.standards.version);
  const repo = new Section11Store(store);
  const returns = new Map((await repo.returnsOf(input.orgId, round.id)).map((r) => [r.agency, r as S11Return]));
  const previous = await previousRound(store, round);
  const before = new Map<string, S11Return>();
  for (const a of round.agencies) {
    const last = previous ? await repo.return(input.orgId, returnId(previous.id, a.agency)) : undefined;
    // Only a submitted return counts as last round's rating; a draft never left the agency.
    if (last && last.status !== 'in-progress') before.set(a.agency, last);
  }
  // Each action raised, as "LP9.1 Amber": its reference and the RAG its lead last gave it.
  const actions = new Map<string, string>();
  const plan = new ActionPlan(store);
  for (const ret of returns.values()) {
    for (const a of Object.values(ret.answers)) {
      if (!a.actionId) continue;
      const action = await plan.getAction(input.orgId, a.actionId);
      if (action) actions.set(a.actionId, `${action.ref} ${RAG_LABELS[action.status]}`);
    }
  }
  return { round, standards: set.standards.map((s) => ({ id: s.id, title: s.title })), returns, before, actions };
}

const rated = (round: S11Round, a: StandardAnswer | undefined) => (a?.rating ? `${MARKS[a.rating] ?? ''} ${ratingLabel(round.scale, a.rating)}`.trim() : '');

/**
 * The grid: ratings by agency and standard, each with the change from the last round, the count in
 * challenge and the actions raised with their RAG. Ratings only, never narratives: every agency may
 * see it. A rating shows once the return is submitted (a draft is the agency's own).
 */
export async function section11Grid(deps: PartnershipSource, input: { orgId: string; requester: Requester; roundId?: string }): Promise<Report> {
  const g = await loadGrid(deps, input);
  const rows: Cell[][] = g.round.agencies.map((agency) => {
    const ret = g.returns.get(agency.agency);
    const shown = ret && ret.status !== 'in-progress';
    const cells = g.standards.map((s) => {
      if (!shown) return '';
      const now = ret.answers[s.id];
      const was = g.before.get(agency.agency)?.answers[s.id];
      const change = was?.rating && now?.rating && was.rating !== now.rating ? ` (was ${ratingLabel(g.round.scale, was.rating)})` : '';
      return `${rated(g.round, now)}${change}`;
    });
    const raised = ret ? Object.values(ret.answers).flatMap((a) => (a.actionId && g.actions.has(a.actionId) ? [g.actions.get(a.actionId)!] : [])) : [];
    return [agency.name, ...cells, ret ? inChallenge(ret).length : 0, raised.join(', ')];
  });
  return {
    title: `Section 11 self-assessment ${g.round.year}: ratings by agency`,
    headers: ['Agency', ...g.standards.map((_, i) => `S${i + 1}`), 'In challenge', 'Actions raised'],
    rows,
    notes: [
      ...g.standards.map((s, i) => `S${i + 1}: ${s.title}`),
      'Ratings show once a return is submitted; "(was …)" is the agency’s rating in the last round. Actions raised: each plan action with its RAG now.',
    ],
  };
}

/** One row per agency and standard, for `s11 report --format csv|xlsx`: agency, standard, rating, state and the actions raised. */
export async function section11Rows(deps: PartnershipSource, input: { orgId: string; requester: Requester; roundId?: string }): Promise<Report> {
  const g = await loadGrid(deps, input);
  const rows: Cell[][] = [];
  for (const agency of g.round.agencies) {
    const ret = g.returns.get(agency.agency);
    for (const s of g.standards) {
      const a = ret?.answers[s.id];
      const shown = ret && ret.status !== 'in-progress';
      rows.push([
        agency.name,
        s.title,
        shown && a?.rating ? ratingLabel(g.round.scale, a.rating) : '',
        standardState(ret, a),
        a?.actionId ? (g.actions.get(a.actionId) ?? '') : '',
      ]);
    }
  }
  return { title: `Section 11 ${g.round.year}`, headers: ['Agency', 'Standard', 'Rating', 'State', 'Actions raised'], rows, notes: [] };
}
