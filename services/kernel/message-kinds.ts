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

/**
 * The renderers of a kind the outbox holds under its own `kind`, with its fields beside it (a
 * feature's kind from before modules declared their own: see OutboundMessageKinds in
 * services/delivery/messages.ts). Each renderer is given the whole message. The module declares
 * them typed (FeatureModule.storedMessages); the registry keeps them by name.
 */
export type StoredKind = {
  card: (message: Record<string, unknown>, botId: string) => AdaptiveCardJson;
  email: (message: Record<string, unknown>, helpers: EmailHelpers) => { subject: string; body: string };
  /** Whether this message notifies the person (Teams activity feed), not only the chat. */
  notifies?: (message: Record<string, unknown>) => boolean;
};

const storedKinds = new Map<string, StoredKind>();

export function registerStoredKind(kind: string, renderers: StoredKind): void {
  if (kind === 'notice' || kind === 'feature' || storedKinds.has(kind)) throw new Error(`Message kind "${kind}" is declared twice.`);
  storedKinds.set(kind, renderers);
}

/** The renderers of a stored kind; an outbox item whose module is gone fails alone, with this reason. */
export function storedKind(kind: string): StoredKind {
  const found = storedKinds.get(kind);
  if (!found) throw new AppError('VALIDATION', `No feature module renders messages of kind "${kind}".`);
  return found;
}
