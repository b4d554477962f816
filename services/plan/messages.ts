import type { Rag } from './model';

/** One action in a reminder digest (daily reminders, and a round's request to update). */
export type DigestLine = {
  actionId: string;
  ref: string;
  description: string;
  /** Why this action is in the digest, in words, e.g. "due in 7 working days (30 Nov 2026)". */
  why: string;
  status: Rag;
  /** Whose action it is, when the recipient is covering for someone on leave. */
  leadName?: string;
  /** The reminder's reason: due today is the one that notifies. */
  dueToday?: boolean;
};

/**
 * A person's actions to update, one digest a person: what reminders and update rounds queue. The
 * actions module renders it (services/actions/module.ts). `outboxId`: the outbox item the digest
 * goes out as, so its card can page through the lines ("Show 5 more") without carrying them.
 * `dueToday`: something in it is due today, so Teams notifies the person (activity feed), not only the chat.
 */
export type ReminderDigest = { heading: string; intro: string; lines: DigestLine[]; snoozeChoices: number[]; outboxId?: string; dueToday?: boolean };

// The outbox's union gains the digest here, so the engine names no plan record (see OutboundMessageKinds).
declare module '../delivery/messages' {
  interface OutboundMessageKinds {
    'reminder-digest': ReminderDigest;
  }
}
