import type { Clock } from '../core/clock';
import { enqueue } from '../delivery/outbox';
import { Directory } from '../people/repository';
import { inScope, isToldOfUnreachableRecipients, mayViewReach, scopeFor } from '../access/policy';
import { partnershipFor, partnershipOf } from '../organisation/organisations';
import { Agencies } from '../organisation/repository';
import type { UnreachableChannels } from '../delivery/ports';
import type { Store } from '../store/ports';
import { reachReport, type ReachReport } from './report';
import type { Organisation, Scope } from '../organisation/model';

/** Enough names to act on in a card; the command line lists everyone. */
const NAMES_SHOWN = 25;

/**
 * One message a day to each administrator about everyone Teams cannot reach, instead of a card
 * per person as each one is found: counts, then the named list (administrators only, in their
 * personal chat; an agency's administrators, of its own people only). Nothing is sent on a day
 * when everyone is reachable.
 */
export async function enqueueUnreachableDigest(
  store: Store,
  clock: Clock,
  orgId: string,
  day: string,
  /** `organisation`: the job's, read once for its run (it is the partnership too). */
  options: { emailEnabled?: boolean; organisation?: Organisation } = {},
): Promise<{ unreachable: number; emailed: number; digests: number }> {
  const whole = await reachReport(store, { orgId }, options);
  const everyoneMissed = whole.rows.filter((r) => r.channel === 'unreachable').length;
  if (everyoneMissed === 0) return { unreachable: 0, emailed: whole.counts.email, digests: 0 };
  const partnership = await partnershipFor({ store, ...(options.organisation ? { organisation: options.organisation } : {}) }, orgId);
  // One report a scope: an agency's administrators hear only of their own agency's people.
  const reports = new Map<string, Promise<ReachReport>>([['', Promise.resolve(whole)]]);
  const reportFor = (scope: Scope) => {
    const key = scope.agency ?? '';
    if (!reports.has(key)) reports.set(key, reachReport(store, scope, options));
    return reports.get(key)!;
  };
  let digests = 0;
  // The digest names people: it goes to those the access policy lets see who is reached.
  for (const admin of (await new Directory(store).all({ orgId })).filter((p) => p.active && mayViewReach(p))) {
    const report = await reportFor(scopeFor(admin, partnership));
    const missed = report.rows.filter((r) => r.channel === 'unreachable');
    if (missed.length === 0) continue;
    const byWhy = new Map<string, number>();
    for (const r of missed) byWhy.set(r.why, (byWhy.get(r.why) ?? 0) + 1);
    const lines = [
      `${missed.length} of ${report.rows.length} people cannot be reached in Teams${options.emailEnabled ? ' or by email' : ''}; their reminders and alerts are not reaching them.` +
        (report.counts.email > 0 ? ` (${report.counts.email} more are reached by email instead.)` : ''),
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
      message: { kind: 'notice', title: `People Teams cannot reach: ${missed.length}`, text: lines.join('\n'), namesOthers: true },
    });
    if (created) digests++;
  }
  return { unreachable: everyoneMissed, emailed: whole.counts.email, digests };
}

/**
 * A team channel Teams will no longer deliver to, told once to the administrators who look after it
 * (the delivery sender calls this when it gives the channel up). A channel is its tenant's agency's
 * (the lead agency's when the tenant is no agency's, as for a person with none): its administrators
 * and the partnership's hear of it, not another agency's.
 */
export const noticeUnreachableChannel: UnreachableChannels = async (channel, { store, clock }) => {
  const partnership = await partnershipOf(store, channel.orgId);
  const owner = channel.tenantId ? await new Agencies(store).byTenant(channel.orgId, channel.tenantId) : undefined;
  const scope = owner ? { agency: owner.agencyId } : {};
  const admins = (await new Directory(store).all({ orgId: channel.orgId })).filter(
    (p) => p.active && isToldOfUnreachableRecipients(p) && inScope(scope, scopeFor(p, partnership), partnership),
  );
  for (const admin of admins) {
    await enqueue(store, clock, {
      id: `unreachable-${channel.conversationKey}-to-${admin.id}`,
      orgId: channel.orgId,
      purpose: 'admin-notice',
      recipient: { personId: admin.id },
      message: {
        kind: 'notice',
        title: `${channel.name} cannot be reached in Teams`,
        text: `Messages to ${channel.name} are not being delivered: ${channel.reason}. Add the Safeguarding Action Tracker app to the team again, or choose another channel.`,
      },
    });
  }
};
