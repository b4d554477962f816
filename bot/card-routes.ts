import type { CardRoute, TextCommand } from './routes/context';
import { ACTION_COMMANDS, ACTION_ROUTES } from './routes/actions';
import { ESCALATION_COMMANDS, ESCALATION_ROUTES } from './routes/escalations';
import { SURVEY_COMMANDS, SURVEY_ROUTES } from './routes/surveys';
import { TRAINING_COMMANDS, TRAINING_ROUTES } from './routes/training';
import { REACH_COMMANDS } from './routes/reach';

export type { RouteContext } from './routes/context';

/**
 * The one place a card verb meets a use case. Card data is untrusted: each route parses what it
 * needs and the use case authorises the acting user against stored records.
 */
export const CARD_ROUTES: Record<string, CardRoute> = { ...ACTION_ROUTES, ...ESCALATION_ROUTES, ...TRAINING_ROUTES, ...SURVEY_ROUTES };

/** Typed commands in a 1:1 chat, matched in order. */
export const TEXT_COMMANDS: TextCommand[] = [...ACTION_COMMANDS, ...TRAINING_COMMANDS, ...ESCALATION_COMMANDS, ...SURVEY_COMMANDS, ...REACH_COMMANDS];
