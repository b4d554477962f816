import {
  allows,
  isToldOfSelfReportedTraining,
  isToldOfUnreachableRecipients,
  mayActForCaseAgency,
  mayActOnEscalation,
  mayRunEscalationReport,
  mayRunSurveys,
  mayStartRound,
  mayUpdateAction,
  mayVerifyTraining,
  mayViewEscalation,
  mayViewEveryEscalation,
  mayViewNamedOverdueList,
  mayViewReach,
  mayViewSurveyResults,
  mayViewTrainingRates,
  OPERATOR,
  tabPermissionsFor,
  tabViewsFor,
  type Actor,
} from '../../../services/access/policy';
import { ROLES, type Role } from '../../../services/people/model';

const as = (...roles: Role[]): Actor => ({ id: 'someone', roles });

// Each permission that depends on the role alone, with the roles it is granted to. Every other role is refused.
const ROLE_RULES: [string, (actor: Actor) => boolean, Role[]][] = [
  ['see training completion rates', mayViewTrainingRates, ['admin', 'hr', 'safeguarding-lead']],
  ['see who is overdue by name', mayViewNamedOverdueList, ['admin', 'hr']],
  ['verify self-reported training', mayVerifyTraining, ['admin', 'hr']],
  ['run the central record review', mayRunEscalationReport, ['admin', 'safeguarding-lead']],
  ['start an update round', mayStartRound, ['admin']],
  ['send questionnaires', mayRunSurveys, ['admin', 'hr', 'safeguarding-lead']],
  ['see questionnaire results', mayViewSurveyResults, ['admin', 'hr', 'safeguarding-lead']],
  ['see every escalation', mayViewEveryEscalation, ['admin']],
  ['act on every case of their own agency', mayActForCaseAgency, ['safeguarding-lead']],
  ['be told of self-reported training to verify', isToldOfSelfReportedTraining, ['hr']],
  ['be told of people who cannot be reached', isToldOfUnreachableRecipients, ['admin']],
  ['see who is reached, by name, and why not', mayViewReach, ['admin']],
];

describe('who may do what (and who is told what), by role', () => {
  describe.each(ROLE_RULES)('%s', (_name, rule, granted) => {
    it.each(ROLES.map((role) => [role, granted.includes(role)] as const))('%s: %s', (role, expected) => {
      expect(rule(as(role))).toBe(expected);
    });

    it('is refused to a person with no role, and to no person at all', () => {
      expect(rule(as())).toBe(false);
      expect(rule(undefined as unknown as Actor)).toBe(false);
    });

    it('is granted to a person holding one granted role among others', () => {
      if (granted.length) expect(rule(as('officer', granted[0]!))).toBe(true);
    });

    it('is allowed to the operator at the command line, and to a person only as the rule says', () => {
      expect(allows(OPERATOR, rule)).toBe(true);
      for (const role of ROLES) expect(allows(as(role), rule)).toBe(granted.includes(role));
    });
  });
});

describe('what the tab offers comes from the same rules', () => {
  it.each(ROLES)('%s', (role) => {
    const actor = as(role);
    expect(tabViewsFor(actor)).toEqual([
      'my-actions',
      'plan',
      'escalations',
      ...(mayViewTrainingRates(actor) ? ['training'] : []),
      ...(mayViewSurveyResults(actor) ? ['questionnaires'] : []),
      ...(mayViewReach(actor) ? ['reach'] : []),
    ]);
    expect(tabPermissionsFor(actor)).toEqual({ namedOverdueList: mayViewNamedOverdueList(actor) });
  });

  it('an officer sees only their actions, the plan and escalations', () => {
    expect(tabViewsFor(as('officer'))).toEqual(['my-actions', 'plan', 'escalations']);
    expect(tabPermissionsFor(as('officer'))).toEqual({ namedOverdueList: false });
  });
});

describe('updating an action', () => {
  const action = { leadIds: ['lead-1', 'lead-2'] };

  it.each([
    ['a lead of the action', { id: 'lead-2', roles: ['officer'] }, [], true],
    ['the person covering today for a lead on leave', { id: 'cover', roles: ['officer'] }, ['cover'], true],
    ['a plan administrator who is not a lead', { id: 'adam', roles: ['admin'] }, [], true],
    ['another officer', { id: 'other', roles: ['officer'] }, ['cover'], false],
    ['a safeguarding lead who is not a lead of it', { id: 'lee', roles: ['safeguarding-lead'] }, [], false],
    ['HR', { id: 'hana', roles: ['hr'] }, [], false],
  ] as [string, Actor, string[], boolean][])('%s: %s', (_who, actor, covers, expected) => {
    expect(mayUpdateAction(actor, action, covers)).toBe(expected);
  });
});

describe('acting on and seeing an escalation', () => {
  const escalation = { raisedBy: { personId: 'raiser' } };
  const none = { alertedToAct: false, leadOfCaseAgency: false };

  it.each([
    ['alerted at the current stage', as('officer'), { ...none, alertedToAct: true }, true],
    ['a safeguarding lead of the case’s agency', as('safeguarding-lead'), { ...none, leadOfCaseAgency: true }, true],
    ['a safeguarding lead of another agency, not alerted', as('safeguarding-lead'), none, false],
    // The relation alone does not make someone a lead: only the role does.
    ['an officer said to be of the case’s agency', as('officer'), { ...none, leadOfCaseAgency: true }, false],
    ['a plan administrator, not alerted', as('admin'), none, false],
  ] as [string, Actor, typeof none, boolean][])('acts: %s: %s', (_who, actor, relation, expected) => {
    expect(mayActOnEscalation(actor, relation)).toBe(expected);
  });

  it.each([
    ['a plan administrator', as('admin'), false, true],
    ['the person who raised it', { id: 'raiser', roles: ['officer'] } as Actor, false, true],
    ['someone who may act on it', as('officer'), true, true],
    ['anyone else', as('safeguarding-lead'), false, false],
  ] as [string, Actor, boolean, boolean][])('sees: %s: %s', (_who, actor, mayAct, expected) => {
    expect(mayViewEscalation(actor, escalation, mayAct)).toBe(expected);
  });

  it('an escalation with no recorded raiser is not visible to everyone without an id', () => {
    expect(mayViewEscalation({ id: undefined as unknown as string, roles: ['officer'] }, { raisedBy: {} }, false)).toBe(false);
  });
});
