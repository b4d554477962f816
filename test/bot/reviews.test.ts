import { appEvents } from '../harness/partnership';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runJob } from '../../bot/jobs';
import { silentLogger } from '../../services/core/logger';
import type { Escalation } from '../../services/escalations/model';
import { REVIEW_COMMANDS } from '../../services/reviews/cli';
import { addAgency } from '../../services/organisation/agencies';
import { ensureOrganisation } from '../../services/organisation/organisations';
import type { Action } from '../../services/plan/model';
import { WorkingCalendar } from '../../services/scheduling/calendar';
import { toArray } from '../../services/store/ports';
import { cardsAnswering, localSignIn, startTestApp, type TestApp } from '../harness/app';
import { ORG, person, seed } from '../harness/fixtures';
import { cardText, installationUpdate, invokeActionExecute, personalConversationId, TEST_TENANT_ID, type TeamsUser } from '../harness/teams-activities';
import { sampleReview } from '../harness/review-sample';

/*
 * The done-means, over real HTTP with the fake Bot Connector: a practice review is added,
 * its actions are reminded and updated, and twelve months later (the clock moved) its owners are
 * asked what difference it made; one answers, one is chased and escalated; the reports show it.
 */
const user = (key: string, name: string): TeamsUser => ({ id: `29:${key}`, aadObjectId: `aad-${key}`, name });
const ADA = user('ada', 'Ada Admin');
const CAROL = user('carol', 'Carol Lead');
const DEE = user('dee', 'Dee Worker');
const POLLY = user('polly', 'Polly Police-SL');
const OLLIE = user('ollie', 'Ollie Officer');

describe('learning from a practice review, to its 12-month impact check', () => {
  let t: TestApp;
  let dir: string;
  let reviewId: string;
  const calendar = new WorkingCalendar();
  const say = (u: TeamsUser, text: string) => cardsAnswering(t, u, text);
  const received = (u: TeamsUser) =>
    JSON.stringify(t.connector.activities({ conversationId: personalConversationId(u) }).map((a) => a.attachments?.[0]?.content));
  const invoke = async (u: TeamsUser, verb: string, data: Record<string, unknown>) => {
    const res = await t.post(invokeActionExecute({ serviceUrl: t.connector.serviceUrl, user: u, verb, data }));
    expect(res.status).toBe(200);
    return cardText(res.body.value);
  };
  const job = async (name: string, at: string) => {
    t.clock.set(at);
    const organisation = await ensureOrganisation(t.store, t.clock, ORG, { timeZone: 'Europe/London' });
    const result = await runJob(name, { store: t.store, clock: t.clock, orgId: ORG, organisation, calendar, logger: silentLogger });
    await t.app.sender.drain(ORG);
    return result;
  };
  /** A command of the review area, in this process, against the app's store; what it prints is returned. */
  const cli = async (words: 'review add' | 'review list' | 'review report' | 'review appendix', args: string[], options: Record<string, string> = {}) => {
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
    try {
      await REVIEW_COMMANDS[words]!.run({ config: t.config, store: t.store, clock: t.clock, args, options, deliver: async () => undefined });
    } finally {
      spy.mockRestore();
    }
    return out;
  };
  const actionsOf = async (rec: string) => (await toArray(t.store.collection<Action>('actions').readAll())).filter((a) => a.review?.recommendationId === rec);

  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    dir = await mkdtemp(path.join(os.tmpdir(), 'reviews-'));
    t.clock.set('2026-11-23T09:00:00Z');
    const defaults = { timeZone: 'Europe/London' };
    await addAgency(t.store, t.clock, ORG, { name: 'Council' }, defaults, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Police' }, defaults, appEvents());
    await seed(t.store, {
      people: [
        person({ id: 'ada', name: ADA.name, email: 'ada@council.example', agency: 'council', roles: ['admin'], aadObjectId: ADA.aadObjectId }),
        person({ id: 'carol', name: CAROL.name, email: 'carol@council.example', agency: 'council', aadObjectId: CAROL.aadObjectId }),
        person({ id: 'dee', name: DEE.name, email: 'dee@council.example', agency: 'council', aadObjectId: DEE.aadObjectId }),
        person({
          id: 'polly',
          name: POLLY.name,
          email: 'polly@police.example',
          agency: 'police',
          roles: ['safeguarding-lead'],
          aadObjectId: POLLY.aadObjectId,
        }),
        person({ id: 'ollie', name: OLLIE.name, email: 'ollie@council.example', agency: 'council', aadObjectId: OLLIE.aadObjectId }),
      ],
    });
    for (const u of [ADA, CAROL, DEE, POLLY, OLLIE]) await t.post(installationUpdate({ serviceUrl: t.connector.serviceUrl, user: u, action: 'add' }));
    await t.connector.waitForActivities(5);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => t.connector.reset());

  it('1. a partnership administrator adds a review with two lines of enquiry and three recommendations', async () => {
    const file = path.join(dir, 'review.yaml');
    const bad = sampleReview();
    delete (bad.recommendations[0] as Record<string, unknown>).measure;
    await writeFile(file, stringify(bad));
    // Refused whole, the missing measure named by its field.
    await expect(cli('review add', [file], { as: 'ada@council.example' })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [{ field: 'recommendations.R1.measure' }],
    });
    await writeFile(file, stringify(sampleReview()));
    // Only the partnership's administrators add reviews.
    await expect(cli('review add', [file], { as: 'ollie@council.example' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const out = await cli('review add', [file], { as: 'ada@council.example' });
    expect(out).toMatch(/Added review "([a-z0-9-]+)"[\s\S]*3 recommendations in 2 lines of enquiry[\s\S]*Actions: created 4/);
    reviewId = out.match(/Added review "([a-z0-9-]+)"/)![1]!;
    expect(out).toContain('R1 on 2027-11-02, R2 on 2027-11-02, R3 on 2027-12-01');
    expect(await cli('review list', [])).toContain(`${reviewId}  Child Safeguarding Practice Review, published 2026-11-02, 3 recommendations`);
  });

  it('2. its actions are reminded and updated like every plan action', async () => {
    // Fri 29 Jan 2027: R2's first action is due today.
    await job('daily-reminders', '2027-01-29T09:00:00Z');
    expect(received(POLLY)).toContain('Write the joint escalation route');
    const [route] = await actionsOf('R2');
    const updated = await invoke(POLLY, 'action.update', {
      actionId: route!.id,
      version: route!.version,
      status: 'B',
      progress: 'Route agreed and published',
      evidence: 'https://intranet.example/escalation-route',
    });
    expect(updated).toMatch(/Blue/);
    const [training] = await actionsOf('R1');
    await invoke(CAROL, 'action.update', { actionId: training!.id, version: training!.version, status: 'G', progress: 'Two of four teams trained' });
    expect((await actionsOf('R1'))[0]).toMatchObject({ status: 'G' });
    expect((await actionsOf('R2')).map((a) => a.status)).toEqual(['B', 'NR']);
  });

  it('3. twelve months on, with the clock moved, the owners get the impact check', async () => {
    expect(await job('impact-checks', '2027-11-01T09:45:00Z')).toMatchObject({ asked: 0 });
    // Tue 2 Nov 2027, twelve months after publication: R1's owner and R2's owning agency's safeguarding lead.
    expect(await job('impact-checks', '2027-11-02T09:45:00Z')).toMatchObject({ asked: 2 });
    expect(received(CAROL)).toMatch(/Impact check: R1[\s\S]*Practitioners recognise and act on exploitation risk/);
    expect(received(POLLY)).toMatch(/Impact check: R2/);
    expect(received(DEE)).toBe('[]');
    // R1's measure names the training follow-up questionnaire: its result stands beside the check.
    expect(received(CAROL)).toContain('training-follow-up');
  });

  it('4a. one owner answers "met" with evidence; nobody else may answer for them', async () => {
    const asked = await say(CAROL, 'impact checks');
    const checkId = asked.match(/"checkId":"([^"]+)"/)![1]!;
    const version = Number(asked.match(/"version":"(\d+)"/)![1]);
    const answer = {
      checkId,
      version,
      changed: 'All four teams trained; the audit of 20 cases found exploitation risk acted on in 18',
      evidence: 'https://intranet.example/audit-2027\nhttps://intranet.example/training-follow-up',
      measure: 'met',
      outcomeRag: 'G',
    };
    expect(await invoke(DEE, 'reviews.impact.answer', answer)).toMatch(/Only the owner of this impact check/);
    // A missing answer comes back on the card, by its field, with what was typed kept.
    expect(await invoke(CAROL, 'reviews.impact.answer', { ...answer, measure: undefined })).toMatch(/Say whether the measure was met/);
    expect(await invoke(CAROL, 'reviews.impact.answer', answer)).toMatch(/Thank you[\s\S]*Measure: Met/);
    expect(await invoke(CAROL, 'reviews.impact.answer', answer)).toMatch(/was answered on/);
  });

  it('4b. another is chased every second working day, then escalated by the ladder’s rules', async () => {
    expect(await job('impact-checks', '2027-11-04T09:45:00Z')).toMatchObject({ chasers: 1 });
    expect(received(POLLY)).toMatch(/Reminder: impact check R2/);
    await job('impact-checks', '2027-11-08T09:45:00Z');
    await job('impact-checks', '2027-11-10T09:45:00Z');
    t.connector.reset();
    // The request and three chasers unanswered: "no response to reminders" opens at stage 1.
    expect(await job('impact-checks', '2027-11-11T09:45:00Z')).toMatchObject({ escalated: 1 });
    const [escalation] = (await toArray(t.store.collection<Escalation>('escalations').readAll())).filter((e) => e.cause === 'no-response');
    expect(escalation).toMatchObject({ stage: 1, status: 'open', involvedPersonIds: ['polly'] });
    expect(received(POLLY)).toContain(escalation!.ref);
    // The ladder takes it from there, as any escalation: unacknowledged past its deadline, it moves up.
    await job('escalations', '2027-11-17T08:30:00Z');
    expect((await t.store.collection<Escalation>('escalations').read(ORG, escalation!.id))!.stage).toBe(2);
    // Five job runs, each sending at Teams' pace per conversation.
  }, 90_000);

  it('5. the review report, the board report and the annual-report export show it all', async () => {
    const report = await say(ADA, 'review report');
    expect(report).toMatch(/R1 Regular training for staff in exploitation[\s\S]*Met[\s\S]*Green: on course/);
    expect(report).toMatch(/R2 Agree one escalation route[\s\S]*escalated/);
    expect(report).toMatch(/Outcome measures: 1 met, 0 partly met, 0 not met, 0 too early to tell/);
    // Not for an officer.
    expect(await say(OLLIE, 'review report')).toMatch(/not available to you/);
    const board = await say(ADA, 'partnership report');
    expect(board).toMatch(/Learning from reviews[\s\S]*Child Safeguarding Practice Review: Learning from Exploitation/);
    const tab = await fetch(`${t.app.url}/api/tab/reports/reviews?review=${reviewId}`, { headers: localSignIn(t, 'ada') });
    expect(tab.status).toBe(200);
    expect(JSON.stringify(await tab.json())).toContain('All four teams trained');
    const appendix = await cli('review appendix', [], { as: 'ada@council.example' });
    expect(appendix).toMatch(/^# Learning from reviews: what we learned, what we did, what difference it made/);
    for (const outcome of [
      'Practitioners recognise and act on exploitation risk',
      'Disagreements about exploitation cases are resolved within ten working days',
      'Schools know the same day when a pupil has been missing',
    ])
      expect(appendix).toContain(outcome);
    expect(appendix).toMatch(/### R1[\s\S]*What difference it made:\*\* Met/);
    // The review report as a file for the board paper.
    const csv = path.join(dir, 'report.csv');
    expect(await cli('review report', [reviewId], { as: 'ada@council.example', out: csv })).toMatch(/wrote 3 rows/);
    expect(await readFile(csv, 'utf8')).toMatch(/R1 Regular training[^\n]*Met/);
  });
});
