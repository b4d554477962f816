import type { Person } from '../../services/people/model';
import type { Action } from '../../services/plan/model';
import type { Store } from '../../services/store/ports';

export const ORG = 'test-org';

export function person(overrides: Partial<Person> & { id: string; name: string }): Person {
  return { orgId: ORG, roles: ['officer'], active: true, ...overrides };
}

/** An open Green action led by `leadIds`, as an import would have stored it. */
export function actionDoc(overrides: Partial<Action> & { id: string }): Action {
  return {
    orgId: ORG,
    planId: 'plan',
    importKey: overrides.id,
    ref: 'LP1.1',
    learningPoint: 1,
    description: 'Regularly review the Safeguarding Programme and Action Plan.',
    evidence: 'Named Safeguarding Officers meeting minutes.',
    due: { dates: ['2027-04-30'], ongoing: null, text: 'April 2027' },
    ongoing: false,
    leads: [{ name: 'Val Johnson', personId: 'val' }],
    leadIds: ['val'],
    status: 'G',
    progress: 'On track',
    version: 1,
    history: [],
    imported: { status: 'G', progress: 'On track', rowNumber: 2 },
    open: true,
    nextDueDate: '2027-04-30',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

/** An open action `lead` alone leads, due on `due` (so its next due date): one reminder owed to one person. */
export function actionLedBy(lead: Pick<Person, 'id' | 'name'>, due: string, overrides: Partial<Action> = {}): Action {
  return actionDoc({
    id: `a-${lead.id}`,
    leadIds: [lead.id],
    leads: [{ name: lead.name, personId: lead.id }],
    due: { dates: [due], ongoing: null, text: due },
    nextDueDate: due,
    ...overrides,
  });
}

export async function seed(store: Store, data: { people?: Person[]; actions?: Action[] }): Promise<void> {
  for (const p of data.people ?? []) await store.collection<Person>('people').upsert(p);
  for (const a of data.actions ?? []) await store.collection<Action>('actions').upsert(a);
}

/** The object ids an HR import with an "Entra object id" column gives the demo people: the one way they are linked in tests. */
export const DEMO_OBJECT_IDS: Record<string, string> = {
  'demo-val-johnson': 'aad-val',
  'demo-tim-sadler': 'aad-tim',
  'demo-richard-adams': 'aad-richard',
  'demo-jennifer-kotilaine': 'aad-jen',
  'demo-simon-howick': 'aad-simon',
};

/** Links the demo people tests act as by object id, as HR's import does (the demo directory has none). */
export async function linkDemoPeople(store: Store): Promise<void> {
  for (const [id, aad] of Object.entries(DEMO_OBJECT_IDS)) await store.collection<Person>('people').update(ORG, id, (p) => ({ ...p, aadObjectId: aad }));
}
