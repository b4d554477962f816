import { personalConversationKey, whyNotInTeams } from '../conversations/model';
import { Conversations } from '../conversations/repository';
import type { Report } from '../core/report';
import { Directory } from '../people/repository';
import type { Store } from '../store/ports';
import type { Scope } from '../organisation/model';
import type { ReachDoc, ReachProblem, ReachState } from './model';
import { reachStateId } from './reach';
import { ReachRepository } from './repository';

export type ReachRow = {
  personId: string;
  name: string;
  /** How reminders reach them now: email only when Teams cannot and email is set up. */
  channel: 'teams' | 'email' | 'unreachable';
  /** Why not Teams, in words; empty when they are reached in Teams. */
  why: string;
};

export type ReachReport = { rows: ReachRow[]; counts: Record<ReachRow['channel'], number>; problem?: { since: string; detail: string } };

/**
 * For each active directory person: reached in Teams, or not and why (from the last reach run,
 * else from their conversation). Names are personal data: administrators only.
 */
export async function reachReport(store: Store, scope: Scope, options: { emailEnabled?: boolean } = {}): Promise<ReachReport> {
  const orgId = scope.orgId;
  // One agency's people when the scope names one: its administrators see only their own.
  const people = (await new Directory(store).all(scope)).filter((p) => p.active);
  const conversations = new Map((await new Conversations(store).personal(orgId)).map((c) => [c.id, c]));
  const docs: ReachDoc[] = await new ReachRepository(store).all(orgId);
  const states = new Map(docs.filter((d): d is ReachState => d.kind === 'person').map((s) => [s.id, s]));
  const problem = docs.find((d): d is ReachProblem => d.kind === 'problem' && !d.clearedAt);

  const rows: ReachRow[] = people.map((person) => {
    const conversation = person.aadObjectId ? conversations.get(personalConversationKey(person.aadObjectId)) : undefined;
    if (conversation?.reachable) return { personId: person.id, name: person.name, channel: 'teams', why: '' };
    const state = states.get(reachStateId(person.id));
    const why = state && state.outcome !== 'installed' ? state.reason : whyNotInTeams(person, conversation);
    return { personId: person.id, name: person.name, channel: options.emailEnabled && person.email ? 'email' : 'unreachable', why };
  });
  rows.sort((a, b) => a.channel.localeCompare(b.channel) || a.name.localeCompare(b.name));
  const counts = { teams: 0, email: 0, unreachable: 0 };
  for (const r of rows) counts[r.channel]++;
  return { rows, counts, ...(problem ? { problem: { since: problem.since, detail: problem.detail } } : {}) };
}

const CHANNEL_WORDS: Record<ReachRow['channel'], string> = { teams: 'Teams', email: 'email', unreachable: 'unreachable' };

/** Who is reached and how, as the one report shape; the counts and any Graph problem are its notes. */
export function reachListReport(report: ReachReport): Report {
  return {
    title: 'How reminders reach each person',
    headers: ['Person', 'Id', 'Reached by', 'Why not Teams'],
    rows: report.rows.map((r) => [r.name, r.personId, CHANNEL_WORDS[r.channel], r.why || null]),
    notes: [
      `Teams ${report.counts.teams}, email ${report.counts.email}, unreachable ${report.counts.unreachable}`,
      ...(report.problem ? [`Graph problem since ${report.problem.since}: ${report.problem.detail}`] : []),
    ],
  };
}
