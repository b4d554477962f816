import { DateTime } from 'luxon';
import type { Store } from '../store/ports';
import { ActionPlan } from './repository';
import { RAG_LABELS, type Action, type Plan } from './model';
import { PLAN_COLUMNS } from './plan-rows';

function statusCell(action: Action): string {
  return action.status === 'NR' ? '' : `${action.status}-${RAG_LABELS[action.status]}`;
}

function dueCell(action: Action): string {
  // A revised date replaces the planned one, written so that re-importing the file reads it back.
  return action.revisedDueDate ? DateTime.fromISO(action.revisedDueDate).toFormat('d LLLL yyyy') : action.due.text;
}

/**
 * The plan in the column layout it was imported from, with current RAG and latest progress, so it
 * can go straight into a board report. Repeated learning points and actions are left blank as
 * merged cells are in the source, which the import reads back the same way.
 */
export async function planTableRows(store: Store, orgId: string, planId: string): Promise<{ headers: string[]; rows: string[][]; plan?: Plan }> {
  const plan = new ActionPlan(store);
  const [actions, planDoc] = await Promise.all([plan.actionsOfPlan(orgId, planId), plan.plans.read(orgId, planId)]);
  const titles = new Map(planDoc?.learningPoints.map((lp) => [lp.number, lp.title]) ?? []);
  // A plan that names no review keeps the layout it was imported with.
  const linked = actions.some((a) => a.review);
  let previous: Action | undefined;
  const rows = actions.map((a) => {
    const sameLp = previous?.learningPoint === a.learningPoint;
    const sameAction = sameLp && previous?.description === a.description;
    previous = a;
    return [
      sameLp ? '' : `Learning Point ${a.learningPoint}: ${titles.get(a.learningPoint) ?? ''}`.replace(/: $/, ''),
      sameAction ? '' : a.description,
      a.evidence,
      dueCell(a),
      a.leads.map((l) => l.name).join('/'),
      a.progress,
      statusCell(a),
      // The review link, like the learning point, is written once and continues down the rows.
      ...(linked ? [sameLp ? '' : (a.review?.reviewId ?? ''), sameLp ? '' : (a.review?.recommendationId ?? '')] : []),
    ];
  });
  const headers: string[] = [...PLAN_COLUMNS];
  return { headers: linked ? headers : headers.filter((h) => h !== 'Review' && h !== 'Recommendation'), rows, plan: planDoc };
}
