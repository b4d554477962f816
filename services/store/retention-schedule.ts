import { DateTime } from 'luxon';
import type { Config } from '../core/config';
import type { ContainerName } from './containers';

/** How long each kind of record is kept: one setting each (env.sample), defaults justified in docs/OPERATIONS.md. */
export type RetentionSettings = {
  messageBodyDays: number;
  deliveryRecordDays: number;
  unlinkedSignInDays: number;
  closedEscalationYears: number;
  leaverTrainingYears: number;
  campaignYears: number;
  auditYears: number;
};

export const DEFAULT_RETENTION: RetentionSettings = {
  messageBodyDays: 30,
  deliveryRecordDays: 180,
  unlinkedSignInDays: 90,
  closedEscalationYears: 6,
  leaverTrainingYears: 6,
  campaignYears: 2,
  auditYears: 6,
};

export function retentionFromConfig(
  config: Pick<
    Config,
    | 'RETAIN_MESSAGE_BODY_DAYS'
    | 'RETAIN_DELIVERY_RECORD_DAYS'
    | 'RETAIN_UNLINKED_SIGN_IN_DAYS'
    | 'RETAIN_CLOSED_ESCALATION_YEARS'
    | 'RETAIN_LEAVER_TRAINING_YEARS'
    | 'RETAIN_CAMPAIGN_YEARS'
    | 'AUDIT_RETENTION_YEARS'
  >,
): RetentionSettings {
  return {
    messageBodyDays: config.RETAIN_MESSAGE_BODY_DAYS,
    deliveryRecordDays: config.RETAIN_DELIVERY_RECORD_DAYS,
    unlinkedSignInDays: config.RETAIN_UNLINKED_SIGN_IN_DAYS,
    closedEscalationYears: config.RETAIN_CLOSED_ESCALATION_YEARS,
    leaverTrainingYears: config.RETAIN_LEAVER_TRAINING_YEARS,
    campaignYears: config.RETAIN_CAMPAIGN_YEARS,
    auditYears: config.AUDIT_RETENTION_YEARS,
  };
}

export type Period = { days: number } | { years: number };

/**
 * One line of the schedule: which records (container and kind), counted from what, kept how long,
 * and what happens then. `ttl`: Azure Cosmos DB removes them itself (a per-item `ttl`, counted
 * from the item's last write, which for these is the moment the period starts); the housekeeping
 * job enforces every line on both stores, since the embedded store never expires anything and TTL
 * cannot count from a field or remove part of a document.
 */
export type RetentionLine = {
  key: keyof RetentionSettings;
  container: ContainerName;
  kind: string;
  from: string;
  period: (s: RetentionSettings) => Period;
  then: string;
  ttl: boolean;
};

/** The declared schedule: every personal record the app keeps past its use, one line per container and kind. */
export const RETENTION_SCHEDULE: readonly RetentionLine[] = [
  {
    key: 'messageBodyDays',
    container: 'outbox',
    kind: 'message body (card or email content)',
    from: 'sending',
    period: (s) => ({ days: s.messageBodyDays }),
    then: 'the content is removed; the delivery record stays',
    ttl: false,
  },
  {
    key: 'deliveryRecordDays',
    container: 'outbox',
    kind: 'delivery record (to whom, when, seen)',
    from: 'sending',
    period: (s) => ({ days: s.deliveryRecordDays }),
    then: 'deleted',
    ttl: true,
  },
  {
    key: 'unlinkedSignInDays',
    container: 'conversations',
    kind: 'unlinked sign-in attempt',
    from: 'the last attempt',
    period: (s) => ({ days: s.unlinkedSignInDays }),
    then: 'deleted',
    ttl: true,
  },
  {
    key: 'closedEscalationYears',
    container: 'escalations',
    kind: 'escalation (closed)',
    from: 'closing',
    period: (s) => ({ years: s.closedEscalationYears }),
    then: 'deleted',
    ttl: false,
  },
  {
    key: 'leaverTrainingYears',
    container: 'training',
    kind: 'training record and summary of a leaver',
    from: 'leaving',
    period: (s) => ({ years: s.leaverTrainingYears }),
    then: 'deleted',
    ttl: false,
  },
  {
    key: 'campaignYears',
    container: 'surveys',
    kind: 'responded marker and audience list of a questionnaire',
    from: 'closing',
    period: (s) => ({ years: s.campaignYears }),
    then: 'deleted (the anonymous answers and figures stay)',
    ttl: false,
  },
  { key: 'auditYears', container: 'audit', kind: 'audit entry', from: 'writing', period: (s) => ({ years: s.auditYears }), then: 'deleted', ttl: true },
];

export function lineOf(key: keyof RetentionSettings): RetentionLine {
  return RETENTION_SCHEDULE.find((l) => l.key === key)!;
}

/** The instant a period that starts at `start` ends. */
export function endOf(start: string, period: Period): string {
  return DateTime.fromISO(start, { zone: 'utc' }).plus(period).toUTC().toISO()!;
}

/** The start before which a period has ended by `now`: records older than this are past it. */
export function cutoffFor(now: Date, period: Period): string {
  return DateTime.fromJSDate(now, { zone: 'utc' }).minus(period).toUTC().toISO()!;
}

/** A period in seconds for a Cosmos DB per-item `ttl` (years with their leap days, rounded up). */
export function ttlSeconds(period: Period): number {
  return 'days' in period ? period.days * 86_400 : Math.ceil(period.years * 365.25) * 86_400;
}

export function describePeriod(period: Period): string {
  return 'days' in period ? `${period.days} days` : `${period.years} years`;
}
