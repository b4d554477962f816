import type { AdaptiveCardJson } from '../core/adaptive-card';
import { AppError } from '../core/errors';

export type EmailHelpers = { html: (text: string) => string; reply: (how: string) => string };

/**
 * An outbound message kind a feature declares: how its card looks in Teams and how its email reads.
 * Its payload is what the feature queued (`{ kind: 'feature', type, payload }` in the outbox), so
 * each renderer parses it; the email renderer escapes everything it writes, as renderEmail does.
 */
export type MessageKind = {
  card: (payload: Record<string, unknown>, botId: string) => AdaptiveCardJson;
  /** The email's subject and HTML body; `html` escapes text (hidden controls out first), `reply` says how to answer in Teams. */
  email: (payload: Record<string, unknown>, helpers: EmailHelpers) => { subject: string; body: string };
  /** Notifies the person (Teams activity feed), not only the chat, as escalation alerts do. */
  notifies?: boolean;
};

/**
 * The feature modules' message kinds, filled by the module registry at start-up. It stands apart
 * from the registry so that the outbox and the renderers, which the modules build on, need not
 * know the module contract.
 */
const kinds = new Map<string, MessageKind>();

export function registerMessageKind(type: string, kind: MessageKind): void {
  if (kinds.has(type)) throw new Error(`Message type "${type}" is declared twice.`);
  kinds.set(type, kind);
}

/** A feature's message kind by type; an outbox item whose module is gone fails alone, with this reason. */
export function messageKind(type: string): MessageKind {
  const kind = kinds.get(type);
  if (!kind) throw new AppError('VALIDATION', `No feature module renders messages of type "${type}".`);
  return kind;
}
