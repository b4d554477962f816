import path from 'node:path';
import type { DomainEventPublisher } from '../events/domain-events';
import type { Clock } from '../core/clock';
import { projectRoot } from '../core/paths';
import { Directory } from '../people/repository';
import { grantsOf, type Person } from '../people/model';
import { ensureOrganisation } from '../organisation/organisations';
import { addAgency } from '../organisation/agencies';
import { ActionPlan, importPlan, type ImportReport } from '../plan';
import { readTable } from '../core/tabular';
import { seedDemoReviews } from '../reviews';
import type { Store } from '../store/ports';
import { refreshTrainingSummaries, setUpTraining, TrainingRepository } from '../training';

export const DEMO_PLAN_ID = 'action-plan-2015-16';
export const DEMO_PLAN_FILE = 'oxford-action-plan-2015-16.csv';
/** The demo is a partnership of one agency, the council whose plan it is, as a deployment of this version is. */
export const DEMO_AGENCY = { id: 'oxford-city-council', name: 'Oxford City Council' };

/**
 * The leads named in the demo plan, as the plan names them. Only the author's email appears in the
 * source document, so only she has one; roles make the demo show each kind of user.
 */
export const DEMO_PEOPLE: Omit<Person, 'orgId'>[] = [
  {
    id: 'demo-val-johnson',
    name: 'Val Johnson',
    email: 'vjohnson@oxford.gov.uk',
    department: 'Policy, Culture and Communications',
    roles: ['admin', 'safeguarding-lead'],
    active: true,
  },
  {
    id: 'demo-tim-sadler',
    name: 'Tim Sadler',
    department: 'Community Services',
    jobTitle: 'Executive Director, Community Services',
    roles: ['admin', 'safeguarding-lead'],
    active: true,
  },
  { id: 'demo-jennifer-kotilaine', name: 'Jennifer Kotilaine', department: 'Policy, Culture and Communications', roles: ['officer'], active: true },
  { id: 'demo-simon-howick', name: 'Simon Howick', department: 'HR', roles: ['hr'], active: true },
  { id: 'demo-richard-adams', name: 'Richard Adams', department: 'Community Services', roles: ['officer'], active: true },
  { id: 'demo-lucy-nevielle', name: 'Lucy Nevielle', department: 'Community Services', roles: ['officer'], active: true },
];

export function demoPlanPath(): string {
  return path.join(projectRoot(), 'test', 'fixtures', DEMO_PLAN_FILE);
}

/** Loads the demo directory and plan into an organisation that has no plan yet; otherwise does nothing. */
export async function seedDemo(store: Store, clock: Clock, orgId: string, timeZone: string, events: DomainEventPublisher): Promise<ImportReport | undefined> {
  const organisation = await ensureOrganisation(store, clock, orgId, { name: 'Demo council', timeZone });
  if ((await new ActionPlan(store).plansOf(orgId)).length > 0) return undefined;
  // Seeded in the current shape (a partnership led by an agency, everyone in it), so the start-up
  // migration finds nothing to convert or back up.
  const agency = organisation.leadAgencyId ?? (await addAgency(store, clock, orgId, { name: DEMO_AGENCY.name }, { timeZone }, events)).agency.agencyId;
  const directory = new Directory(store);
  // Each demo role is recorded with its source, as current data is, so the role-sources migration finds nothing to do.
  for (const person of DEMO_PEOPLE) await directory.save({ ...person, orgId, agency, roleGrants: grantsOf(person) });
  const report = await importPlan(
    { store, clock },
    {
      orgId,
      planId: DEMO_PLAN_ID,
      title: 'Safeguarding Action Plan 2015-16',
      fileName: DEMO_PLAN_FILE,
      table: await readTable(demoPlanPath()),
      dryRun: false,
      // From the plan's document control table.
      details: {
        owner: { personId: 'demo-tim-sadler', name: 'Tim Sadler' },
        period: { start: '2015-04-01', end: '2016-03-31' },
        reviewDates: { lastReviewed: '2015-04-08', nextReview: '2015-05-07' },
      },
    },
  );
  // The plan's sources, as reviews its learning points link to, so the demo shows the loop to the impact check.
  await seedDemoReviews(store, clock, orgId, { [DEMO_AGENCY.id]: agency });
  return report;
}

/**
 * Demo training, so HR's rates and the dashboard's Training view have something to show: everyone
 * needs safeguarding awareness; some have it in date, one has let it lapse, two never did it.
 */
export async function seedDemoTraining(store: Store, orgId: string): Promise<void> {
  await setUpTraining(store, orgId, { requirements: [{ course: 'SG-AWARE', jobTitles: ['*'] }] });
  const done: [string, string][] = [
    ['demo-val-johnson', '2025-05-01'],
    ['demo-tim-sadler', '2022-03-01'],
    ['demo-jennifer-kotilaine', '2026-02-10'],
    ['demo-richard-adams', '2024-09-12'],
  ];
  // Each record carries its person's agency, as an import writes it.
  const agencyOf = new Map((await new Directory(store).all({ orgId })).map((p) => [p.id, p.agency]));
  const training = new TrainingRepository(store);
  for (const [personId, completedOn] of done) {
    await training.save({
      id: `demo-record-${personId}`,
      orgId,
      kind: 'record',
      personId,
      courseCode: 'SG-AWARE',
      completedOn,
      status: 'completed',
      source: 'import',
      ...(agencyOf.get(personId) ? { agency: agencyOf.get(personId)! } : {}),
      createdAt: `${completedOn}T12:00:00.000Z`,
    });
  }
  await refreshTrainingSummaries(
    store,
    orgId,
    done.map(([personId]) => personId),
  );
}
