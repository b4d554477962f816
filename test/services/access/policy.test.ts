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
  mayViewForCaseAgency,
  mayImportDirectory,
  mayViewPartnershipReport,
  scopeFor,
  scopeOfRequester,
  inScope,
  type Partnership,
  mayViewNamedOverdueList,
  mayViewReach,
  mayViewSurveyResults,
  mayViewCampaignResults,
  sameCampaignScope,
  mayViewTrainingRates,
  OPERATOR,
  tabPermissionsFor,
  tabViewsFor,
  isOfferedSection11Form,
  type Actor,
} from '../../../services/access/policy';
import { ROLES, type Role } from '../../../services/people/model';

const as = (...roles: Role[]): Actor => ({ id: 'someone', roles });
/** An organisation before agencies: one body, every role whole-organisation. */
const ONE_BODY: Partnership = { orgId: 'org' };

// Each permission that depends on the role alone, with the roles it is granted to. Every other role is refused.
const ROLE_RULES: [string, (actor: Actor) => boolean, Role[]][] = [
  ['see training completion rates', mayViewTrainingRates, ['admin', 'hr', 'safeguarding-lead']],
  ['see who is overdue by name', mayViewNamedOverdueList, ['admin', 'hr']],
  ['verify self-reported training', mayVerifyTraining, ['admin', 'hr']],
  ['run the central record review', mayRunEscalationReport, ['admin', 'safeguarding-lead']],
  ['start an update round', mayStartRound, ['admin']],
  ['send questionnaires', mayRunSurveys, ['admin', 'hr', 'safeguarding-lead']],
  ['see questionnaire results', mayViewSurveyResults, ['admin', 'hr', 'safeguarding-lead']],
  ['see every escalation (one organisation, no agencies yet)', (actor) => mayViewEveryEscalation(actor, ONE_BODY), ['admin']],
  ['see the cases of their own agency', mayViewForCaseAgency, ['admin']],
  ['import the people directory and training', mayImportDirectory, ['admin', 'hr']],
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
      ...(isOfferedSection11Form(actor) ? ['s11-return'] : []),
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
    expect(mayUpdateAction(actor, action, ONE_BODY, { coverIds: covers })).toBe(expected);
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
    expect(mayViewEscalation(actor, escalation, mayAct, ONE_BODY)).toBe(expected);
  });

  it('an escalation with no recorded raiser is not visible to everyone without an id', () => {
    expect(mayViewEscalation({ id: undefined as unknown as string, roles: ['officer'] }, { raisedBy: {} }, false, ONE_BODY)).toBe(false);
  });
});

describe('a partnership of agencies: what each person’s roles reach', () => {
  const partnership: Partnership = { orgId: 'org', leadAgencyId: 'council' };
  const of = (agency: string | undefined, ...roles: Role[]): Actor => ({ id: `${agency}-${roles.join('-')}`, roles, ...(agency ? { agency } : {}) });

  it.each([
    ['HR of the police', of('police', 'hr'), { orgId: 'org', agency: 'police' }],
    ['an administrator of the police', of('police', 'admin'), { orgId: 'org', agency: 'police' }],
    ['a safeguarding lead of the council', of('council', 'safeguarding-lead'), { orgId: 'org', agency: 'council' }],
    ['HR with no agency (the lead agency’s)', of(undefined, 'hr'), { orgId: 'org', agency: 'council' }],
    ['an administrator of the lead agency', of('council', 'admin'), { orgId: 'org' }],
    ['an administrator with no agency (the lead agency’s)', of(undefined, 'admin'), { orgId: 'org' }],
    ['the business manager, whatever their agency', of('police', 'business-manager'), { orgId: 'org' }],
    ['the partnership executive', of('health', 'partnership-executive'), { orgId: 'org' }],
  ] as [string, Actor, object][])('%s', (_who, actor, scope) => {
    expect(scopeFor(actor, partnership)).toEqual(scope);
  });

  it('before any agency exists, every role reaches the whole organisation, as before agencies', () => {
    expect(scopeFor(of(undefined, 'hr'), ONE_BODY)).toEqual({ orgId: 'org' });
    expect(scopeFor(of('Thames Valley Police', 'hr'), ONE_BODY)).toEqual({ orgId: 'org', agency: 'Thames Valley Police' });
  });

  it('a person may narrow their own scope to one agency, never widen it to another; the operator may name any', () => {
    expect(scopeOfRequester(of('police', 'hr'), partnership, 'police')).toEqual({ orgId: 'org', agency: 'police' });
    expect(() => scopeOfRequester(of('police', 'hr'), partnership, 'health')).toThrow(expect.objectContaining({ code: 'OUTSIDE_AGENCY' }));
    expect(() => scopeOfRequester(of(undefined, 'hr'), partnership, 'police')).toThrow(expect.objectContaining({ code: 'OUTSIDE_AGENCY' }));
    expect(scopeOfRequester(of('council', 'admin'), partnership, 'health')).toEqual({ orgId: 'org', agency: 'health' });
    expect(scopeOfRequester(OPERATOR, partnership, 'health')).toEqual({ orgId: 'org', agency: 'health' });
    expect(scopeOfRequester(OPERATOR, partnership)).toEqual({ orgId: 'org' });
  });

  it('people and records with no agency count as the lead agency’s', () => {
    const police = { orgId: 'org', agency: 'police' };
    const council = { orgId: 'org', agency: 'council' };
    expect(inScope({ agency: 'police' }, police, partnership)).toBe(true);
    expect(inScope({}, police, partnership)).toBe(false);
    expect(inScope({}, council, partnership)).toBe(true);
    expect(inScope({ agency: 'health' }, { orgId: 'org' }, partnership)).toBe(true);
  });

  it('an agency’s administrator administers the actions its people lead; the partnership’s, every action', () => {
    const shared = { leadIds: ['carol', 'pat'] };
    expect(mayUpdateAction(of('police', 'admin'), shared, partnership, { leadAgencies: ['council', 'police'] })).toBe(true);
    expect(mayUpdateAction(of('health', 'admin'), shared, partnership, { leadAgencies: ['council', 'police'] })).toBe(false);
    expect(mayUpdateAction(of('council', 'admin'), { leadIds: ['pat'] }, partnership, { leadAgencies: ['police'] })).toBe(true);
    expect(mayUpdateAction(of('police', 'hr'), shared, partnership, { leadAgencies: ['police'] })).toBe(false);
  });

  it('only the partnership’s administrators see every escalation and the board report; the business manager sees the report', () => {
    expect(mayViewEveryEscalation(of('council', 'admin'), partnership)).toBe(true);
    expect(mayViewEveryEscalation(of('police', 'admin'), partnership)).toBe(false);
    expect(mayViewEveryEscalation(of('police', 'business-manager'), partnership)).toBe(false);
    expect(mayViewPartnershipReport(of('council', 'admin'), partnership)).toBe(true);
    expect(mayViewPartnershipReport(of('police', 'business-manager'), partnership)).toBe(true);
    for (const role of ROLES.filter((r) => r !== 'admin' && r !== 'business-manager'))
      expect(mayViewPartnershipReport(of('council', role), partnership)).toBe(false);
    expect(mayViewPartnershipReport(of('police', 'admin'), partnership)).toBe(false);
  });

  it('a questionnaire’s results: the partnership’s for every survey role, an agency’s for its own and the partnership’s roles; figures join only within one scope', () => {
    const councilOnly = { agency: 'council' };
    expect(mayViewCampaignResults(of('police', 'hr'), {}, partnership)).toBe(true);
    expect(mayViewCampaignResults(of('police', 'hr'), councilOnly, partnership)).toBe(false);
    expect(mayViewCampaignResults(of('council', 'hr'), councilOnly, partnership)).toBe(true);
    expect(mayViewCampaignResults(of('police', 'business-manager', 'hr'), councilOnly, partnership)).toBe(true);
    expect(mayViewCampaignResults(of('council', 'officer'), {}, partnership)).toBe(false);
    expect(mayViewCampaignResults(OPERATOR, councilOnly, partnership)).toBe(true);
    expect(sameCampaignScope({}, {})).toBe(true);
    expect(sameCampaignScope(councilOnly, { agency: 'council' })).toBe(true);
    expect(sameCampaignScope({}, councilOnly)).toBe(false);
    expect(sameCampaignScope({ agency: 'police' }, councilOnly)).toBe(false);
  });
});
