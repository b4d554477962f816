import type { Store } from '../store/ports';
import { toArray, type Stored } from '../store/ports';
import type { Action, Plan } from './model';

/** Actions and plans as stored: the only code that queries their containers, shared by the bot, the CLI, the jobs and the tab. */
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

  /** Stores a new action; ALREADY_EXISTS when its id is taken. */
  createAction(action: Action): Promise<Action> {
    return this.actions.create(action);
  }

  /**
   * Changes an action where it stands: `change` sees the stored one (again after a concurrent write)
   * and returns undefined to leave it; `current`, when the caller has just read it, saves a read.
   */
  updateAction(orgId: string, id: string, change: (current: Stored<Action>) => Action | undefined, current?: Stored<Action>): Promise<Stored<Action>> {
    return this.actions.update(orgId, id, change, current);
  }

  getPlan(orgId: string, id: string): Promise<Plan | undefined> {
    return this.plans.read(orgId, id);
  }

  async savePlan(plan: Plan): Promise<void> {
    await this.plans.upsert(plan);
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

  /** Every action a person leads, open or done, by reference: for their subject access export. */
  async actionsLedBy(orgId: string, personId: string): Promise<Action[]> {
    const found = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(c.leadIds, @personId)',
        parameters: [{ name: '@orgId', value: orgId }, { name: '@personId', value: personId }],
      }),
    );
    return found.sort((a, b) => a.ref.localeCompare(b.ref));
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

  /** Every open action of the organisation: the update round's list and the unreachable-owner check. */
  openActions(orgId: string): Promise<Action[]> {
    return this.openWhere(orgId, '');
  }

  /**
   * Open actions due on or before `horizon` (overdue included); with `openOngoing` these are the
   * reminder job's candidates. Indexed, so the cost follows the actions due, not the plan's size.
   */
  openActionsDueBy(orgId: string, horizon: string): Promise<Action[]> {
    return this.openWhere(orgId, ' AND c.nextDueDate <= @date', horizon);
  }

  /** Open actions whose next due date is before `day` (an ISO date). */
  openActionsDueBefore(orgId: string, day: string): Promise<Action[]> {
    return this.openWhere(orgId, ' AND c.nextDueDate < @date', day);
  }

  /** Open ongoing actions, which have periodic updates rather than one due date. */
  openOngoingActions(orgId: string): Promise<Action[]> {
    return this.openWhere(orgId, ' AND c.ongoing = true');
  }

  /** Open actions last rated Red or Amber. */
  openActionsAtRisk(orgId: string): Promise<Action[]> {
    return this.openWhere(orgId, " AND (c.status = 'R' OR c.status = 'A')");
  }

  private openWhere(orgId: string, condition: string, date?: string): Promise<Action[]> {
    const parameters = [{ name: '@orgId', value: orgId }, ...(date === undefined ? [] : [{ name: '@date', value: date }])];
    return toArray(this.actions.query({ query: `SELECT * FROM c WHERE c.orgId = @orgId AND c.open = true${condition}`, parameters }));
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
