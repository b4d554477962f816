import type { Clock } from '../core/clock';
import { enqueue } from '../delivery/outbox';
import { Directory } from '../people/directory';
import { inScope, isToldOfUnreachableRecipients, scopeFor } from '../access/policy';
import { partnershipOf } from '../organisation/organisations';
import type { Store } from '../store/ports';
import { reachReport, type ReachRow } from './report';

/** Enough names to act on in a card; the command line lists everyone. */
const NAMES_SHOWN = 25;

/**
 * One message a day to each administrator about everyone Teams cannot reach, instead of a card
 * per person as each one is found: counts, then the named list (administrators only, in their
 * personal chat; an agency's administrators, of its own people only). Nothing is sent on a day
 * when everyone is reachable.
 */
export async function enqueueUnreachableDigest(store: Store, clock: Clock, orgId: string, day: string, options: { emailEnabled?: boolean } = {}): Promise<{ unreachable: number; emailed: number; digests: number }> {
  const report = await reachReport(store, orgId, options);
  const everyoneMissed = report.rows.filter((r) => r.channel === 'unreachable');
  if (everyoneMissed.length === 0) return { unreachable: 0, emailed: report.counts.email, digests: 0 };
  const people = await new Directory(store).all(orgId);
  const byId = new Map(people.map((p) => [p.id, p]));
  const partnership = await partnershipOf(store, orgId);
  let digests = 0;
  // Each administrator hears of the people in their own scope: an agency's, of its staff only.
  for (const admin of people.filter((p) => p.active && isToldOfUnreachableRecipients(p))) {
    const scope = scopeFor(admin, partnership);
    const inTheirScope = (r: ReachRow) => inScope(byId.get(r.personId) ?? {}, scope, partnership);
    const missed = everyoneMissed.filter(inTheirScope);
    if (missed.length === 0) continue;
    const rows = report.rows.filter(inTheirScope);
    const emailed = rows.filter((r) => r.channel === 'email').length;
    const byWhy = new Map<string, number>();
    for (const r of missed) byWhy.set(r.why, (byWhy.get(r.why) ?? 0) + 1);
    const lines = [
      `${missed.length} of ${rows.length} people cannot be reached in Teams${options.emailEnabled ? ' or by email' : ''}; their reminders and alerts are not reaching them.` +
        (emailed > 0 ? ` (${emailed} more are reached by email instead.)` : ''),
      '',
      ...[...byWhy.entries()].sort((a, b) => b[1] - a[1]).map(([why, n]) => `- ${n}: ${why}`),
      '',
      ...missed.slice(0, NAMES_SHOWN).map((r) => `- ${r.name}: ${r.why}`),
      ...(missed.length > NAMES_SHOWN ? [`- and ${missed.length - NAMES_SHOWN} more: "npm run cli -- delivery reach" lists everyone.`] : []),
      '',
      report.problem
        ? `Microsoft Graph refuses to install the app for people (since ${report.problem.since.slice(0, 10)}): grant the app its Graph permissions (see the operations guide).`
        : 'Ask people in your organisation to open the Safeguarding Action Tracker app in Teams (or unblock it); partner agencies need it allowed in their own tenant.',
    ];
    const { created } = await enqueue(store, clock, {
      id: `reach-digest-${day}-to-${admin.id}`,
      orgId,
      purpose: 'admin-notice',
      recipient: { personId: admin.id },
      message: { kind: 'notice', title: `People Teams cannot reach: ${missed.length}`, text: lines.join('\n') },
    });
    if (created) digests++;
  }
  return { unreachable: everyoneMissed.length, emailed: report.counts.email, digests };
}
