import { formatDate, today } from '../core/dates';
import { listedText } from '../core/text';
import { enqueueAll } from '../delivery/outbox';
import type { NewOutboxItem } from '../delivery/model';
import { coversFor } from '../access/policy';
import { Directory } from '../people/repository';
import { coverFor, type Person } from '../people/model';
import { type Action, ActionPlan, type DigestLine } from '../plan';
import type { JobContext } from '../scheduling/job-context';
import { reminderFor, type ReminderReason } from './policy';
import { policyOf } from '../organisation/reminder-policy';

function why(reason: ReminderReason): string {
  switch (reason.kind) {
    case 'due-soon':
      return `due in ${reason.workingDaysLeft} working day${reason.workingDaysLeft === 1 ? '' : 's'} (${formatDate(reason.dueDate)})`;
    case 'due-today':
      return `due today (${formatDate(reason.dueDate)})`;
    case 'overdue':
      return `${reason.workingDaysOverdue} working days overdue (was due ${formatDate(reason.dueDate)})`;
    case 'periodic':
      return 'ongoing: time for this period’s update';
  }
}

/**
 * The actions that could need a reminder today: those due within the furthest reminder horizon
 * or already overdue, and ongoing ones. Both filters are indexed, so the cost follows the number
 * of actions due, not the size of the plan.
 */
async function candidates(ctx: JobContext, horizon: string): Promise<Action[]> {
  const plan = new ActionPlan(ctx.store);
  const [dated, ongoing] = await Promise.all([plan.openActionsDueBy(ctx.orgId, horizon), plan.openOngoingActions(ctx.orgId)]);
  return [...new Map([...dated, ...ongoing].map((a) => [a.id, a])).values()];
}

/** One digest per recipient for everything that needs a reminder today; leave cover redirects to the delegate. */
export async function runDailyReminders(ctx: JobContext): Promise<Record<string, unknown>> {
  const policy = policyOf(ctx.organisation);
  const day = today(ctx.clock, ctx.organisation.timeZone);
  const horizon = ctx.calendar.addWorkingDays(day, Math.max(0, ...policy.beforeDue));
  const actions = await candidates(ctx, horizon);
  const people = new Map((await new Directory(ctx.store).all({ orgId: ctx.orgId })).map((p) => [p.id, p]));
  const partnership = ctx.organisation;

  const digests = new Map<string, DigestLine[]>();
  let reminders = 0;
  let withoutOwner = 0;
  for (const action of actions) {
    const reason = reminderFor(action, day, policy, ctx.calendar, ctx.organisation.timeZone);
    if (!reason) continue;
    reminders++;
    if (action.leadIds.length === 0) withoutOwner++;
    for (const leadId of action.leadIds) {
      const lead = people.get(leadId);
      if (!lead?.active) continue;
      const delegateId = coverFor(lead, day);
      const delegate = delegateId ? people.get(delegateId) : undefined;
      const recipient = delegate?.active && coversFor(delegate, lead, day, partnership) ? delegate.id : leadId;
      const line: DigestLine = {
        actionId: action.id,
        ref: action.ref,
        // What the card shows of it: a digest of many long actions stays far below the store's 2 MB.
        description: listedText(action.description),
        why: why(reason),
        status: action.status,
        ...(recipient !== leadId ? { leadName: lead.name } : {}),
        ...(reason.kind === 'due-today' ? { dueToday: true } : {}),
      };
      digests.set(recipient, [...(digests.get(recipient) ?? []), line]);
    }
  }

  const messages = [...digests].map(([personId, lines]): NewOutboxItem => {
    const recipient = people.get(personId) as Person;
    lines.sort((a, b) => a.ref.localeCompare(b.ref, 'en', { numeric: true }));
    const id = `reminders-${day}-${personId}`;
    return {
      id,
      orgId: ctx.orgId,
      purpose: 'reminder',
      recipient: { personId },
      message: {
        kind: 'reminder-digest',
        heading: `Safeguarding actions needing your attention (${lines.length})`,
        intro: `Hello ${recipient.name.split(' ')[0]}, these actions are due soon or need an update. Use Update to give a RAG status, or Snooze to be reminded later.`,
        lines,
        snoozeChoices: policy.snoozeChoices,
        outboxId: id,
        ...(lines.some((l) => l.dueToday) ? { dueToday: true } : {}),
      },
    };
  });
  const enqueued = await enqueueAll(ctx.store, ctx.clock, messages, ctx.logger);
  return { day, candidates: actions.length, reminders, digests: digests.size, enqueued, withoutOwner };
}
