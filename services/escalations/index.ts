/** The public face of escalations: the cases other areas read (the dashboards, the audit report, retention). Other features import only this; keep it to what they use. */
export { caseAgencies, CasePeople, getEscalation, isLeadOfCaseAgency, openEscalations, visibleOpenEscalations } from './escalations';
export { CAUSE_LABELS, type Escalation } from './model';
export { EscalationRecords } from './repository';
export { openEscalation } from './escalations';
