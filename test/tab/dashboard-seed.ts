import { appEvents } from '../harness/partnership';
import { rebuildTrainingSummaries } from '../../services/training/summaries';
import type { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import { seedDemo } from '../../services/demo/seed-demo';
import { raiseEscalation } from '../../services/escalations/escalations';
import { ensureOrganisation, partnershipOf } from '../../services/organisation/organisations';
import { addAgency } from '../../services/organisation/agencies';
import type { Action } from '../../services/plan/model';
import type { Person } from '../../services/people/model';
import { ActionPlan } from '../../services/plan/repository';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { runJob } from '../../bot/jobs';
import type { Store } from '../../services/store/ports';
import { createCampaign } from '../../services/surveys/campaigns';
import { answerSurvey, openSurvey } from '../../services/surveys/responses';
import type { AnswerSeal } from '../../services/surveys/seal';
import { setUpTraining } from '../../services/training/catalogue';
import type { TrainingRecord } from '../../services/training/model';
import { submitStatusUpdate } from '../../services/updates/status-update';
import { ORG } from '../harness/fixtures';
import { domainEvents } from '../../bot/modules';
import type { ConversationRecord } from '../../services/conversations/model';
import type { ReachState } from '../../services/reach/model';
import { reachStateId } from '../../services/reach/reach';
import { TEST_BOT_ID, TEST_TENANT_ID } from '../harness/teams-activities';

const TZ = 'Europe/London';

/** Entra object ids of the people the dashboard tests sign in as. */
export const AAD = { val: 'aad-val', simon: 'aad-simon', richard: 'aad-richard', lucy: 'aad-lucy' };

/**
 * The demo plan and directory, plus what the other views need: training requirements and
 * records, an escalation from a Red update and two raised by an officer, and a closed anonymous
 * questionnaire with answers from twelve staff (its figures show only once it has closed).
 * `seal` is the app's own (loadAnswerSeal of its config).
 */
export async function seedDashboard(store: Store, clock: FixedClock, seal: AnswerSeal): Promise<{ campaignId: string; openCampaignId: string }> {
  // The demo joins the lead agency it finds: Northshire Council here, so the partnership view's
  // tests (seedPartnership) name their own two agencies.
  await ensureOrganisation(store, clock, ORG, { name: 'Demo council', timeZone: TZ });
  await addAgency(store, clock, ORG, { name: 'Northshire Council' }, { timeZone: TZ }, appEvents());
  await seedDemo(store, clock, ORG, TZ, appEvents());
  const people = store.collection<Person>('people');
  for (const [id, aad, jobTitle] of [
    ['demo-val-johnson', AAD.val, 'Safeguarding Lead'],
    ['demo-simon-howick', AAD.simon, 'HR Adviser'],
    ['demo-richard-adams', AAD.richard, 'ASB Investigator'],
  ] as const) {
    await people.update(ORG, id, (p) => ({ ...p, aadObjectId: aad, jobTitle }));
  }
  // A safeguarding lead who is not an administrator: rates, but no named lists.
  await people.update(ORG, 'demo-lucy-nevielle', (p) => ({ ...p, aadObjectId: AAD.lucy, roles: ['safeguarding-lead'] }));
  // Twelve staff in Community Services, so questionnaire breakdowns have a group big enough to show.
  for (let i = 0; i < 12; i++)
    await people.upsert({
      id: `staff-${i}`,
      orgId: ORG,
      name: `Staff Member ${i}`,
      department: 'Community Services',
      jobTitle: 'ASB Investigator',
      roles: ['officer'],
      agency: PARTNERSHIP.lead,
      active: true,
    });

  await setUpTraining(store, ORG, {
    requirements: [
      { course: 'SG-AWARE', jobTitles: ['*'] },
      { course: 'PREVENT', jobTitles: ['ASB Investigator'] },
    ],
  });
  const training = store.collection<TrainingRecord>('training');
  for (let i = 0; i < 9; i++) {
    await training.upsert({
      id: `rec-${i}`,
      orgId: ORG,
      kind: 'record',
      personId: `staff-${i}`,
      agency: PARTNERSHIP.lead,
      courseCode: 'SG-AWARE',
      completedOn: i < 6 ? '2026-03-01' : '2022-01-10',
      status: 'completed',
      source: 'import',
      createdAt: '2026-03-02T00:00:00Z',
    });
  }
  await rebuildTrainingSummaries(store, ORG);

  const val = (await people.read(ORG, 'demo-val-johnson'))!;
  const plan = new ActionPlan(store);
  const [first] = await plan.openActionsLedBy(ORG, val.id);
  const organisation = await ensureOrganisation(store, clock, ORG, { timeZone: TZ });
  await submitStatusUpdate(
    { store, clock, events: domainEvents(new WorkingCalendar()) },
    {
      actor: val,
      timeZone: TZ,
      data: { actionId: first!.id, version: first!.version, status: 'R', progress: 'Stalled', reason: 'No venue', remedialAction: 'Ask the director' },
    },
  );

  // Two concerns raised by an officer the week before: one waiting at stage 1 past its deadline,
  // one with immediate risk that went straight to stage 2; so the stages hold 2, 1, 0 and 0.
  const seededAt = clock.now();
  clock.set('2026-11-16T09:00:00Z');
  const richard = (await people.read(ORG, 'demo-richard-adams'))!;
  const deps = { store, clock, calendar: new WorkingCalendar() };
  await raiseEscalation(deps, {
    actor: richard,
    organisation,
    data: { category: 'referral-outcome', agency: 'MASH', caseReference: 'MASH-2026-0042', asked: 'Outcome of the referral', wanted: 'Feedback' },
  });
  clock.set('2026-11-17T09:00:00Z');
  await raiseEscalation(deps, {
    actor: richard,
    organisation,
    data: {
      category: 'professional-disagreement',
      agency: 'Housing',
      caseReference: 'HSG-2026-0007',
      asked: 'Joint visit',
      wanted: 'A strategy meeting',
      immediateRisk: true,
    },
  });
  clock.set(seededAt);

  // An earlier one still open, with three answers: it shows the response rate only.
  const simon = (await people.read(ORG, 'demo-simon-howick'))!;
  clock.set('2026-10-26T09:00:00Z');
  const stillOpen = await createCampaign(
    { store, clock, calendar: new WorkingCalendar() },
    {
      actor: simon,
      timeZone: TZ,
      data: {
        questionnaire: 'awareness',
        title: 'Awareness, still open',
        audience: { type: 'department', department: 'Community Services' },
        anonymous: true,
        closesOn: '2026-12-18',
      },
    },
  );
  for (let i = 0; i < 3; i++) {
    const actor = (await people.read(ORG, `staff-${i}`))!;
    const opened = await openSurvey({ store, clock, seal }, { actor, timeZone: TZ, campaignId: stillOpen.id });
    const carried = JSON.stringify({
      'know-how-to-report': 'yes',
      'aware-of-procedures': 'yes',
      confidence: 'quite',
      'know-dso-name': 'yes',
      'last-trained': 'within-12-months',
    });
    await answerSurvey(
      { store, clock, seal },
      { actor, timeZone: TZ, data: { campaignId: stillOpen.id, page: 0, move: 'submit', carried, answerKey: (opened as { answerKey: string }).answerKey } },
    );
  }
  // Sent a fortnight earlier and closed since, so its figures can be shown.
  clock.set('2026-11-02T09:00:00Z');
  const campaign = await createCampaign(
    { store, clock, calendar: new WorkingCalendar() },
    {
      actor: simon,
      timeZone: TZ,
      data: { questionnaire: 'awareness', audience: { type: 'department', department: 'Community Services' }, anonymous: true, closesOn: '2026-11-13' },
    },
  );
  for (let i = 0; i < 12; i++) {
    const actor = (await people.read(ORG, `staff-${i}`))!;
    const opened = await openSurvey({ store, clock, seal }, { actor, timeZone: TZ, campaignId: campaign.id });
    const carried = JSON.stringify({
      'know-how-to-report': 'yes',
      'aware-of-procedures': i < 9 ? 'yes' : 'no',
      confidence: i < 8 ? 'quite' : 'not-very',
      'know-dso-name': i < 6 ? 'yes' : 'no',
      'last-trained': 'within-12-months',
    });
    await answerSurvey(
      { store, clock, seal },
      { actor, timeZone: TZ, data: { campaignId: campaign.id, page: 0, move: 'submit', carried, answerKey: (opened as { answerKey: string }).answerKey } },
    );
  }
  clock.set('2026-11-16T10:00:00Z');
  await runJob('questionnaires', { store, clock, orgId: ORG, organisation, calendar: new WorkingCalendar(), logger: silentLogger, seal });
  clock.set(seededAt);
  return { campaignId: campaign.id, openCampaignId: stillOpen.id };
}

/**
 * What the reach view reads after a reach run: Val has a chat with the bot, the app is blocked for
 * Richard by the Teams admin's policy; nobody else has opened the app or had it installed.
 */
export async function seedReach(store: Store): Promise<void> {
  await store.collection<ConversationRecord>('conversations').upsert({
    id: `personal-${AAD.val}`,
    orgId: ORG,
    kind: 'personal',
    tenantId: TEST_TENANT_ID,
    conversationId: 'a:val-chat',
    serviceUrl: 'https://smba.trafficmanager.net/uk/',
    botId: `28:${TEST_BOT_ID}`,
    personId: 'demo-val-johnson',
    reachable: true,
    installedAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  });
  await store.collection<ReachState>('reach').upsert({
    id: reachStateId('demo-richard-adams'),
    orgId: ORG,
    kind: 'person',
    personId: 'demo-richard-adams',
    outcome: 'blocked',
    reason: 'the app is blocked for them in Teams (the organisation’s app permission policy)',
    attempts: 1,
    lastAttemptAt: '2026-11-23T08:00:00.000Z',
    retryAfter: '2026-11-30T08:00:00.000Z',
  });
}

/** The two agencies the partnership view is checked with, and who is who in them. */
export const PARTNERSHIP = {
  lead: 'northshire-council',
  partner: 'northshire-police',
  partnerAdmin: 'police-admin',
  partnerHr: 'police-hr',
  partnerLead: 'police-officer-0',
};

/**
 * After seedDashboard, where the council leads the partnership (so everyone already in the
 * directory is the council's, and Val, an administrator, administers the partnership): the police
 * join with their own administrator, HR and six officers, four of them in date for safeguarding
 * training, one of whom also leads a council action.
 */
export async function seedPartnership(store: Store, clock: FixedClock): Promise<void> {
  const defaults = { timeZone: TZ };
  if ((await partnershipOf(store, ORG)).leadAgencyId !== PARTNERSHIP.lead) throw new Error('The council should be the lead agency.');
  const police = await addAgency(store, clock, ORG, { name: 'Northshire Police' }, defaults, appEvents());
  const agency = police.agency.agencyId;
  const people = store.collection<Person>('people');
  await people.upsert({
    id: PARTNERSHIP.partnerAdmin,
    orgId: ORG,
    name: 'Priya Policeadmin',
    department: 'Public Protection',
    jobTitle: 'Inspector',
    roles: ['admin'],
    agency,
    active: true,
  });
  await people.upsert({
    id: PARTNERSHIP.partnerHr,
    orgId: ORG,
    name: 'Harvey Policehr',
    department: 'People Services',
    jobTitle: 'HR Adviser',
    roles: ['hr'],
    agency,
    active: true,
  });
  const training = store.collection<TrainingRecord>('training');
  for (let i = 0; i < 6; i++) {
    await people.upsert({
      id: `police-officer-${i}`,
      orgId: ORG,
      name: `Constable Number ${i}`,
      department: 'Public Protection',
      jobTitle: 'Detective Constable',
      roles: ['officer'],
      agency,
      active: true,
    });
    await training.upsert({
      id: `police-rec-${i}`,
      orgId: ORG,
      kind: 'record',
      personId: `police-officer-${i}`,
      courseCode: 'SG-AWARE',
      completedOn: i < 4 ? '2026-06-01' : '2021-06-01',
      status: 'completed',
      source: 'import',
      createdAt: '2026-06-02T00:00:00Z',
    });
  }
  await rebuildTrainingSummaries(store, ORG);
  const [shared] = await new ActionPlan(store).openActionsLedBy(ORG, 'demo-val-johnson');
  await store.collection<Action>('actions').update(ORG, shared!.id, (a) => ({ ...a, leadIds: [...a.leadIds, PARTNERSHIP.partnerLead] }));
}
