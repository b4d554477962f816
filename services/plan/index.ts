/** The public face of the plan: actions and their updates, the plan's store, its import, and the table reader other imports share. Other features import only this; keep it to what they use. */
export type { DueSchedule } from './due-dates';
export { importPlan, type ImportReport } from './import-plan';
export { type Action, isOpen, isOverdue, nextDueDate, type PersonRef, type Rag, RAG_LABELS, type StatusUpdate } from './model';
export { ActionPlan, type PlanRowFields, type RoundAction } from './repository';
export { readTable, type Table } from './tabular';
