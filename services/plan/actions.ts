import type { Store } from '../store/ports';
import { toArray } from '../store/ports';
import type { Action, Plan } from './model';

/** Reads of the action plan shared by the bot, the CLI and the tab. */
export class ActionPlan {
  constructor(private readonly store: Store) {}

  get actions() {
    return this.store.collection<Action>('actions');
  }

  get plans() {
    return this.store.collection<Plan>('plans');
  }

  getAction(orgId: string, id: string): Promise<Action | undefined> {
    return this.actions.read(orgId, id);
  }

  /** In plan order: learning point, then the order the rows had in the imported file. */
  async actionsOfPlan(orgId: string, planId: string): Promise<Action[]> {
    const found = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.planId = @planId',
        parameters: [{ name: '@orgId', value: orgId }, { name: '@planId', value: planId }],
      }),
    );
    return found.sort((a, b) => a.learningPoint - b.learningPoint || a.imported.rowNumber - b.imported.rowNumber);
  }

  /** Open actions led by a person, soonest due first (undated last). */
  async openActionsLedBy(orgId: string, personId: string): Promise<Action[]> {
    const found = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.open = true AND ARRAY_CONTAINS(c.leadIds, @personId)',
        parameters: [{ name: '@orgId', value: orgId }, { name: '@personId', value: personId }],
      }),
    );
    return found.sort((a, b) => (a.nextDueDate ?? '9999').localeCompare(b.nextDueDate ?? '9999') || a.ref.localeCompare(b.ref));
  }

  /** The first action with this reference (e.g. LP2.3); references are unique within a plan. */
  async findByRef(orgId: string, ref: string): Promise<Action | undefined> {
    const [found] = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.ref = @ref',
        parameters: [{ name: '@orgId', value: orgId }, { name: '@ref', value: ref }],
      }),
    );
    return found;
  }

  async plansOf(orgId: string): Promise<Plan[]> {
    return toArray(this.plans.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: orgId }] }));
  }
}
