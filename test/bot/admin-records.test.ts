import ExcelJS from 'exceljs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../bot/app';
import { runJob } from '../../bot/jobs';
import { flushAudit } from '../../services/audit/audit-log';
import type { AuditEntry } from '../../services/audit/model';
import { FixedClock } from '../../services/core/clock';
import { silentLogger } from '../../services/core/logger';
import type { OutboxItem } from '../../services/delivery/model';
import { enqueue } from '../../services/delivery/outbox';
import type { Escalation } from '../../services/escalations/model';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Role } from '../../services/people/model';
import { Directory } from '../../services/people/repository';
import { readTable, type Table } from '../../services/core/tabular';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { toArray, type Store } from '../../services/store/ports';
import type { Requirement } from '../../services/training/model';
import { importPeople, importTraining } from '../../services/training/import';
import { cli } from '../harness/cli';
import { FakeConnector } from '../harness/fake-connector';
import { ORG } from '../harness/fixtures';
import { openPersistentTestStore } from '../harness/store';
import {
  cardText,
  installationUpdate,
  invokeActionExecute,
  messageActivity,
  personalConversationId,
  postActivity,
  TEST_TENANT_ID,
  type TeamsUser,
} from '../harness/teams-activities';
import { localSignIn, testConfig } from '../harness/app';

const table = (headers: string[], rows: string[][]): Table => ({
  headers,
  rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells: Object.fromEntries(headers.map((h, c) => [h, cells[c] ?? ''])) })),
});
const user = (name: string, aadObjectId: string): TeamsUser => ({ id: `29:${aadObjectId}`, aadObjectId, name });

const HANA = user('Hana Hughes', '0a1b2c3d-0000-4000-8000-00000000000a');
const SAM = user('Sam Lead', '0a1b2c3d-0000-4000-8000-00000000000b');
const ADA = user('Ada Admin', '0a1b2c3d-0000-4000-8000-00000000000c');
const WES = user('Wes Worker', '0a1b2c3d-0000-4000-8000-00000000000d');
const OLLY = user('Olly Officer', '0a1b2c3d-0000-4000-8000-00000000000e');

/**
 * A council's own deployment, without the demo data: people come from the HR file with their
 * object ids, and the app is used from Teams and the tab as it is in production. What people saw
 * is recorded, message content goes after 30 days, and one person's data can be handed to them.
 */
describe('a deployment without demo data: who saw what, how long messages are kept, and a subject access request', () => {
  let work: string;
  let dataDir: string;
  let store: Store;
  let app: App;
  let connector: FakeConnector;
  const clock = new FixedClock('2026-11-23T10:00:00Z');
  const calendar = new WorkingCalendar();

  const post = (activity: unknown) => postActivity(app.url, activity);
  async function typed(who: TeamsUser, text: string): Promise<string> {
    const conversationId = personalConversationId(who);
    const before = connector.activities({ conversationId }).length;
    expect((await post(messageActivity({ serviceUrl: connector.serviceUrl, user: who, text, tenantId: TEST_TENANT_ID }))).status).toBe(200);
    const sent = await connector.waitForActivities(before + 1, { conversationId });
    return cardText(sent.slice(before).map((a) => a.attachments?.[0]?.content));
  }
  const pressed = async (who: TeamsUser, verb: string, data: Record<string, unknown>) =>
    cardText((await post(invokeActionExecute({ serviceUrl: connector.serviceUrl, user: who, verb, data, tenantId: TEST_TENANT_ID }))).body?.value);
  const auditEntries = async () => (await toArray(store.collection<AuditEntry>('audit').readAll())).sort((a, b) => a.at.localeCompare(b.at));
  const housekeepingAt = async (at: string) => {
    const jobClock = new FixedClock(at);
    return runJob('housekeeping', {
      store,
      clock: jobClock,
      orgId: ORG,
      organisation: await ensureOrganisation(store, jobClock, ORG, { timeZone: 'Europe/London' }),
      calendar,
      logger: silentLogger,
    });
  };

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'admin-records-'));
    dataDir = path.join(work, 'data');
    ({ store } = await openPersistentTestStore(dataDir));
    await ensureOrganisation(store, clock, ORG, { timeZone: 'Europe/London' });
    const headers = ['Employee number', 'Full name', 'Work email', 'Entra object id', 'Entra tenant id', 'Department', 'Job title'];
    const people = [
      ['1001', HANA.name, 'hana@council.example', HANA.aadObjectId, TEST_TENANT_ID, 'HR', 'HR Advisor'],
      ['1002', SAM.name, 'sam@council.example', SAM.aadObjectId, TEST_TENANT_ID, 'Children', 'Safeguarding Lead'],
      ['1003', ADA.name, 'ada@council.example', ADA.aadObjectId, TEST_TENANT_ID, 'IT', 'Systems Administrator'],
      ['1004', WES.name, 'wes@council.example', WES.aadObjectId, TEST_TENANT_ID, 'Children', 'Social Worker'],
      ['1005', OLLY.name, 'olly@council.example', OLLY.aadObjectId, TEST_TENANT_ID, 'Children', 'Officer'],
    ];
    expect((await importPeople({ store, clock }, { orgId: ORG, table: table(headers, people), dryRun: false })).created).toBe(5);
    // Granting roles is another part of the product; here the grants are stored as it would store them.
    const directory = new Directory(store);
    const grant = async (id: string, roles: Role[]) => directory.save({ ...(await directory.get(ORG, id))!, roles });
    await grant('emp-1001', ['hr']);
    await grant('emp-1002', ['safeguarding-lead']);
    await grant('emp-1003', ['admin']);
    await store
      .collection<Requirement>('training')
      .upsert({ id: 'req-sg-gen', orgId: ORG, kind: 'requirement', courseCode: 'SG-GEN', jobTitles: ['Social Worker'] });
    // Done in January 2022 and valid three years: Wes is overdue.
    await importTraining(
      { store, clock },
      { orgId: ORG, table: table(['Employee number', 'Course', 'Completion date'], [['1004', 'SG-GEN', '2022-01-10']]), dryRun: false },
    );

    connector = await FakeConnector.start();
    const config = testConfig({ SEED_DEMO_DATA: 'false', DATA_DIR: work });
    app = await startApp({ config, logger: silentLogger, store, clock });
    for (const who of [HANA, SAM, ADA, WES, OLLY]) {
      expect((await post(installationUpdate({ serviceUrl: connector.serviceUrl, user: who, action: 'add', tenantId: TEST_TENANT_ID }))).status).toBeLessThan(
        300,
      );
    }
  });

  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await store?.close();
  });

  it('HR’s named overdue list in Teams and the reach list in the tab are each recorded with who, what, when and where, after the answer', async () => {
    expect(await typed(HANA, 'training overdue')).toMatch(/Overdue training \(1\)[\s\S]*Wes Worker/);
    const tab = await fetch(`${app.url}/api/tab/reach`, { headers: localSignIn({ app }, 'emp-1003') });
    expect(tab.status).toBe(200);
    expect(await flushAudit(store)).toEqual([]);
    const entries = await auditEntries();
    expect(entries).toEqual([
      expect.objectContaining({
        orgId: ORG,
        kind: 'audit',
        who: 'emp-1001',
        surface: 'teams',
        action: 'view',
        record: { kind: 'training-overdue-list', id: '2026-11-23' },
        at: '2026-11-23T10:00:00.000Z',
      }),
      expect.objectContaining({ who: 'emp-1003', surface: 'tab', action: 'view', record: { kind: 'reach-list', id: ORG } }),
    ]);
    // Azure Cosmos DB removes each entry itself after AUDIT_RETENTION_YEARS (six by default).
    expect(entries[0]!.ttl).toBe(Math.ceil(6 * 365.25) * 86_400);
  });

  it('a safeguarding lead sees from the case’s card who opened it; the officer who raised it may not', async () => {
    const escalation: Escalation = {
      id: 'esc-raised-1',
      orgId: ORG,
      kind: 'escalation',
      ref: 'ESC-2026-0001',
      cause: 'other-concern',
      source: 'raised',
      summary: 'Referral not acknowledged',
      caseReference: 'CR-1234',
      immediateRisk: false,
      raisedBy: { personId: 'emp-1005', name: OLLY.name },
      raisedAt: '2026-11-23T09:00:00.000Z',
      involvedPersonIds: [],
      stage: 2,
      stageStartedAt: '2026-11-23T09:00:00.000Z',
      stageDeadline: '2026-11-24',
      highestStage: 2,
      status: 'open',
      history: [{ at: '2026-11-23T09:00:00.000Z', by: { personId: 'emp-1005', name: OLLY.name }, what: 'raised', stage: 2 }],
      version: 1,
    };
    await store.collection<Escalation>('escalations').upsert(escalation);
    clock.set('2026-11-23T10:05:00Z');
    expect(await pressed(SAM, 'esc.open', { escalationId: escalation.id })).toMatch(/Other safeguarding concern/);
    clock.set('2026-11-23T10:07:00Z');
    expect(await pressed(ADA, 'esc.open', { escalationId: escalation.id })).toMatch(/Other safeguarding concern/);
    await flushAudit(store);

    clock.set('2026-11-23T10:10:00Z');
    const seen = await pressed(SAM, 'esc.seenBy', { escalationId: escalation.id });
    expect(seen).toMatch(/Who has seen ESC-2026-0001[\s\S]*Sam Lead\n23 Nov 2026 at 10:05 in Teams[\s\S]*Ada Admin\n23 Nov 2026 at 10:07 in Teams/);
    expect(await pressed(OLLY, 'esc.seenBy', { escalationId: escalation.id })).toMatch(/FORBIDDEN/);
    // HR is not related to the case at all: to them it does not exist.
    expect(await pressed(HANA, 'esc.seenBy', { escalationId: escalation.id })).toMatch(/does not exist or is not yours to see/);
  });

  it('with the clock moved past 30 days, a sent message’s body is gone and its delivery record remains, until 180 days', async () => {
    clock.set('2026-11-23T11:00:00Z');
    await enqueue(store, clock, {
      id: 'notice-wes-1',
      orgId: ORG,
      purpose: 'admin-notice',
      recipient: { personId: 'emp-1004' },
      message: { kind: 'notice', title: 'Your training', text: 'Safeguarding generalist has expired: please book it.' },
    });
    await app.deliverNow();
    const outbox = store.collection<OutboxItem>('outbox');
    const sent = (await outbox.read(ORG, 'notice-wes-1'))!;
    expect(sent).toMatchObject({ status: 'sent', message: { kind: 'notice' } });
    // The sender stamps the wall-clock time it sent at (Teams' clock); the periods count from it.
    const daysAfterSending = (days: number) => new Date(Date.parse(sent.sentAt!) + days * 86_400_000).toISOString();

    await housekeepingAt(daysAfterSending(29));
    expect((await outbox.read(ORG, 'notice-wes-1'))!.message).toEqual(sent.message);

    const result = await housekeepingAt(daysAfterSending(31));
    expect(result.removed).toMatchObject({ messageBodyDays: 1, deliveryRecordDays: 0 });
    const kept = (await outbox.read(ORG, 'notice-wes-1'))!;
    expect(kept.message).toBeUndefined();
    expect(JSON.stringify(kept)).not.toContain('please book it');
    expect(kept).toMatchObject({
      status: 'sent',
      recipient: { personId: 'emp-1004' },
      purpose: 'admin-notice',
      sentAt: sent.sentAt,
      bodyRemovedAt: daysAfterSending(31),
    });
    // Azure deletes the record itself when its 180 days are up, counted from this write: 149 days on.
    expect(kept.ttl).toBe(149 * 86_400);

    expect((await housekeepingAt(daysAfterSending(179))).removed).toMatchObject({ deliveryRecordDays: 0 });
    expect((await housekeepingAt(daysAfterSending(181))).removed).toMatchObject({ deliveryRecordDays: 1 });
    expect(await outbox.read(ORG, 'notice-wes-1')).toBeUndefined();
  });

  describe('at the command line, after the app has stopped', () => {
    // The CLI counts its own entries by the system clock; the range covers both.
    const to = new Date(Math.max(Date.now(), Date.parse('2026-11-24T00:00:00Z')) + 86_400_000).toISOString().slice(0, 10);
    beforeAll(async () => {
      await app.close();
      await store.close();
    });

    it('a change of link is audited, and the audit report shows HR’s view of the named list and every change, to partnership administrators only', async () => {
      const link = await cli(
        dataDir,
        'people',
        'link',
        'emp-1005',
        '--object-id',
        '0a1b2c3d-0000-4000-8000-0000000000ff',
        '--tenant',
        TEST_TENANT_ID,
        '--org',
        ORG,
      );
      expect(link.code).toBe(0);

      const report = await cli(dataDir, 'audit', 'report', '--from', '2026-11-23', '--to', to, '--org', ORG);
      expect(report.code).toBe(0);
      expect(report.out).toMatch(/Who saw or changed what, 2026-11-23 to/);
      expect(report.out).toMatch(/23 Nov 2026 at 10:00 +Hana Hughes +emp-1001 +teams +viewed +training-overdue-list +2026-11-23 +every agency/);
      expect(report.out).toMatch(
        /Operator \(command line\) +operator +cli +changed +person-link +emp-1005 +every agency +linked to object id 0a1b2c3d-0000-4000-8000-0000000000ff/,
      );

      const hers = await cli(dataDir, 'audit', 'report', '--from', '2026-11-23', '--to', to, '--person', 'hana@council.example', '--org', ORG);
      expect(hers.out).toMatch(/1 entries by emp-1001/);
      expect(hers.out).not.toMatch(/Sam Lead|person-link/);

      const about = await cli(
        dataDir,
        'audit',
        'report',
        '--from',
        '2026-11-23',
        '--to',
        to,
        '--record',
        'esc-raised-1',
        '--out',
        path.join(work, 'case.xlsx'),
        '--org',
        ORG,
      );
      expect(about.code).toBe(0);
      const sheet = await readTable(path.join(work, 'case.xlsx'));
      expect(sheet.rows.map((r) => r.cells['Who'])).toEqual(['Sam Lead', 'Ada Admin', 'Sam Lead']);
      expect(sheet.rows.map((r) => r.cells['Record kind'])).toEqual(['escalation', 'escalation', 'escalation-viewers']);

      await expect(cli(dataDir, 'audit', 'report', '--from', '2026-11-23', '--to', to, '--as', 'hana@council.example', '--org', ORG)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/partnership’s administrators/),
      });
    });

    it('export-subject holds the person’s training records, says anonymous answers cannot be tied to them, and is itself audited', async () => {
      const json = path.join(work, 'wes.json');
      const run = await cli(dataDir, 'people', 'export-subject', 'wes@council.example', '--out', json, '--org', ORG);
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/Wrote everything stored about Wes Worker \(emp-1004\).*1 training records/);
      const exported = JSON.parse(await fs.readFile(json, 'utf8'));
      expect(exported.person).toMatchObject({ id: 'emp-1004', name: 'Wes Worker', aadObjectId: WES.aadObjectId });
      expect(exported.training.records).toEqual([expect.objectContaining({ courseCode: 'SG-GEN', completedOn: '2022-01-10', status: 'completed' })]);
      expect(exported.training.summary.courses['SG-GEN'].completed).toEqual(['2022-01-10']);
      expect(exported.notificationSettings).toEqual({ notifyBy: 'teams' });
      expect(exported.links.chats).toEqual([expect.objectContaining({ kind: 'personal', tenantId: TEST_TENANT_ID })]);
      expect(exported.messages).toEqual([]); // the one message to them is past its retention and gone
      expect(exported.notes.join(' ')).toMatch(/cannot be tied to you, by design/);
      expect((await fs.stat(json)).mode & 0o777).toBe(0o600);

      const xlsx = path.join(work, 'wes.xlsx');
      expect((await cli(dataDir, 'people', 'export-subject', 'emp-1004', '--out', xlsx, '--org', ORG)).code).toBe(0);
      const book = await new ExcelJS.Workbook().xlsx.readFile(xlsx);
      expect(book.worksheets.map((w) => w.name)).toEqual([
        'Directory record',
        'Roles and links',
        'Notification settings',
        'Training records',
        'Training summary',
        'Actions led',
        'Action updates',
        'Escalations',
        'Questionnaires',
        'Messages',
        'Audit of their actions',
        // What each feature module holds about them: empty sheets for someone it does not name.
        'Section 11 returns',
        'Section 11 their steps',
        'Section 11 actions led',
        'Learning from reviews',
        'About this export',
      ]);
      expect(book.getWorksheet('Training records')!.getRow(2).values).toEqual([undefined, 'SG-GEN', 'completed', '2022-01-10', 'import', '']);

      const audited = await cli(dataDir, 'audit', 'report', '--from', '2026-11-23', '--to', to, '--record', 'emp-1004', '--org', ORG);
      expect(audited.out).toMatch(/operator +cli +exported +subject-export +emp-1004/);
    });

    it('a backup and a restore are recorded, and a restore that replaces everything keeps the record of who saw what', async () => {
      expect((await cli(dataDir, 'backup', path.join(work, 'backups'), '--org', ORG)).code).toBe(0);
      expect((await cli(dataDir, 'restore', path.join(work, 'backups'), '--replace', '--org', ORG)).code).toBe(0);
      const report = await cli(dataDir, 'audit', 'report', '--from', '2026-11-23', '--to', to, '--org', ORG);
      // The backup's own entry was written after the backup was taken: --replace did not remove it.
      expect(report.out).toMatch(/operator +cli +backed up +backup +backup-/);
      expect(report.out).toMatch(/operator +cli +changed +restore +backup-.*restored with --replace/);
      expect(report.out).toMatch(/Hana Hughes +emp-1001 +teams +viewed +training-overdue-list/);
    });

    it('erasing someone still in the HR file as active is refused with the reason', async () => {
      await expect(cli(dataDir, 'people', 'erase', 'emp-1004', '--dry-run', '--org', ORG)).rejects.toMatchObject({
        code: 'WITHIN_RETENTION',
        message: expect.stringMatching(/Wes Worker \(emp-1004\) is not a leaver/),
      });
    });
  });
});
