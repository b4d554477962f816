import { z } from 'zod';
import { ROLES, type Role } from '../people/model';
import type { Organisation } from './model';

/** How concerns climb: the stages of an organisation's escalation ladder and the rules that open an escalation automatically. */
export type LadderStage = {
  name: string;
  respondWithinWorkingDays: number;
  /** Who is alerted and may act: roles, named people, and team channels where the app is installed. */
  roles: Role[];
  personIds?: string[];
  channelKeys?: string[];
  /** Told that the concern reached this stage, without being asked to act. */
  informRoles?: Role[];
};

export type EscalationRules = {
  actionRed: boolean;
  amberTwice: boolean;
  /** Open an escalation when an action is this many working days overdue with no update (0 = off). */
  overdueWorkingDays: number;
  /** ...or after this many reminders since the due date (the due-day one and the overdue chasers) without an update (0 = off). */
  noResponseAfterReminders: number;
  ownerUnreachable: boolean;
};

export const DEFAULT_ESCALATION_RULES: EscalationRules = {
  actionRed: true,
  amberTwice: true,
  overdueWorkingDays: 10,
  noResponseAfterReminders: 4,
  ownerUnreachable: true,
};

/** The default ladder (working days, England & Wales). */
export const DEFAULT_LADDER: LadderStage[] = [
  { name: 'Practitioner to practitioner', respondWithinWorkingDays: 3, roles: [] },
  { name: 'Managers and named safeguarding leads', respondWithinWorkingDays: 2, roles: ['manager', 'safeguarding-lead'], informRoles: ['business-manager'] },
  { name: 'Heads of service', respondWithinWorkingDays: 5, roles: ['head-of-service'] },
  { name: 'Partnership executive', respondWithinWorkingDays: 5, roles: ['partnership-executive'] },
];

/**
 * A channel's key as the app stores it when installed in a team (channelConversationKey): it
 * becomes part of outbox ids and is read by id, so a pasted channel link ("https://...?...") or any
 * other text Cosmos DB cannot hold in an id is refused here with what a key looks like.
 */
export const CHANNEL_KEY = /^channel-[A-Za-z0-9_.@:-]{1,250}$/;
const channelKey = z.string().regex(CHANNEL_KEY, 'must be a channel key as "channels" lists it (channel-19:…@thread.tacv2), not a link to the channel');

export const ladderStageSchema = z.object({
  name: z.string().min(1).max(100),
  respondWithinWorkingDays: z.number().int().min(1).max(60),
  roles: z.array(z.enum(ROLES)),
  personIds: z.array(z.string().max(200)).max(50).optional(),
  channelKeys: z.array(channelKey).max(10).optional(),
  informRoles: z.array(z.enum(ROLES)).optional(),
});

export const escalationRulesSchema = z.object({
  actionRed: z.boolean(),
  amberTwice: z.boolean(),
  overdueWorkingDays: z.number().int().min(0).max(120),
  noResponseAfterReminders: z.number().int().min(0).max(50),
  ownerUnreachable: z.boolean(),
});

/** A ladder stored before channel keys were checked keeps its stages; only keys that could never be addressed are left out. */
function withoutBadChannelKeys(ladder: unknown): unknown {
  if (!Array.isArray(ladder)) return ladder;
  return ladder.map((stage: unknown) => {
    const keys = (stage as { channelKeys?: unknown } | null)?.channelKeys;
    return Array.isArray(keys) ? { ...(stage as object), channelKeys: keys.filter((k) => typeof k === 'string' && CHANNEL_KEY.test(k)) } : stage;
  });
}

export function ladderOf(organisation: Organisation): LadderStage[] {
  const parsed = z.array(ladderStageSchema).min(1).max(8).safeParse(withoutBadChannelKeys(organisation.escalationLadder));
  return parsed.success ? (parsed.data as LadderStage[]) : DEFAULT_LADDER;
}

export function rulesOf(organisation: Organisation): EscalationRules {
  const parsed = escalationRulesSchema.safeParse({ ...DEFAULT_ESCALATION_RULES, ...(organisation.escalationRules ?? {}) });
  return parsed.success ? parsed.data : DEFAULT_ESCALATION_RULES;
}
