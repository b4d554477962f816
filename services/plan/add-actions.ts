import type { Clock } from '../core/clock';
import { today } from '../core/dates';
import type { Store } from '../store/ports';
import { nextDueDate, type Action, type PersonRef, type Plan } from './model';
import { choosePlan } from './plan-choice';
import { ActionPlan } from './repository';

/** An action another part of the product raises in the plan (a Section 11 standard rated weak). */
export type NewPlanAction = {
  /** Stable across retries: the same key never makes a second action. */
  key: string;
  /** The learning point it goes under, by title; a new one is numbered after the plan's last. */
  learningPoint: string;
  description: string;
  evidence: string;
  dueDate: string;
  leads: PersonRef[];
};

/**
 * Adds actions to the plan as an import would make them (not yet rated, due on a date, with their
 * leads), so reminders, RAG updates, escalation and the plan's reports treat them like any other.
 * The plan is the one named, else the organisation's only plan, else a first one. Adding the same
 * key again changes nothing. Returns the actions' ids, in the order given.
 */
export async function addPlanActions(
  deps: { store: Store; clock: Clock },
  input: { orgId: string; planId?: string; title: string; timeZone: string; actions: NewPlanAction[] },
): Promise<{ planId: string; actionIds: string[] }> {
  const repo = new ActionPlan(deps.store);
  const planId = choosePlan(await repo.plansOf(input.orgId), input.planId, 'import', input.orgId);
  const now = deps.clock.now().toISOString();
  const day = today(deps.clock, input.timeZone);
  const titles = [...new Set(input.actions.map((a) => a.learningPoint))];
  // The learning points first: one document, changed with its etag.
  const plan = await repo.plans.read(input.orgId, planId);
  const base: Plan = plan ?? { id: planId, orgId: input.orgId, title: input.title, learningPoints: [] };
  const missing = titles.filter((t) => !base.learningPoints.some((lp) => lp.title === t));
  const updated =
    missing.length === 0 && plan
      ? plan
      : plan
        ? await repo.plans.update(input.orgId, planId, (p) => withLearningPoints(p, titles))
        : await repo.plans.create(withLearningPoints(base, titles));
  const numberOf = new Map(updated.learningPoints.map((lp) => [lp.title, lp.number]));
  const actionIds: string[] = [];
  for (const item of input.actions) {
    const id = `${planId}-${item.key}`;
    actionIds.push(id);
    if (await repo.actions.read(input.orgId, id)) continue;
    const learningPoint = numberOf.get(item.learningPoint)!;
    const siblings = (await repo.actionsOfPlan(input.orgId, planId)).filter((a) => a.learningPoint === learningPoint).length;
    const action: Action = {
      id,
      orgId: input.orgId,
      planId,
      importKey: item.key,
      ref: `LP${learningPoint}.${siblings + 1}`,
      learningPoint,
      description: item.description,
      evidence: item.evidence,
      due: { dates: [item.dueDate], ongoing: null, text: item.dueDate },
      ongoing: false,
      leads: item.leads,
      leadIds: item.leads.flatMap((l) => (l.personId ? [l.personId] : [])),
      status: 'NR',
      progress: '',
      version: 1,
      history: [],
      imported: { status: 'NR', progress: '', rowNumber: 0 },
      open: true,
      updatedAt: now,
    };
    action.nextDueDate = nextDueDate(action, day);
    await repo.actions.create(action);
  }
  return { planId, actionIds };
}

function withLearningPoints(plan: Plan, titles: string[]): Plan {
  const learningPoints = [...plan.learningPoints];
  for (const title of titles) {
    if (learningPoints.some((lp) => lp.title === title)) continue;
    learningPoints.push({ number: Math.max(0, ...learningPoints.map((lp) => lp.number)) + 1, title });
  }
  return { ...plan, learningPoints };
}
