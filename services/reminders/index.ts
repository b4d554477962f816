/** The public face of reminders: when an action is due, for the escalation checks. Other features import only this; keep it to what they use. */
export { dueDateFor } from './policy';
export { runDailyReminders } from './daily-reminders';
export { snoozeAction } from './snooze';
