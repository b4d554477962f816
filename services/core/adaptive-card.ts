/** An Adaptive Card as JSON: what every renderer returns and every route answers with. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; body: unknown[]; actions?: unknown[] } & Record<string, unknown>;
