/** The public face of the plan: actions and their updates, the plan's store and its import. Other features import only this; keep it to what they use. */
export type { DueSchedule } from './due-dates';
export { importPlan, type ImportReport } from './import-plan';
export { type Action, isOpen, isOverdue, nextDueDate, type PersonRef, type Rag, RAG_LABELS, type StatusUpdate } from './model';
export { ActionPlan, type PlanRowFields, type RoundAction } from './repository';
export { addPlanActions } from './add-actions';
export { PLAN_COLUMNS } from './plan-rows';
export { changeMovedHistory, fullHistory, moveOldHistory } from './history';
export type { DigestLine, ReminderDigest } from './messages';
