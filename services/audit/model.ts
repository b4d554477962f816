/** Where a person was when they saw or changed something; `system` is the app itself (a scheduled job, a sign-in refresh, a setting applied at start-up). */
export const AUDIT_SURFACES = ['teams', 'tab', 'cli', 'system'] as const;
export type AuditSurface = (typeof AUDIT_SURFACES)[number];

/** A read of personal data, a file of it leaving the app, or a change of who may do what. */
export type AuditAction = 'view' | 'export' | 'backup' | 'change';

/** What was seen or changed: a kind of record and its id (a person, an escalation, a campaign, a list). */
export type AuditRecordRef = { kind: string; id: string };

/** Who acted: a directory person, or the operator at the command line without --as. */
export const OPERATOR_ID = 'operator';
/** Who acted when the app itself changed something (the Entra group sync, the bootstrap setting). */
export const SYSTEM_ID = 'system';

/**
 * One entry of the record of who saw what. Appended only: the app has no way to change or delete
 * one (housekeeping removes it at the end of AUDIT_RETENTION_YEARS).
 */
export type AuditEntry = {
  id: string;
  orgId: string;
  kind: 'audit';
  /** When (the injected clock), ISO. */
  at: string;
  /** Who: a person id, or OPERATOR_ID. (`by` is a word Cosmos SQL reserves.) */
  who: string;
  surface: AuditSurface;
  action: AuditAction;
  record: AuditRecordRef;
  /** The agency the read covered; absent when it covered every agency. */
  agency?: string;
  /** A short, fixed description (a report's options, the change made): never free text a person typed. */
  detail?: string;
  /** Azure Cosmos DB removes the entry itself after this many seconds (AUDIT_RETENTION_YEARS). */
  ttl?: number;
};

/** What a caller gives `recordAudit`; the id, time and expiry are filled in. */
export type AuditInput = Pick<AuditEntry, 'orgId' | 'who' | 'surface' | 'action' | 'record'> & { agency?: string; detail?: string };
