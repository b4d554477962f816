import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../services/core/paths';
import { openEscalations } from '../../services/escalations/escalations';
import { ActionPlan } from '../../services/plan/repository';
import type { Action } from '../../services/plan/model';
import { toArray } from '../../services/store/ports';
import { trainingRates } from '../../services/training/reports';
import { OPERATOR } from '../../services/access/policy';
import { startTestApp, type TestApp } from '../harness/app';
import { ORG, person, seed } from '../harness/fixtures';
import { TEST_TENANT_ID } from '../harness/teams-activities';
import { PARTNERSHIP, seedDashboard, seedPartnership, seedReach } from './dashboard-seed';
import { partnershipReport } from '../../services/organisation/partnership-report';
import { Directory } from '../../services/people/repository';
import { reachReport } from '../../services/reach/report';
import { loadAnswerSeal } from '../../services/surveys/seal';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(projectRoot(), 'test-artifacts', 'screenshots');
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 360, height: 740 };

/**
 * The tab in headless Chromium against the real app (local mode, local sign-in), with seeded data.
 * Screenshots of every view, wide and narrow, land in test-artifacts/screenshots.
 */
describe('the dashboard tab in a browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`The browser tests need Chromium at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    t.clock.set('2026-11-23T10:00:00Z');
    await seedDashboard(t.store, t.clock, loadAnswerSeal(t.config));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      // Chromium's crash handler cannot run under libfaketime (the suite's year-ahead run): the
      // browser keeps the real clock, while the server it renders, whose clock is moved, does not.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME'))),
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /**
   * Opens the tab outside Teams at the address `npm start` prints (which hands the page this run's
   * secret) and uses the local sign-in, as a developer would.
   */
  async function signIn(personId: string, options: { viewport?: { width: number; height: number }; query?: string; app?: TestApp } = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: options.viewport ?? WIDE });
    // Fail on the missing text or element itself, well before the test's own time limit.
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const { app } = options.app ?? t;
    await page.goto(`${app.url}/tab/index.html${options.query ?? ''}#local-sign-in=${app.local!.secret}`);
    await page.getByText('Local sign-in (development only)').waitFor();
    // The page keeps the secret for this tab and takes it out of the address bar.
    expect(page.url()).toBe(`${app.url}/tab/index.html${options.query ?? ''}`);
    await page.getByLabel('Sign in as').selectOption(personId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Safeguarding dashboard' }).waitFor();
    expect(errors).toEqual([]);
    return page;
  }
  const loaded = (page: Page) => page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('Loading…'));
  const open = async (page: Page, view: string) => {
    await page.getByRole('tab', { name: view }).click();
    await loaded(page);
  };
  /**
   * Every screenshot also checks that nothing sticks out sideways, which a narrow Teams panel would
   * cut off, and that each bar chart is drawn to scale: all its bars share one track width, and
   * each bar fills its track in proportion to its number (a percentage, or a count against the largest).
   */
  const shot = async (page: Page, name: string) => {
    const widths = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    expect({ name, overflow: widths[0] - widths[1] }).toEqual({ name, overflow: 0 });
    const charts = (await page.evaluate(`[...document.querySelectorAll('figure[data-scale]')].map((f) => ({
      title: f.getAttribute('aria-label'),
      scale: f.getAttribute('data-scale'),
      bars: [...f.querySelectorAll('svg[data-value]')].map((svg) => {
        const [track, fill] = svg.querySelectorAll('rect');
        return { value: Number(svg.getAttribute('data-value')), track: track.getBoundingClientRect().width, fill: fill.getBoundingClientRect().width };
      }),
    }))`)) as { title: string; scale: 'percent' | 'count'; bars: { value: number; track: number; fill: number }[] }[];
    for (const chart of charts) {
      const tracks = chart.bars.map((b) => b.track);
      expect({ name, chart: chart.title, trackSpread: Math.round(Math.max(...tracks) - Math.min(...tracks)) }).toEqual({ name, chart: chart.title, trackSpread: 0 });
      const full = chart.scale === 'percent' ? 100 : Math.max(1, ...chart.bars.map((b) => b.value));
      for (const b of chart.bars) expect({ name, chart: chart.title, value: b.value, misdrawnBy: Math.round(Math.abs(b.fill - (b.track * b.value) / full)) }).toEqual({ name, chart: chart.title, value: b.value, misdrawnBy: 0 });
    }
    // Transitions (a tab's underline sliding across) would otherwise be caught half-way.
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  };

  it('action plan: the RAG chart shows each learning point’s counts from the store, wide and narrow', async () => {
    const actions = await toArray(t.store.collection<Action>('actions').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }));
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-val-johnson', { viewport });
      await open(page, 'Action plan');
      await expect(page.getByTestId('plan-totals').textContent()).resolves.toMatch(new RegExp(`^${actions.length} actions: ${actions.filter((a) => a.status === 'B').length} Blue`));
      const points = [...new Set(actions.map((a) => a.learningPoint))].sort();
      for (const lp of points) {
        const row = page.locator(`svg[data-chart-row^="${lp}. "]`);
        for (const status of ['B', 'G', 'A', 'R', 'NR'] as const) {
          const expected = actions.filter((a) => a.learningPoint === lp && a.status === status).length;
          const segment = row.locator(`g[data-segment="${status}"]`);
          if (expected === 0) await expect(segment.count()).resolves.toBe(0);
          else await expect(segment.locator('text').textContent()).resolves.toBe(String(expected));
        }
      }
      // Filtering by status redraws the chart with only those actions.
      await page.getByRole('combobox', { name: 'Status' }).selectOption('R');
      await page.getByText(`${actions.filter((a) => a.status === 'R').length} actions:`, { exact: false }).waitFor();
      await page.getByRole('combobox', { name: 'Status' }).selectOption('');
      await page.getByText(`${actions.length} actions:`, { exact: false }).waitFor();
      await shot(page, `plan-${viewport.width}`);
      await page.close();
    }
  });

  it('my actions and escalations show the signed-in lead’s data', async () => {
    const mine = await new ActionPlan(t.store).openActionsLedBy(ORG, 'demo-val-johnson');
    // A safeguarding lead sees every open escalation, as in the bot.
    const escalations = await openEscalations(t.store, ORG);
    expect(escalations.map((e) => e.stage).sort()).toEqual([1, 1, 2]);
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-val-johnson', { viewport });
      await page.getByText(`My open actions (${mine.length})`).waitFor();
      for (const a of mine.slice(0, 3)) await page.getByText(a.description.replace(/\s+/g, ' ').slice(0, 40)).first().waitFor();
      await shot(page, `my-actions-${viewport.width}`);
      await open(page, 'Escalations');
      await page.getByText(`Open escalations (${escalations.length})`).waitFor();
      const stages = page.locator('figure[aria-label="Open escalations by stage"] svg[data-chart-row]');
      await expect(stages.count()).resolves.toBeGreaterThanOrEqual(2);
      for (let i = 0; i < (await stages.count()); i++) {
        const stage = Number(/^Stage (\d+):/.exec((await stages.nth(i).getAttribute('data-chart-row'))!)![1]);
        const expected = String(escalations.filter((e) => e.stage === stage).length);
        await expect(stages.nth(i).getAttribute('data-value')).resolves.toBe(expected);
        // The count is written beside its bar, not only drawn.
        await expect(stages.nth(i).locator('xpath=following-sibling::span').textContent()).resolves.toBe(expected);
      }
      await page.getByText('Action turned Red', { exact: false }).first().waitFor();
      // Raised on Monday 16 November, so five working days old on Monday 23 November, and past its stage-1 deadline.
      await page.getByText('5 working days').waitFor();
      await page.getByText('(passed)', { exact: false }).first().waitFor();
      await shot(page, `escalations-${viewport.width}`);
      await page.close();
    }
  });

  it('training: HR sees the rates the report computes, and the named overdue list', async () => {
    const rows = await trainingRates(t.store, ORG, '2026-11-23', 'department', OPERATOR);
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-simon-howick', { viewport });
      await open(page, 'Training');
      for (const r of rows) {
        await expect(page.locator(`svg[data-chart-row="${r.group}"]`).first().getAttribute('data-value')).resolves.toBe(String(r.pctWithinValidity));
        await page.getByText(`${r.pctWithinValidity}% (${r.withinValidity} of ${r.required})`).first().waitFor();
      }
      // The same rates as a table: the report the card and the export show.
      const rates = page.locator('table[aria-label="Training completion by department, as at 23 Nov 2026"], ul[aria-label="Training completion by department, as at 23 Nov 2026"]');
      for (const r of rows) await expect(rates.textContent()).resolves.toContain(`${r.group}`);
      await expect(rates.textContent()).resolves.toContain(`${rows.find((r) => r.group === 'All')!.pctWithinValidity}%`);
      await page.getByText(/^Overdue training \(\d+\), as at 23 Nov 2026$/).waitFor();
      await page.getByText('Named list: for HR and administrators only; handle it as personal data.').waitFor();
      await page.getByText('Staff Member 11').first().waitFor();
      await shot(page, `training-${viewport.width}`);
      await page.close();
    }
  });

  it('an officer is not offered training rates or named lists, and the API refuses them', async () => {
    const page = await signIn('demo-richard-adams');
    for (const view of ['My actions', 'Action plan', 'Escalations']) await expect(page.getByRole('tab', { name: view }).count()).resolves.toBe(1);
    for (const view of ['Training', 'Questionnaires']) await expect(page.getByRole('tab', { name: view }).count()).resolves.toBe(0);
    const status = await page.evaluate("fetch('/api/tab/training/overdue', { headers: { authorization: 'Local demo-richard-adams', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then((r) => r.status)");
    expect(status).toBe(403);
    await page.close();
  });

  it('reach: an administrator sees who is reached in Teams and who is not, and why, as the report computes it', async () => {
    await seedReach(t.store);
    const report = await reachReport(t.store, { orgId: ORG });
    expect(report.counts.teams).toBe(1);
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-val-johnson', { viewport });
      await open(page, 'Reach');
      const total = report.rows.length;
      await expect(page.getByTestId('reach-counts').textContent()).resolves.toBe(`${total} people: 1 in Teams, 0 by email, ${total - 1} not reached`);
      for (const [label, count] of [['Teams', report.counts.teams], ['Email', report.counts.email], ['Not reached', report.counts.unreachable]] as const) {
        await expect(page.locator(`svg[data-chart-row="${label}"]`).getAttribute('data-value')).resolves.toBe(String(count));
      }
      await page.getByText('Email is not set up on this server', { exact: false }).waitFor();
      // Those not reached come first, names in numeric order; Val, the one reached in Teams, last.
      const names = (await page.getByLabel('People and how they are reached').locator(viewport === WIDE ? 'tbody tr td:first-child' : 'li > div:first-child').allTextContents()).map((n) => n.replace(/^Person: /, ''));
      expect(names.at(-1)).toBe('Val Johnson');
      expect(names.filter((n) => n.startsWith('Staff Member ')).slice(0, 3)).toEqual(['Staff Member 0', 'Staff Member 1', 'Staff Member 2']);
      await page.getByText('the app is blocked for them in Teams', { exact: false }).first().waitFor();
      // Narrowed to those not reached: Val, reached in Teams, leaves the list.
      await page.getByRole('combobox', { name: 'Show' }).selectOption('unreachable');
      const list = page.getByLabel('People and how they are reached');
      await list.getByText('Richard Adams').first().waitFor();
      await expect(list.getByText('Val Johnson').count()).resolves.toBe(0);
      await page.getByRole('combobox', { name: 'Show' }).selectOption('');
      await list.getByText('Val Johnson').first().waitFor();
      await shot(page, `reach-${viewport.width}`);
      // Found by name.
      await page.getByRole('textbox', { name: 'Name' }).fill('richard');
      await expect(list.getByText('Val Johnson').count()).resolves.toBe(0);
      await list.getByText('Richard Adams').first().waitFor();
      await page.close();
    }
  });

  it('reach at council size: the page draws the first 500 people and says how to see the rest', async () => {
    const big = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    try {
      const people = [person({ id: 'admin', name: 'Ada Admin', roles: ['admin'] }), ...Array.from({ length: 600 }, (_, i) => person({ id: `p${i}`, name: `Person ${String(i).padStart(3, '0')}` }))];
      await seed(big.store, { people });
      const page = await signIn('admin', { app: big, query: '?view=reach' });
      await loaded(page);
      await expect(page.getByTestId('reach-counts').textContent()).resolves.toBe('601 people: 0 in Teams, 0 by email, 601 not reached');
      await expect(page.getByTestId('reach-truncated').textContent()).resolves.toMatch(/^Showing the first 500 of 601: /);
      await expect(page.getByLabel('People and how they are reached').locator('tbody tr').count()).resolves.toBe(500);
      // Narrowed by name, everyone matching is shown.
      await page.getByRole('textbox', { name: 'Name' }).fill('Person 59');
      await expect(page.getByLabel('People and how they are reached').locator('tbody tr').count()).resolves.toBe(10);
      await expect(page.getByTestId('reach-truncated').count()).resolves.toBe(0);
      await page.close();
    } finally {
      await big.close();
    }
  });

  it('reach is not offered to HR or a safeguarding lead who is not an administrator, and the API refuses them', async () => {
    for (const personId of ['demo-simon-howick', 'demo-lucy-nevielle']) {
      // Asked for by address, the view is not shown: the page falls back to their own actions.
      const page = await signIn(personId, { query: '?view=reach' });
      await page.getByText('My open actions', { exact: false }).waitFor();
      await expect(page.getByRole('tab', { name: 'Reach' }).count()).resolves.toBe(0);
      await expect(page.getByText('not reached', { exact: false }).count()).resolves.toBe(0);
      const answer = (await page.evaluate(`fetch('/api/tab/reach', { headers: { authorization: 'Local ${personId}', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then(async (r) => ({ status: r.status, body: await r.text() }))`)) as { status: number; body: string };
      expect(answer.status).toBe(403);
      expect(answer.body).not.toContain('Richard');
      await page.close();
    }
  });

  describe('the partnership view, with two agencies', () => {
    let p: TestApp;
    beforeAll(async () => {
      // Its own app: the agencies change who administers what, which the other tests do not expect.
      p = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
      p.clock.set('2026-11-23T10:00:00Z');
      await seedDashboard(p.store, p.clock, loadAnswerSeal(p.config));
      await seedPartnership(p.store, p.clock);
    }, 60_000);
    afterAll(async () => {
      await p?.close();
    });

    /** Each row of a section as the page shows it: table cells when wide, "Header: value" lines when narrow. */
    const shownRows = async (page: Page, title: string, wide: boolean) =>
      wide
        ? Promise.all((await page.locator(`table[aria-label="${title}"] tbody tr`).all()).map((row) => row.locator('td').allTextContents()))
        : Promise.all((await page.locator(`ul[aria-label="${title}"] > li`).all()).map((item) => item.locator(':scope > div').allTextContents()));

    it('an administrator of the lead agency sees every section’s figures for both agencies, and nobody’s name, wide and narrow', async () => {
      const sections = await partnershipReport({ store: p.store, clock: p.clock }, { orgId: ORG, requester: OPERATOR, timeZone: 'Europe/London', asAt: '2026-11-23' });
      expect(sections.map((r) => r.title)).toEqual(['Plan RAG by priority', 'Plan RAG by agency', 'Training by agency', 'Escalations by agency and stage', 'Questionnaires by agency']);
      // Both agencies have figures of their own: actions they lead, and staff who need training. (Some
      // demo actions are led by people not in the directory, so the plan has a row for those too.)
      for (const title of ['Plan RAG by agency', 'Training by agency']) {
        const agencies = sections.find((r) => r.title === title)!.rows.map((row) => row[0]).filter((a) => a !== '(lead not in the directory)');
        expect({ title, agencies }).toEqual({ title, agencies: ['Northshire Council', 'Northshire Police', 'All agencies'] });
      }
      // The police: everyone needs safeguarding awareness (the officers, their administrator and HR: 8), and four officers are in date.
      expect(sections.find((r) => r.title === 'Training by agency')!.rows[1]!.slice(0, 4)).toEqual(['Northshire Police', 8, 4, 50]);
      const names = (await new Directory(p.store).all({ orgId: ORG })).map((person) => person.name);
      expect(names).toEqual(expect.arrayContaining(['Val Johnson', 'Priya Policeadmin', 'Constable Number 0']));
      for (const viewport of [WIDE, NARROW]) {
        const wide = viewport === WIDE;
        const page = await signIn('demo-val-johnson', { viewport, app: p });
        await open(page, 'Partnership');
        const view = page.getByRole('region', { name: 'Partnership' });
        await view.getByText('As at 2026-11-23. Figures only, no names', { exact: false }).waitFor();
        for (const section of sections) {
          await view.getByText(section.title, { exact: true }).first().waitFor();
          const expected = section.rows.map((row) => row.map((cell, c) => (wide ? '' : `${section.headers[c]}: `) + (cell === null ? '' : String(cell))));
          await expect(shownRows(page, section.title, wide)).resolves.toEqual(expected);
          for (const note of section.notes ?? []) await view.getByText(note, { exact: true }).waitFor();
        }
        // Nobody is named in the view; the page names only the signed-in administrator, in its header.
        const viewText = await view.innerText();
        const pageText = await page.locator('body').innerText();
        for (const name of names) {
          expect({ name, inView: viewText.includes(name) }).toEqual({ name, inView: false });
          if (name !== 'Val Johnson') expect({ name, onPage: pageText.includes(name) }).toEqual({ name, onPage: false });
        }
        await shot(page, `partnership-${viewport.width}`);
        await page.close();
      }
    });

    it('is not offered to an agency’s administrator or to HR, is not opened by address, and the API refuses them', async () => {
      for (const personId of [PARTNERSHIP.partnerAdmin, PARTNERSHIP.partnerHr, 'demo-simon-howick']) {
        const page = await signIn(personId, { app: p, query: '?view=partnership' });
        await page.getByText('My open actions', { exact: false }).waitFor();
        await expect(page.getByRole('tab', { name: 'Partnership' }).count()).resolves.toBe(0);
        await expect(page.getByRole('region', { name: 'Partnership' }).count()).resolves.toBe(0);
        await expect(page.getByText('All agencies', { exact: false }).count()).resolves.toBe(0);
        const answer = (await page.evaluate(`fetch('/api/tab/partnership', { headers: { authorization: 'Local ${personId}', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then(async (r) => ({ status: r.status, body: await r.text() }))`)) as { status: number; body: string };
        expect({ personId, status: answer.status }).toEqual({ personId, status: 403 });
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
        expect(answer.body).not.toContain('Northshire Police');
        await page.close();
      }
    });
  });

  it('questionnaires: response rate and headline figures as computed by hand', async () => {
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-simon-howick', { viewport });
      await open(page, 'Questionnaires');
      // 15 asked in Community Services (three demo people and twelve staff); twelve answered.
      await expect(page.getByTestId('response-rate').textContent()).resolves.toBe('12 of 15 answered (80%); anonymous');
      await expect(page.locator('svg[data-chart-row="Quite or very confident"]').getAttribute('data-value')).resolves.toBe('66.7'); // 8 of 12
      await expect(page.locator('svg[data-chart-row="Aware of safeguarding procedures"]').getAttribute('data-value')).resolves.toBe('75'); // 9 of 12
      await page.getByText('50% (6 of 12)').first().waitFor(); // know a Designated Safeguarding Officer's name
      // Every figure as the results report's table, small groups hidden by the service.
      const table = page.locator('table[aria-label^="Results of"], ul[aria-label^="Results of"]');
      await expect(table.textContent()).resolves.toMatch(/Breakdown[\s\S]*Department: Community Services/);
      await shot(page, `questionnaires-${viewport.width}`);
      // The campaign still open shows its response rate and why nothing more.
      await page.getByLabel('Questionnaire', { exact: true }).selectOption({ label: 'Awareness, still open (open, the Community Services department)' });
      await expect(page.getByTestId('response-rate').textContent()).resolves.toBe('3 of 15 answered (20%); anonymous');
      await expect(page.getByTestId('results-withheld').textContent()).resolves.toBe('Anonymous: only the response rate is shown until it closes (18 Dec 2026), so nobody’s answers can be worked out from how the figures change.');
      await expect(page.locator('svg[data-chart-row]').count()).resolves.toBe(0);
      await expect(page.getByText('By department and role').count()).resolves.toBe(0);
      await shot(page, `questionnaires-open-${viewport.width}`);
      await page.close();
    }
  });

  it('follows the Teams theme: dark renders light text on a dark page', async () => {
    const page = await signIn('demo-val-johnson', { query: '?theme=dark' });
    await open(page, 'Action plan');
    const colours = (await page.evaluate(`(() => {
      const el = document.querySelector('[data-theme]');
      const style = getComputedStyle(el);
      return { theme: el.getAttribute('data-theme'), background: style.backgroundColor, text: style.color };
    })()`)) as { theme: string; background: string; text: string };
    expect(colours.theme).toBe('dark');
    const luminance = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
    expect(luminance(colours.background)).toBeLessThan(80);
    expect(luminance(colours.text)).toBeGreaterThan(180);
    await shot(page, 'plan-dark-1280');
    await page.close();
  });

  it('is usable by keyboard: the view tabs take focus and arrow keys move between them', async () => {
    const page = await signIn('demo-val-johnson');
    await page.getByRole('tab', { name: 'My actions' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toMatch(/^Action plan/);
    await page.keyboard.press('Enter');
    await page.getByTestId('plan-totals').waitFor();
    await page.close();
  });

  it('opened without the address npm start printed (another account, an old bookmark), the local sign-in lists no one and says where to get in', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    page.setDefaultTimeout(10_000);
    await page.goto(`${t.app.url}/tab/index.html`);
    await page.getByText('open the dashboard at the address that npm start printed', { exact: false }).waitFor();
    await expect(page.getByLabel('Sign in as').count()).resolves.toBe(0);
    await expect(page.getByText('Simon Howick', { exact: false }).count()).resolves.toBe(0);
    await page.close();
  });

  it('outside Teams on a production server it says to open it in Teams, quickly', async () => {
    const prod = await startTestApp({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'example-not-a-secret', ALLOWED_TENANT_IDS: TEST_TENANT_ID, HOST: '127.0.0.1' });
    try {
      const page = await browser.newPage({ viewport: NARROW });
      const started = Date.now();
      await page.goto(`${prod.app.url}/tab/index.html`);
      await page.getByText('Open this dashboard in Microsoft Teams', { exact: false }).waitFor({ timeout: 10_000 });
      // teams-js alone would wait 60 s for a host that never answers.
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(page.getByText('Local sign-in').count()).resolves.toBe(0);
      await shot(page, 'outside-teams-360');
      await page.close();
    } finally {
      await prod.close();
    }
  });
});
