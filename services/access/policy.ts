import { hasRole, type Person } from '../people/model';

/**
 * Who may do what: every permission of the product, declared once, as plain functions of the
 * actor (and of the record where the rule depends on it). Use cases in services/ enforce these;
 * the bot and the tab ask the same functions only to decide what to offer.
 *
 * Escalations are scoped to the case: who a stage alerts, and which safeguarding leads belong to
 * a case's agency, is worked out in services/escalations from the case and the directory; the
 * rules here say what that relation permits.
 */
export type Actor = Pick<Person, 'id' | 'roles'>;

/** Completion rates are aggregates, but still for the people who manage training and safeguarding. */
export const mayViewTrainingRates = (actor: Actor) => hasRole(actor, 'hr', 'admin', 'safeguarding-lead');

/** Who is overdue, by name, is personal data: HR and plan administrators only. */
export const mayViewNamedOverdueList = (actor: Actor) => hasRole(actor, 'hr', 'admin');

/** Verifying (or rejecting) a self-reported completion shows who did what: the same people as the named list. */
export const mayVerifyTraining = (actor: Actor) => hasRole(actor, 'hr', 'admin');

/** The central record review (escalation report) is for safeguarding leads and plan administrators. */
export const mayRunEscalationReport = (actor: Actor) => hasRole(actor, 'safeguarding-lead', 'admin');

/** Update rounds are run by plan administrators. */
export const mayStartRound = (actor: Actor) => hasRole(actor, 'admin');

/** Sending questionnaires and seeing their results go together. */
export const mayRunSurveys = (actor: Actor) => hasRole(actor, 'admin', 'hr', 'safeguarding-lead');
export const mayViewSurveyResults = mayRunSurveys;

/**
 * An action's leads, whoever covers today for a lead on leave (`coverIds`, from the directory and
 * the clock), and plan administrators may update it.
 */
export const mayUpdateAction = (actor: Actor, action: { leadIds: readonly string[] }, coverIds: readonly string[] = []) =>
  action.leadIds.includes(actor.id) || hasRole(actor, 'admin') || coverIds.includes(actor.id);

/** How an actor stands to one escalation, as services/escalations works it out from the case. */
export type EscalationRelation = {
  /** Alerted to act at the escalation's current stage. */
  alertedToAct: boolean;
  /** A safeguarding lead of the agency the case concerns. */
  leadOfCaseAgency: boolean;
};

/** Plan administrators see the whole escalation record, so need no case relation to see one. */
export const mayViewEveryEscalation = (actor: Actor) => hasRole(actor, 'admin');

/** A safeguarding lead may act on every case of their own agency, at any stage. */
export const mayActForCaseAgency = (actor: Actor) => hasRole(actor, 'safeguarding-lead');

export const mayActOnEscalation = (actor: Actor, relation: EscalationRelation) =>
  relation.alertedToAct || (mayActForCaseAgency(actor) && relation.leadOfCaseAgency);

/** Administrators see every escalation; others what they raised or may act on. */
export const mayViewEscalation = (actor: Actor, escalation: { raisedBy: { personId?: string } }, mayAct: boolean) =>
  mayViewEveryEscalation(actor) || (escalation.raisedBy.personId !== undefined && escalation.raisedBy.personId === actor.id) || mayAct;

/** Who is told, rather than who may: HR hears of each self-reported completion waiting to be verified. */
export const isToldOfSelfReportedTraining = (person: Actor) => hasRole(person, 'hr');

/**
 * Who is reached in Teams, by email or not at all, and why, names people: plan administrators only
 * (the tab's reach view, and the daily digest of who is missed, which names them).
 */
export const mayViewReach = (actor: Actor) => hasRole(actor, 'admin');

/** Plan administrators hear when someone (or a channel) can no longer be reached. */
export const isToldOfUnreachableRecipients = (person: Actor) => hasRole(person, 'admin');

/** What the tab offers a person; the same rules the use cases enforce behind each view. */
export type TabView = 'my-actions' | 'plan' | 'escalations' | 'training' | 'questionnaires' | 'reach';
export const tabViewsFor = (actor: Actor): TabView[] => [
  'my-actions',
  'plan',
  'escalations',
  ...(mayViewTrainingRates(actor) ? (['training'] as const) : []),
  ...(mayViewSurveyResults(actor) ? (['questionnaires'] as const) : []),
  ...(mayViewReach(actor) ? (['reach'] as const) : []),
];

/** The permissions the tab needs to decide what to fetch and show, from the same rules. */
export const tabPermissionsFor = (actor: Actor) => ({ namedOverdueList: mayViewNamedOverdueList(actor) });

/**
 * The command line is run by an operator who already holds the store and its keys; the rules above
 * are for people acting through Teams or the tab. Use cases that both serve take a `Requester`.
 */
export const OPERATOR = 'operator' as const;
export type Requester = Actor | typeof OPERATOR;

/** Whether `rule` lets the requester through: always for the operator, else as the rule says of the person. */
export const allows = (requester: Requester, rule: (actor: Actor) => boolean): boolean => requester === OPERATOR || rule(requester);
