import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../../services/core/clock';
import { DEMO_PEOPLE, demoPlanPath } from '../../../services/demo/seed-demo';
import { ActionPlan } from '../../../services/plan/repository';
import { planTableRows } from '../../../services/plan/export-plan';
import { importPlan, type ImportInput } from '../../../services/plan/import-plan';
import { readTable, writeTable, type Table } from '../../../services/core/tabular';
import { toArray, type Store } from '../../../services/store/ports';
import { submitStatusUpdate } from '../../../services/updates/status-update';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { domainEvents } from '../../../bot/modules';
import { WorkingCalendar } from '../../../services/scheduling/calendar';

const PLAN = 'plan-2015';

describe('importing the council’s action plan', () => {
  let store: Store;
  let seedTable: Table;
  const clock = new FixedClock('2015-04-10T09:00:00Z');
  const run = (overrides: Partial<ImportInput> = {}) =>
    importPlan(
      { store, clock },
      { orgId: ORG, planId: PLAN, title: 'Safeguarding Action Plan 2015-16', fileName: 'plan.csv', table: seedTable, dryRun: false, ...overrides },
    );
  const allActions = () =>
    toArray(store.collection('actions').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }));

  beforeAll(async () => {
    seedTable = await readTable(demoPlanPath());
  });
  beforeEach(async () => {
    store = await openTestStore();
    await seed(store, { people: DEMO_PEOPLE.map((p) => ({ ...p, orgId: ORG })) });
  });
  afterEach(() => store.close());

  it('a dry run reports what would change and writes nothing', async () => {
    const report = await run({ dryRun: true });
    expect(report.created).toBeGreaterThan(20);
    expect(await allActions()).toHaveLength(0);
    expect(await new ActionPlan(store).plansOf(ORG)).toHaveLength(0);
  });

  it('the seed plan imports with every row accounted for, and a second import changes nothing', async () => {
    const first = await run();
    expect(first.created + first.problems.length).toBe(first.dataRows);
    expect(first.dataRows).toBe(seedTable.rows.length);
    expect(await allActions()).toHaveLength(first.created);
    for (const p of first.problems) expect(p.reason.length).toBeGreaterThan(5);
    expect(first.problems.map((p) => p.reason).join('\n')).toMatch(/2915/);

    const second = await run();
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: first.created, changes: [] });
    expect(await allActions()).toHaveLength(first.created);
  });

  it('leads are matched to the directory by name, and misspelt ones are listed as unmatched', async () => {
    const report = await run();
    expect(report.unmatchedLeads).toEqual(expect.arrayContaining(['Jennifer Kotiliane']));
    expect(report.unmatchedLeads).not.toContain('Val Johnson');
    const vals = await new ActionPlan(store).openActionsLedBy(ORG, 'demo-val-johnson');
    expect(vals.length).toBeGreaterThan(5);
  });

  it('a lead given as an email address is matched by email', async () => {
    const table: Table = { headers: seedTable.headers, rows: [{ rowNumber: 2, cells: { ...seedTable.rows[0]!.cells, Lead: 'VJohnson@oxford.gov.uk' } }] };
    await run({ table });
    const [action] = await allActions();
    expect(action).toMatchObject({ leadIds: ['demo-val-johnson'] });
  });

  it('a status given in Teams since the last import survives a re-import of the same file', async () => {
    await run();
    const [target] = await new ActionPlan(store).openActionsLedBy(ORG, 'demo-val-johnson');
    const val = person({ id: 'demo-val-johnson', name: 'Val Johnson' });
    await submitStatusUpdate(
      { store, clock, events: domainEvents(new WorkingCalendar()) },
      {
        actor: val,
        timeZone: 'Europe/London',
        data: { actionId: target!.id, version: target!.version, status: 'A', progress: 'Late', reason: 'r', remedialAction: 'm' },
      },
    );
    const again = await run();
    expect(again.updated).toBe(0);
    expect((await new ActionPlan(store).getAction(ORG, target!.id))?.status).toBe('A');
  });

  it('a file that changes a row’s status updates that action in place and records it in history', async () => {
    await run();
    const changed: Table = {
      ...seedTable,
      rows: seedTable.rows.map((r, i) => (i === 0 ? { ...r, cells: { ...r.cells, Status: 'R-Red', Progress: 'Board meeting cancelled' } } : r)),
    };
    const report = await run({ table: changed, fileName: 'plan-v2.csv' });
    expect(report).toMatchObject({ created: 0, updated: 1 });
    const action = (await allActions()).find((a: any) => a.imported.rowNumber === seedTable.rows[0]!.rowNumber) as any;
    expect(action).toMatchObject({ status: 'R', progress: 'Board meeting cancelled', version: 2 });
    expect(action.history).toEqual([expect.objectContaining({ source: 'import', previousStatus: 'G', status: 'R', by: { name: 'import of plan-v2.csv' } })]);
  });

  it('importing into one organisation leaves another organisation untouched', async () => {
    await run();
    const other = await importPlan({ store, clock }, { orgId: 'other-org', planId: PLAN, title: 't', fileName: 'plan.csv', table: seedTable, dryRun: false });
    expect(other.created).toBeGreaterThan(0);
    expect(await allActions()).toHaveLength(other.created);
    expect(other.unmatchedLeads).toContain('Val Johnson');
  });

  it.each(['csv', 'xlsx'])('export to %s keeps the layout, current RAG and latest progress, and re-imports with no change', async (ext) => {
    const first = await run();
    const [target] = await new ActionPlan(store).openActionsLedBy(ORG, 'demo-val-johnson');
    await submitStatusUpdate(
      { store, clock, events: domainEvents(new WorkingCalendar()) },
      {
        actor: person({ id: 'demo-val-johnson', name: 'Val Johnson' }),
        timeZone: 'Europe/London',
        data: { actionId: target!.id, version: target!.version, status: 'A', progress: 'Exported progress', reason: 'r', remedialAction: 'm' },
      },
    );

    const { headers, rows } = await planTableRows(store, ORG, PLAN);
    // The layout it was imported with, the review each learning point answers included.
    expect(headers).toEqual(['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status', 'Review', 'Recommendation']);
    expect(rows).toHaveLength(first.created);
    expect(rows.find((r) => r[5] === 'Exported progress')?.[6]).toBe('A-Amber');

    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'export-')), `plan.${ext}`);
    await writeTable(file, headers, rows);
    const reimport = await run({ table: await readTable(file), fileName: `plan.${ext}` });
    expect(reimport.problems).toEqual([]);
    expect(reimport).toMatchObject({ created: 0, updated: 0, unchanged: first.created });
    expect(await new ActionPlan(store).getAction(ORG, target!.id)).toMatchObject({ status: 'A', progress: 'Exported progress' });
  });
});
