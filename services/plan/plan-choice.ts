import { AppError } from '../core/errors';
import type { Plan } from './model';

/** The id a first plan gets when the operator names none. */
export const FIRST_PLAN_ID = 'action-plan';

const listed = (plans: readonly Plan[]) => plans.map((p) => `${p.id} ("${p.title}")`).join(', ');

/**
 * The plan a command works on. Named with --plan, that one. Unnamed, the organisation's only plan
 * (so re-importing the plan updates it rather than starting a second copy), or, for an import into
 * an organisation with no plan yet, a first one. With several plans a guess could change the wrong
 * one, so the operator is asked to choose and shown what there is.
 */
/** A plan id starts every action id of the plan, so it is a short plain name Cosmos DB can hold in an id. */
const PLAN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function choosePlan(plans: readonly Plan[], requested: string | undefined, use: 'import' | 'read', orgId: string): string {
  if (requested !== undefined) {
    if (!PLAN_ID.test(requested)) {
      throw new AppError(
        'VALIDATION',
        `--plan "${requested.slice(0, 80)}" must be a plain name of letters, digits, - and _ (at most 64), such as plan-2026-27.`,
      );
    }
    if (use === 'read' && !plans.some((p) => p.id === requested)) {
      throw new AppError(
        'NOT_FOUND',
        plans.length
          ? `There is no plan "${requested}" in organisation "${orgId}". Its plans: ${listed(plans)}.`
          : `There is no plan in organisation "${orgId}" yet. Import one first.`,
      );
    }
    return requested;
  }
  if (plans.length === 1) return plans[0]!.id;
  if (plans.length === 0) {
    if (use === 'import') return FIRST_PLAN_ID;
    throw new AppError('NOT_FOUND', `There is no plan in organisation "${orgId}" yet. Import one first.`);
  }
  throw new AppError('VALIDATION', `Organisation "${orgId}" has ${plans.length} plans: say which with --plan: ${listed(plans)}.`);
}
