import { DateTime } from 'luxon';
import { today } from '../core/dates';
import { enqueueAll } from '../delivery/outbox';
import type { NewOutboxItem } from '../delivery/model';
import { Directory } from '../people/repository';
import type { JobContext } from '../scheduling/job-context';
import { loadTrainingFigures } from './catalogue';
import { myTraining } from './rates';

/**
 * Weekly, on the first working day of the week: a note to everyone whose required training has
 * expired or expires within 30 days, and a digest to each of their managers. Ids carry the ISO
 * week, so a second run in the same week sends nothing.
 */
export async function runTrainingReminders(ctx: JobContext): Promise<Record<string, unknown>> {
  const day = today(ctx.clock, ctx.organisation.timeZone);
  const monday = DateTime.fromISO(day).startOf('week').toISODate()!;
  if (ctx.calendar.nextWorkingDay(monday) !== day) return { day, skipped: 'not the first working day of the week' };
  const week = DateTime.fromISO(day).toFormat("kkkk-'W'WW");
  const people = await new Directory(ctx.store).all({ orgId: ctx.orgId });
  const data = await loadTrainingFigures(ctx.store, { orgId: ctx.orgId }, people, day);
  const byManager = new Map<string, string[]>();
  // A digest to a manager who has left, or who is not in the directory, would reach no one.
  const activeIds = new Set(people.filter((p) => p.active).map((p) => p.id));
  const notes: NewOutboxItem[] = [];
  for (const person of people.filter((p) => p.active)) {
    const due = myTraining(data, person, day).filter((c) => c.state === 'expired' || c.state === 'expiring' || c.state === 'required');
    if (due.length === 0) continue;
    const lines = due.map(
      (c) => `${c.course.name}: ${c.state === 'expiring' ? `expires ${c.expiresOn}` : c.state === 'expired' ? `expired ${c.expiresOn}` : 'not yet done'}`,
    );
    notes.push({
      id: `training-${week}-${person.id}`,
      orgId: ctx.orgId,
      purpose: 'training',
      recipient: { personId: person.id },
      message: {
        kind: 'notice',
        title: 'Safeguarding training to renew',
        text: `${lines.join('; ')}. Book it through HR, or type "report training" once done.`,
      },
    });
    if (person.managerId && activeIds.has(person.managerId))
      byManager.set(person.managerId, [...(byManager.get(person.managerId) ?? []), `${person.name}: ${lines.join(', ')}`]);
  }
  const reminders = await enqueueAll(ctx.store, ctx.clock, notes, ctx.logger);
  const digests = await enqueueAll(
    ctx.store,
    ctx.clock,
    [...byManager].map(([managerId, lines]) => ({
      id: `training-manager-${week}-${managerId}`,
      orgId: ctx.orgId,
      purpose: 'training',
      recipient: { personId: managerId },
      message: { kind: 'notice', title: `Your team’s safeguarding training (${lines.length} to renew)`, text: lines.join('\n'), namesOthers: true },
    })),
    ctx.logger,
  );
  return { day, week, reminders, managerDigests: digests };
}
