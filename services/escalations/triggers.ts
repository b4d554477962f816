import { localDate, today } from '../core/dates';
import { Conversations } from '../conversations/repository';
import { Directory } from '../people/repository';
import { type Action, ActionPlan, type StatusUpdate } from '../plan';
import type { Organisation } from '../organisation/model';
import { policyOf } from '../organisation/reminder-policy';
import { dueDateFor } from '../reminders';
import type { JobContext } from '../scheduling/job-context';
import { advanceOverdueStages, CasePeople, openEscalation, type EscalationDeps } from './escalations';
import { rulesOf } from '../organisation/escalation-ladder';
import type { EscalationCause } from './model';

const short = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}…` : text);

/** What someone typed, as one sentence of a summary: its own closing stop kept, none added twice ("no cover.." read as a typo). */
export const sentence = (text: string | undefined) => {
  const said = (text ?? '').trim() || '—';
  return /[.!?…]$/.test(said) ? said : `${said}.`;
};

function fromAction(action: Action, cause: EscalationCause, id: string, summary: string) {
  return {
    id,
    cause,
    source: 'automatic' as const,
    actionId: action.id,
    actionRef: action.ref,
    summary,
    immediateRisk: false,
    raisedBy: { name: 'Safeguarding Action Tracker' },
    involvedPersonIds: action.leadIds,
    startStage: 1,
  };
}

/**
 * Escalations a status update causes, decided when it is given (a transition, not a state, so a
 * resolved escalation is not reopened every night while the action stays Red). Ids carry the
 * version that caused them, so a replayed update opens nothing new.
 */
export async function escalationsAfterUpdate(deps: EscalationDeps, organisation: Organisation, action: Action, update: StatusUpdate): Promise<void> {
  const rules = rulesOf(organisation);
  const leads = action.leads.map((l) => l.name).join(', ');
  if (rules.actionRed && update.status === 'R' && update.previousStatus !== 'R') {
    await openEscalation(
      deps,
      organisation,
      fromAction(
        action,
        'action-red',
        `esc-${action.id}-red-v${update.fromVersion ?? action.version}`,
        `${action.ref} "${short(action.description)}" (lead ${leads}) was rated Red by ${update.by.name}. Reason: ${sentence(update.reason)} Remedial action: ${sentence(update.remedialAction)}`,
      ),
    );
  }
  const inTeams = action.history.filter((h) => h.source === 'teams');
  const [last, previous, before] = [inTeams.at(-1), inTeams.at(-2), inTeams.at(-3)];
  if (rules.amberTwice && last?.id === update.id && last.status === 'A' && previous?.status === 'A' && before?.status !== 'A') {
    await openEscalation(
      deps,
      organisation,
      fromAction(
        action,
        'amber-twice',
        `esc-${action.id}-amber-v${update.fromVersion ?? action.version}`,
        `${action.ref} "${short(action.description)}" (lead ${leads}) has been Amber in two consecutive updates. Latest reason: ${sentence(update.reason)}`,
      ),
    );
  }
}

/** The nightly job: time-based triggers, then the ladder's deadlines. */
export async function runEscalationChecks(ctx: JobContext): Promise<Record<string, unknown>> {
  const deps = { store: ctx.store, clock: ctx.clock, calendar: ctx.calendar, people: new CasePeople(ctx.store, ctx.orgId, ctx.organisation) };
  const rules = rulesOf(ctx.organisation);
  const policy = policyOf(ctx.organisation);
  const day = today(ctx.clock, ctx.organisation.timeZone);
  const plan = new ActionPlan(ctx.store);
  const overdue = await plan.openActionsDueBefore(ctx.orgId, day);
  let opened = 0;
  // A Red or second Amber whose escalation was not opened at the time (the store failed just after
  // the update was saved) is opened now; ids come from the update, so nothing opens twice.
  const atRisk = await plan.openActionsAtRisk(ctx.orgId);
  for (const action of atRisk) {
    const last = action.history.filter((h) => h.source === 'teams').at(-1);
    if (last && last.status === action.status) await escalationsAfterUpdate(deps, ctx.organisation, action, last);
  }
  for (const action of overdue) {
    const due = dueDateFor(action, day);
    if (!due || due >= day || action.ongoing) continue;
    if (action.history.some((h) => h.source === 'teams' && localDate(h.at, ctx.organisation.timeZone) >= due)) continue;
    const daysOver = ctx.calendar.workingDaysBetween(ctx.calendar.previousWorkingDay(due), day);
    const remindersSinceDue = 1 + Math.floor(daysOver / policy.overdueEvery);
    const leads = action.leads.map((l) => l.name).join(', ');
    if (rules.overdueWorkingDays > 0 && daysOver >= rules.overdueWorkingDays) {
      const r = await openEscalation(
        deps,
        ctx.organisation,
        fromAction(
          action,
          'overdue',
          `esc-${action.id}-overdue-${due}`,
          `${action.ref} "${short(action.description)}" (lead ${leads}) was due ${due} and is ${daysOver} working days overdue with no update.`,
        ),
      );
      if (r.created) opened++;
    }
    if (rules.noResponseAfterReminders > 0 && remindersSinceDue >= rules.noResponseAfterReminders) {
      const r = await openEscalation(
        deps,
        ctx.organisation,
        fromAction(
          action,
          'no-response',
          `esc-${action.id}-no-response-${due}`,
          `${action.ref} "${short(action.description)}" (lead ${leads}) has had ${remindersSinceDue} reminders since it was due on ${due} and no response.`,
        ),
      );
      if (r.created) opened++;
    }
  }
  if (rules.ownerUnreachable) {
    const unreachable = new Set((await new Conversations(ctx.store).unreachablePersonal(ctx.orgId)).flatMap((c) => (c.personId ? [c.personId] : [])));
    if (unreachable.size > 0) {
      const directory = new Directory(ctx.store);
      const open = await plan.openActions(ctx.orgId);
      for (const action of open) {
        if (action.leadIds.length === 0 || !action.leadIds.every((id) => unreachable.has(id))) continue;
        const names = (await Promise.all(action.leadIds.map((id) => directory.get(ctx.orgId, id)))).map((p) => p?.name ?? '?').join(', ');
        const r = await openEscalation(
          deps,
          ctx.organisation,
          fromAction(
            action,
            'owner-unreachable',
            `esc-${action.id}-unreachable`,
            `${action.ref} "${short(action.description)}": its lead (${names}) cannot be reached in Teams, so it is not being chased.`,
          ),
        );
        if (r.created) opened++;
      }
    }
  }
  const { moved } = await advanceOverdueStages(deps, ctx.organisation);
  return { day, opened, moved };
}
