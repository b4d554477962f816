import { AppError } from '../core/errors';
import type { Organisation, Scope } from '../organisation/model';
import { coverFor, hasRole, type Person, type Role } from '../people/model';

/**
 * Who may do what: every permission of the product, declared once, as plain functions of the
 * actor (and of the record where the rule depends on it). Use cases in services/ enforce these;
 * the bot and the tab ask the same functions only to decide what to offer.
 *
 * Escalations are scoped to the case: who a stage alerts, and which safeguarding leads belong to
 * a case's agency, is worked out in services/escalations from the case and the directory; the
 * rules here say what that relation permits.
 */
export type Actor = Pick<Person, 'id' | 'roles' | 'agency'>;

/**
 * The partnership: the organisation (the store's partition) and its member agencies. A role held
 * by a person of an agency applies within that agency (HR of the police is HR for the police),
 * except the partnership's own roles: the business manager, the partnership executive, and the
 * partnership's administrators, who are the administrators of its lead agency (the council,
 * usually; `agency set <id> --lead`). A person with no agency counts as the lead agency's. Before
 * any agency exists (no lead agency) the organisation is one body and every role is whole-organisation.
 */
export type Partnership = Pick<Organisation, 'orgId' | 'leadAgencyId'>;

/** What a read may cover: the partition, and one agency of it (undefined = every agency). */
export type { Scope };

export const PARTNERSHIP_ROLES: readonly Role[] = ['business-manager', 'partnership-executive'];

/** The agency a person belongs to: their own, or the lead agency for someone with none. */
export const agencyOf = (person: Pick<Person, 'agency'>, partnership: Partnership): string | undefined => person.agency || partnership.leadAgencyId;

/** An administrator of the lead agency administers the whole partnership; others, their own agency. */
export const isPartnershipAdministrator = (actor: Actor, partnership: Partnership) =>
  hasRole(actor, 'admin') && (!partnership.leadAgencyId || agencyOf(actor, partnership) === partnership.leadAgencyId);

/** Holds a role that serves the whole partnership rather than one agency. */
export const servesWholePartnership = (actor: Actor, partnership: Partnership) =>
  hasRole(actor, ...PARTNERSHIP_ROLES) || isPartnershipAdministrator(actor, partnership);

/** The one place a person's reach is worked out: agency-bound roles see their agency, partnership roles everything. */
export function scopeFor(actor: Actor, partnership: Partnership): Scope {
  const agency = agencyOf(actor, partnership);
  return servesWholePartnership(actor, partnership) || !agency ? { orgId: partnership.orgId } : { orgId: partnership.orgId, agency };
}

/** Whether a person (or a record carrying its person's agency) falls within a scope. */
export const inScope = (record: Pick<Person, 'agency'>, scope: Scope, partnership: Partnership) =>
  scope.agency === undefined || agencyOf(record, partnership) === scope.agency;

/**
 * Whether two people belong to the same agency: a person's leave delegate, who then gets their
 * reminders and may update their actions, is one of their own agency's people. Before any agency
 * exists the organisation is one body.
 */
export const sameAgency = (a: Pick<Person, 'agency'>, b: Pick<Person, 'agency'>, partnership: Partnership) =>
  !partnership.leadAgencyId || agencyOf(a, partnership) === agencyOf(b, partnership);

/**
 * The scope a requester reads with, narrowed to `agency` when one is asked for (the command line's
 * `--agency`). The operator may name any agency; a person may name only one inside their own scope.
 */
export function scopeOfRequester(requester: Requester, partnership: Partnership, agency?: string): Scope {
  if (requester === OPERATOR) return agency ? { orgId: partnership.orgId, agency } : { orgId: partnership.orgId };
  const own = scopeFor(requester, partnership);
  if (!agency) return own;
  if (own.agency !== undefined && own.agency !== agency)
    throw new AppError('OUTSIDE_AGENCY', `You may only see your own agency’s records (${own.agency}), not ${agency}’s.`);
  return { orgId: partnership.orgId, agency };
}

/**
 * The partnership's own roles: the business manager, the partnership executive, and an
 * administrator of the lead agency (a partnership administrator). Only the partnership's
 * administrators grant them.
 */
export const isPartnershipRole = (role: Role, agency: string | undefined, partnership: Partnership) =>
  PARTNERSHIP_ROLES.includes(role) || (role === 'admin' && (!partnership.leadAgencyId || agency === partnership.leadAgencyId));

/**
 * Who may grant a role to people of `agency`, or map an Entra group to it there: the partnership's
 * administrators any role anywhere; an agency's administrators their own agency's roles, never the
 * partnership's. The use case tells an administrator of another agency apart (OUTSIDE_AGENCY).
 */
export const mayGrantRole = (actor: Actor, role: Role, agency: string | undefined, partnership: Partnership) =>
  isPartnershipAdministrator(actor, partnership) ||
  (hasRole(actor, 'admin') && !isPartnershipRole(role, agency, partnership) && agencyOf(actor, partnership) === agency);

/**
 * Reviews the partnership learns from (practice reviews, rapid reviews, audits) are the
 * partnership's: its administrators record them. Their reports name agencies and owners'
 * answers, so they go where the board report goes.
 */
export const mayAddReview = (actor: Actor, partnership: Partnership) => isPartnershipAdministrator(actor, partnership);
export const mayViewReviewReport = (actor: Actor, partnership: Partnership) => mayViewPartnershipReport(actor, partnership);

/**
 * An impact check is answered (or put back) by the people it was put to — the owner, or an owning
 * agency's safeguarding leads — and by whoever covers for one of them today (`coverIds`).
 */
export const mayAnswerImpactCheck = (actor: Actor, check: { askedPersonIds: readonly string[] }, coverIds: readonly string[] = []) =>
  check.askedPersonIds.includes(actor.id) || coverIds.includes(actor.id);

/** Who holds which role, and from where, is for administrators, each over their own scope's people. */
export const mayViewRoles = (actor: Actor) => hasRole(actor, 'admin');

/** The partnership board report (every agency's figures) is for the partnership's administrators and business manager. */
export const mayViewPartnershipReport = (actor: Actor, partnership: Partnership) =>
  hasRole(actor, 'business-manager') || isPartnershipAdministrator(actor, partnership);

/** Completion rates are aggregates, but still for the people who manage training and safeguarding. */
export const mayViewTrainingRates = (actor: Actor) => hasRole(actor, 'hr', 'admin', 'safeguarding-lead');

/** Who is overdue, by name, is personal data: HR and plan administrators only. */
export const mayViewNamedOverdueList = (actor: Actor) => hasRole(actor, 'hr', 'admin');

/** HR and administrators import the people directory and training records (each into their own agency). */
export const mayImportDirectory = (actor: Actor) => hasRole(actor, 'hr', 'admin');

/** Verifying (or rejecting) a self-reported completion shows who did what: the same people as the named list. */
export const mayVerifyTraining = (actor: Actor) => hasRole(actor, 'hr', 'admin');

/** The central record review (escalation report) is for safeguarding leads and plan administrators. */
export const mayRunEscalationReport = (actor: Actor) => hasRole(actor, 'safeguarding-lead', 'admin');

/** Update rounds are run by plan administrators. */
export const mayStartRound = (actor: Actor) => hasRole(actor, 'admin');

/** Who has answered a round, who has seen it and who cannot be reached names the leads: administrators only, each over their own scope's leads. */
export const mayFollowRound = mayStartRound;

/** Sending questionnaires and seeing their results go together. */
export const mayRunSurveys = (actor: Actor) => hasRole(actor, 'admin', 'hr', 'safeguarding-lead');
export const mayViewSurveyResults = mayRunSurveys;
/** A team check (services/surveys/kinds/team-check.ts) is answered for a team by those who manage it: its managers and heads of service. */
export const mayAnswerForTeam = (actor: Actor) => hasRole(actor, 'manager', 'head-of-service');

/**
 * One campaign's results: the partnership's campaigns (no `agency`) for every survey role, an
 * agency's only for its own agency's survey roles and the partnership's. Every campaign whose answers
 * feed a figure someone is shown must pass this for them, not only the one they asked for.
 */
export const mayViewCampaignResults = (requester: Requester, campaign: { agency?: string }, partnership: Partnership) =>
  requester === OPERATOR ||
  (mayViewSurveyResults(requester) && (campaign.agency === undefined || inScope({ agency: campaign.agency }, scopeFor(requester, partnership), partnership)));

/**
 * Figures of several campaigns are put together only within one scope: the partnership's campaigns
 * with the partnership's, an agency's with its own agency's. A partnership-wide view (an automatic
 * follow-up's results) then never carries an agency's own campaign, whoever opens it.
 */
export const sameCampaignScope = (a: { agency?: string }, b: { agency?: string }) => (a.agency ?? '') === (b.agency ?? '');

/**
 * An action's leads, whoever covers today for a lead on leave (`coverIds`, from the directory and
 * the clock), and its administrators (below) may update it.
 */
export const mayUpdateAction = (
  actor: Actor,
  action: { leadIds: readonly string[] },
  partnership: Partnership,
  related: { coverIds?: readonly string[]; leadAgencies?: readonly (string | undefined)[] } = {},
) => action.leadIds.includes(actor.id) || (related.coverIds ?? []).includes(actor.id) || mayAdministerAction(actor, partnership, related.leadAgencies ?? []);

/** The partnership's administrators administer every action; an agency's, those led by its people (`leadAgencies`, from the directory). */
export const mayAdministerAction = (actor: Actor, partnership: Partnership, leadAgencies: readonly (string | undefined)[]) =>
  isPartnershipAdministrator(actor, partnership) || (hasRole(actor, 'admin') && leadAgencies.includes(agencyOf(actor, partnership)));

/** How an actor stands to one escalation, as services/escalations works it out from the case. */
export type EscalationRelation = {
  /** Alerted to act at the escalation's current stage. */
  alertedToAct: boolean;
  /** A safeguarding lead of the agency the case concerns. */
  leadOfCaseAgency: boolean;
};

/** The partnership's administrators see the whole escalation record, so need no case relation to see one. */
export const mayViewEveryEscalation = (actor: Actor, partnership: Partnership) => isPartnershipAdministrator(actor, partnership);

/** An agency's administrator sees the cases about its own agency's people (services/escalations relates them). */
export const mayViewForCaseAgency = (actor: Actor) => hasRole(actor, 'admin');

/** A safeguarding lead may act on every case of their own agency, at any stage. */
export const mayActForCaseAgency = (actor: Actor) => hasRole(actor, 'safeguarding-lead');

export const mayActOnEscalation = (actor: Actor, relation: EscalationRelation) =>
  relation.alertedToAct || (mayActForCaseAgency(actor) && relation.leadOfCaseAgency);

/** A case is assigned to someone of an agency it concerns (`caseAgencies`, from services/escalations) or who serves the whole partnership. */
export const mayBeAssignedCase = (person: Actor, caseAgencies: readonly string[], partnership: Partnership) =>
  !partnership.leadAgencyId || servesWholePartnership(person, partnership) || caseAgencies.includes(agencyOf(person, partnership) ?? '');

/**
 * Whether `delegate` covers for `lead` today: the lead is on leave naming them, and they are of the
 * lead's own agency (setLeave keeps it so; a cover set across agencies before that rule counts for
 * nothing). A covering delegate gets the lead's reminders and may update the lead's actions.
 */
export const coversFor = (delegate: Pick<Person, 'id' | 'agency'>, lead: Pick<Person, 'leave' | 'agency'>, today: string, partnership: Partnership) =>
  coverFor(lead, today) === delegate.id && sameAgency(delegate, lead, partnership);

/** Partnership administrators see every escalation; others what they raised or may act on. */
export const mayViewEscalation = (actor: Actor, escalation: { raisedBy: { personId?: string } }, mayAct: boolean, partnership: Partnership) =>
  mayViewEveryEscalation(actor, partnership) || (escalation.raisedBy.personId !== undefined && escalation.raisedBy.personId === actor.id) || mayAct;

/**
 * The record of who saw and changed what covers every agency's people: the partnership's
 * administrators only (the operator at the command line too).
 */
export const mayViewAuditReport = (actor: Actor, partnership: Partnership) => isPartnershipAdministrator(actor, partnership);

/** "Who has seen this" on a case: its own agency's safeguarding leads, and the partnership's administrators. */
export const mayViewWhoSawCase = (actor: Actor, relation: Pick<EscalationRelation, 'leadOfCaseAgency'>, partnership: Partnership) =>
  isPartnershipAdministrator(actor, partnership) || (mayActForCaseAgency(actor) && relation.leadOfCaseAgency);

/** Everything stored about one person (their subject access request) and erasing a leaver: the operator, or the partnership's administrators. */
export const mayHandleSubjectRequests = (actor: Actor, partnership: Partnership) => isPartnershipAdministrator(actor, partnership);

/** Who is told, rather than who may: HR hears of each self-reported completion waiting to be verified. */
export const isToldOfSelfReportedTraining = (person: Actor) => hasRole(person, 'hr');

/**
 * Who is reached in Teams, by email or not at all, and why, names people: plan administrators only
 * (the tab's reach view, and the daily digest of who is missed, which names them), each of the
 * people in their own scope (an agency's administrators, its own people).
 */
export const mayViewReach = (actor: Actor) => hasRole(actor, 'admin');

/** Plan administrators hear when someone (or a channel) can no longer be reached. */
export const isToldOfUnreachableRecipients = (person: Actor) => hasRole(person, 'admin');

/** Section 11 rounds (and the partnership's own standards sets) are run by the partnership's administrators. */
export const mayRunSection11 = (actor: Actor, partnership: Partnership) => isPartnershipAdministrator(actor, partnership);

/** The partnership's business manager and administrators scrutinise every agency's return: accept, or challenge. */
export const mayScrutiniseSection11 = (actor: Actor, partnership: Partnership) =>
  hasRole(actor, 'business-manager') || isPartnershipAdministrator(actor, partnership);

/**
 * An agency's return is completed by its Section 11 leads (`s11-lead`); an agency with none named
 * falls back to its safeguarding leads. `agencyHasS11Lead` comes from the directory.
 */
export const mayCompleteSection11Return = (actor: Actor, agency: string, partnership: Partnership, agencyHasS11Lead: boolean) =>
  agencyOf(actor, partnership) === agency && (hasRole(actor, 's11-lead') || (!agencyHasS11Lead && hasRole(actor, 'safeguarding-lead')));

/**
 * An agency's return, its narratives included, is seen by that agency (its Section 11 leads,
 * safeguarding leads and administrators) and by those who scrutinise it; others see the grid only.
 */
export const mayViewSection11Return = (actor: Actor, agency: string, partnership: Partnership) =>
  mayScrutiniseSection11(actor, partnership) || (agencyOf(actor, partnership) === agency && hasRole(actor, 's11-lead', 'safeguarding-lead', 'admin'));

/** The grid of ratings by agency and standard: no narrative, for everyone who takes part in the assessment. */
export const mayViewSection11Grid = (actor: Actor, partnership: Partnership) =>
  mayScrutiniseSection11(actor, partnership) || hasRole(actor, 's11-lead', 'safeguarding-lead', 'admin', 'partnership-executive');

/**
 * Who the tab offers the Section 11 return form: those who may complete their agency's return, a
 * Section 11 lead or (where the agency names none) a safeguarding lead. Which of them may change it
 * depends on the directory, so the form itself says, from the use case's own rule.
 */
export const isOfferedSection11Form = (actor: Actor) => hasRole(actor, 's11-lead', 'safeguarding-lead');

/** What the tab offers a person; the same rules the use cases enforce behind each view. Reports (the partnership's among them) come from the modules' declarations, each with its own rule. */
export type TabView = 'my-actions' | 'plan' | 'escalations' | 'training' | 'questionnaires' | 'reach' | 's11-return';
export const tabViewsFor = (actor: Actor): TabView[] => [
  'my-actions',
  'plan',
  'escalations',
  ...(mayViewTrainingRates(actor) ? (['training'] as const) : []),
  ...(mayViewSurveyResults(actor) ? (['questionnaires'] as const) : []),
  ...(mayViewReach(actor) ? (['reach'] as const) : []),
  ...(isOfferedSection11Form(actor) ? (['s11-return'] as const) : []),
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
