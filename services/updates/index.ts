/** The public face of status updates: who may update an action, for snoozing its reminders, and what an update submits, for the update card. Other features import only this; keep it to what they use. */
export { canUpdate, loadActionFor } from './status-update';
export { submitStatusUpdate } from './status-update';
export type { StatusSubmission } from './rules';
