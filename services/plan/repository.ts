import type { Store } from '../store/ports';
import { idChunks, toArray, type BulkOutcome, type Stored } from '../store/ports';
import type { Action, HistoryPart, Plan } from './model';

/** What the plan view shows of an action: see ActionPlan.planRows. */
export type PlanRowFields = Pick<
  Action,
  'id' | 'ref' | 'learningPoint' | 'description' | 'status' | 'progress' | 'leads' | 'open' | 'ongoing' | 'nextDueDate' | 'revisedDueDate'
> & { rowNumber: number };

/** An action as an update round sees it: see ActionPlan.roundActions. */
export type RoundAction = Pick<Action, 'id' | 'ref' | 'description' | 'status' | 'open'> & { answered: boolean };

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

  /** Replaces many actions through the bulk API, each only if unchanged since read (else a CONFLICT outcome, the caller's to redo). */
  replaceActions(docs: Stored<Action>[]): Promise<BulkOutcome[]> {
    return this.actions.bulk(docs.map((doc) => ({ kind: 'replace' as const, doc })));
  }

  /** One part of an action's older updates (a point read in the action's partition). */
  getHistoryPart(orgId: string, id: string): Promise<Stored<HistoryPart> | undefined> {
    return this.historyParts.read(orgId, id);
  }

  /** Stores a new part of an action's older updates; ALREADY_EXISTS when another writer stored it first. */
  createHistoryPart(part: HistoryPart): Promise<Stored<HistoryPart>> {
    return this.historyParts.create(part);
  }

  /** Changes a part where it stands, with its etag; `change` returns undefined to leave it. */
  updateHistoryPart(orgId: string, id: string, change: (current: Stored<HistoryPart>) => HistoryPart | undefined): Promise<Stored<HistoryPart>> {
    return this.historyParts.update(orgId, id, change);
  }

  /** History parts live in the actions container, beside their action in its partition. */
  private get historyParts() {
    return this.store.collection<HistoryPart>('actions');
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
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@planId', value: planId },
        ],
      }),
    );
    return found.sort((a, b) => a.learningPoint - b.learningPoint || a.imported.rowNumber - b.imported.rowNumber);
  }

  /** Actions answering a review's recommendations (the import's Review column), in any plan. */
  async actionsOfReview(orgId: string, reviewId: string): Promise<Action[]> {
    const found = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.review.reviewId = @reviewId',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@reviewId', value: reviewId },
        ],
      }),
    );
    return found.sort((a, b) => a.planId.localeCompare(b.planId) || a.learningPoint - b.learningPoint || a.imported.rowNumber - b.imported.rowNumber);
  }

  /**
   * The plan view's rows: only the fields its table shows, in plan order. An action's history
   * (every update ever given) is most of its size, and the view is open to everyone.
   */
  async planRows(orgId: string, planId: string): Promise<PlanRowFields[]> {
    const found = (await toArray(
      this.actions.query(
        {
          query:
            'SELECT c.id, c.ref, c.learningPoint, c.description, c.status, c.progress, c.leads, c.open, c.ongoing, c.nextDueDate, c.revisedDueDate, c.imported.rowNumber AS rowNumber FROM c WHERE c.orgId = @orgId AND c.planId = @planId',
          parameters: [
            { name: '@orgId', value: orgId },
            { name: '@planId', value: planId },
          ],
        },
        { pageSize: 2000 },
      ),
    )) as unknown as PlanRowFields[];
    return found.sort((a, b) => a.learningPoint - b.learningPoint || a.rowNumber - b.rowNumber);
  }

  /** Every action a person leads, open or done, by reference: for their subject access export. */
  async actionsLedBy(orgId: string, personId: string): Promise<Action[]> {
    const found = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(c.leadIds, @personId)',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
      }),
    );
    return found.sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /** Open actions led by a person, soonest due first (undated last). */
  async openActionsLedBy(orgId: string, personId: string): Promise<Action[]> {
    const found = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.open = true AND ARRAY_CONTAINS(c.leadIds, @personId)',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@personId', value: personId },
        ],
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

  /** Whole actions by id, a few hundred per query: for background work that rewrites many (an update round's stamps). */
  async actionsByIds(orgId: string, ids: readonly string[]): Promise<Stored<Action>[]> {
    const found: Stored<Action>[] = [];
    for (const chunk of idChunks(ids)) {
      found.push(
        ...(await toArray(
          this.actions.query({
            query: 'SELECT * FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(@ids, c.id)',
            parameters: [
              { name: '@orgId', value: orgId },
              { name: '@ids', value: chunk },
            ],
          }),
        )),
      );
    }
    return found;
  }

  /**
   * What an update round needs of its actions, without their histories: the digest line's fields
   * and whether a lead has answered in Teams since `since` (the round's start).
   */
  async roundActions(orgId: string, ids: readonly string[], since: string): Promise<RoundAction[]> {
    const found: RoundAction[] = [];
    for (const chunk of idChunks(ids)) {
      found.push(
        ...((await toArray(
          this.actions.query({
            query:
              "SELECT c.id, c.ref, c.description, c.status, c.open, EXISTS(SELECT VALUE h FROM h IN c.history WHERE h.source = 'teams' AND h.at >= @since) AS answered FROM c WHERE c.orgId = @orgId AND ARRAY_CONTAINS(@ids, c.id)",
            parameters: [
              { name: '@orgId', value: orgId },
              { name: '@ids', value: chunk },
              { name: '@since', value: since },
            ],
          }),
        )) as unknown as RoundAction[]),
      );
    }
    return found;
  }

  /** Every open action's id and leads: who an update round asks, read without the actions' texts and histories. */
  openActionLeads(orgId: string): Promise<Pick<Action, 'id' | 'leadIds'>[]> {
    return toArray(
      this.actions.query(
        { query: 'SELECT c.id, c.leadIds FROM c WHERE c.orgId = @orgId AND c.open = true', parameters: [{ name: '@orgId', value: orgId }] },
        { pageSize: 2000 },
      ),
    );
  }

  /** The first action with this reference (e.g. LP2.3); references are unique within a plan. */
  async findByRef(orgId: string, ref: string): Promise<Action | undefined> {
    const [found] = await toArray(
      this.actions.query({
        query: 'SELECT * FROM c WHERE c.orgId = @orgId AND c.ref = @ref',
        parameters: [
          { name: '@orgId', value: orgId },
          { name: '@ref', value: ref },
        ],
      }),
    );
    return found;
  }

  async plansOf(orgId: string): Promise<Plan[]> {
    return toArray(this.plans.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: orgId }] }));
  }
}
