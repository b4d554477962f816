import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { projectRoot } from '../../services/core/paths';
import { openEscalations } from '../../services/escalations/escalations';
import { ActionPlan } from '../../services/plan/repository';
import type { Action } from '../../services/plan/model';
import { toArray } from '../../services/store/ports';
import { trainingRates } from '../../services/training/reports';
import { OPERATOR } from '../../services/access/policy';
import { startTestApp, type TestApp } from '../harness/app';
import { launchChromium } from '../harness/browser';
import { ORG, person, seed } from '../harness/fixtures';
import { TEST_TENANT_ID } from '../harness/teams-activities';
import { PARTNERSHIP, seedDashboard, seedPartnership, seedReach } from './dashboard-seed';
import { partnershipReport } from '../../services/dashboard/partnership-report';
import { Directory } from '../../services/people/repository';
import { reachReport } from '../../services/reach/report';
import { loadAnswerSeal } from '../../services/surveys/seal';
import { addAgency } from '../../services/organisation/agencies';
import { reviewStandard, startSection11Round, type S11Return } from '../../services/section11';
import { appEvents } from '../harness/partnership';

const SHOTS = path.join(projectRoot(), 'test-artifacts', 'screenshots');
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 360, height: 740 };

/**
 * The tab in headless Chromium against the real app (local mode, local sign-in), with seeded data.
 * Screenshots of every view, wide and narrow, land in test-artifacts/screenshots.
 */

/** Every view and report the demo administrator is offered, in the switcher's order. */
const DEMO_ADMIN_VIEWS = [
  'My actions',
  'Action plan',
  'Escalations',
  'Training',
  'Questionnaires',
  'Reach',
  // A safeguarding lead too: offered the Section 11 return form (no round is open in the demo, and it says so).
  'Section 11 return',
  'Partnership',
  'Section 11 self-assessment',
  'Learning from reviews',
  'Annual report appendix',
  'Reviews at a glance',
];
describe('the dashboard tab in a browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
    t.clock.set('2026-11-23T10:00:00Z');
    await seedDashboard(t.store, t.clock, loadAnswerSeal(t.config));
    ({ browser } = await launchChromium());
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /**
   * Every console error and uncaught exception on any page a test opens fails that test, unless the
   * test expects it (a request it makes on purpose that the server refuses). The tests run with no
   * network beyond this machine, as a developer offline would.
   */
  let consoleErrors: string[] = [];
  let expectedConsoleErrors: RegExp[] = [];
  beforeEach(() => {
    consoleErrors = [];
    expectedConsoleErrors = [];
  });
  afterEach(() => {
    expect(consoleErrors.filter((e) => !expectedConsoleErrors.some((re) => re.test(e)))).toEqual([]);
  });
  const onConsole = (m: ConsoleMessage) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
  };
  async function newPage(viewport = WIDE): Promise<Page> {
    // A context of its own, as axe needs (it opens a blank page beside it); closed with the page.
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('close', () => void context.close().catch(() => undefined));
    // Fail on the missing text or element itself, well before the test's own time limit.
    page.setDefaultTimeout(10_000);
    page.on('console', onConsole);
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    return page;
  }

  /** Chromium's own console line for a request the server refused, which a test made on purpose. */
  const refused = (apiPath: string) =>
    new RegExp(`^Failed to load resource: the server responded with a status of 403 \\(Forbidden\\) \\(http://[^/]+${apiPath.replace(/[/.]/g, '\\$&')}\\)$`);

  /**
   * Opens the tab outside Teams at the address `npm start` prints (which hands the page this run's
   * secret) and uses the local sign-in, as a developer would.
   */
  async function signIn(
    personId: string,
    options: { viewport?: { width: number; height: number }; query?: string; app?: TestApp; atSignIn?: (page: Page) => Promise<void> } = {},
  ): Promise<Page> {
    const page = await newPage(options.viewport);
    const { app } = options.app ?? t;
    await page.goto(`${app.url}/tab/index.html${options.query ?? ''}#local-sign-in=${app.local!.secret}`);
    await page.getByText('Local sign-in (development only)').waitFor();
    // The page keeps the secret for this tab and takes it out of the address bar.
    expect(page.url()).toBe(`${app.url}/tab/index.html${options.query ?? ''}`);
    await options.atSignIn?.(page);
    await page.getByLabel('Sign in as').selectOption(personId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Safeguarding dashboard' }).waitFor();
    return page;
  }
  const loaded = (page: Page) =>
    page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('Loading…'));
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
      expect({ name, chart: chart.title, trackSpread: Math.round(Math.max(...tracks) - Math.min(...tracks)) }).toEqual({
        name,
        chart: chart.title,
        trackSpread: 0,
      });
      const full = chart.scale === 'percent' ? 100 : Math.max(1, ...chart.bars.map((b) => b.value));
      for (const b of chart.bars)
        expect({ name, chart: chart.title, value: b.value, misdrawnBy: Math.round(Math.abs(b.fill - (b.track * b.value) / full)) }).toEqual({
          name,
          chart: chart.title,
          value: b.value,
          misdrawnBy: 0,
        });
    }
    // Transitions (a tab's underline sliding across) would otherwise be caught half-way.
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  };

  /**
   * axe-core's WCAG 2.1 A and AA rules on the page as it stands. Each finding names where it was seen,
   * so one failing run lists every view, theme and width at fault.
   */
  type Finding = { where: string; rule: string; impact: string; nodes: number; first: string };
  const axeFindings = async (page: Page, where: string): Promise<Finding[]> => {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    // Fluent's keyboard helper (tabster) puts focusable, aria-hidden <i data-tabster-dummy> guards
    // around a tab list, to hand focus on at once: a false positive of this rule that Fluent and
    // Microsoft's own checker document. Only those nodes are set aside; anything else fails.
    for (const v of result.violations) if (v.id === 'aria-hidden-focus') v.nodes = v.nodes.filter((n) => !/^<i [^>]*data-tabster-dummy="/.test(n.html));
    return result.violations
      .filter((v) => v.nodes.length > 0)
      .map((v) => ({
        where,
        rule: v.id,
        impact: v.impact ?? 'unknown',
        nodes: v.nodes.length,
        first: `${v.nodes[0]?.target.join(' ')}: ${v.nodes[0]?.failureSummary ?? ''}`.slice(0, 300),
      }));
  };
  /**
   * What axe does not measure: the charts' own colours, as the browser computed them in this theme.
   * Numbers drawn on a bar need 4.5:1 against it; a bar, a segment or a key swatch needs 3:1 against
   * what it sits on (the page, or a bar's track), by its fill or its outline.
   */
  const chartContrast = async (page: Page, where: string) =>
    (
      (await page.evaluate(`(() => {
      const rgb = (c) => { const m = (c || '').match(/[\\d.]+/g); if (!m || m.length < 3) return null; const [r, g, b, a = 1] = m.map(Number); return a === 0 ? null : [r, g, b]; };
      const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
      const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c) return c; } return [255, 255, 255]; };
      const fill = (el) => rgb(getComputedStyle(el).fill);
      const edge = (el, against) => { const st = getComputedStyle(el); const stroke = parseFloat(st.strokeWidth) >= 1 ? rgb(st.stroke) : null; return Math.max(ratio(fill(el), against), stroke ? ratio(stroke, against) : 0); };
      const out = [];
      for (const g of document.querySelectorAll('g[data-segment]')) {
        const [rect, text] = [g.querySelector('rect'), g.querySelector('text')];
        const page = background(g.closest('svg'));
        out.push({ what: 'number on the ' + g.dataset.segment + ' segment', ratio: ratio(fill(text), fill(rect)), needs: 4.5 });
        out.push({ what: g.dataset.segment + ' segment against the page', ratio: edge(rect, page), needs: 3 });
      }
      for (const svg of document.querySelectorAll('figure[data-scale] svg[data-value]')) {
        if (Number(svg.dataset.value) === 0) continue;
        const [track, bar] = svg.querySelectorAll('rect');
        out.push({ what: 'bar against its track', ratio: edge(bar, fill(track)), needs: 3 });
        out.push({ what: 'bar against the page', ratio: edge(bar, background(svg)), needs: 3 });
      }
      for (const svg of document.querySelectorAll('svg[data-chart-row]')) for (const text of svg.querySelectorAll(':scope > text')) out.push({ what: 'number beside an empty bar', ratio: ratio(fill(text), background(svg)), needs: 4.5 });
      for (const swatch of document.querySelectorAll('figcaption [aria-hidden="true"]')) out.push({ what: 'key swatch', ratio: ratio(rgb(getComputedStyle(swatch).backgroundColor) || [255, 255, 255], background(swatch.parentElement)), needs: 3 });
      const seen = new Set();
      return out.filter((o) => o.ratio < o.needs).map((o) => ({ ...o, ratio: Math.round(o.ratio * 100) / 100 })).filter((o) => !seen.has(o.what + o.ratio) && seen.add(o.what + o.ratio));
    })()`)) as { what: string; ratio: number; needs: number }[]
    ).map((f) => ({ where, ...f }));

  it('action plan: the RAG chart shows each learning point’s counts from the store, wide and narrow', async () => {
    const actions = await toArray(
      t.store.collection<Action>('actions').query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }),
    );
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-val-johnson', { viewport });
      await open(page, 'Action plan');
      await expect(page.getByTestId('plan-totals').textContent()).resolves.toMatch(
        new RegExp(`^${actions.length} actions: ${actions.filter((a) => a.status === 'B').length} Blue`),
      );
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
    const rows = await trainingRates({ store: t.store }, ORG, '2026-11-23', 'department', OPERATOR);
    for (const viewport of [WIDE, NARROW]) {
      const page = await signIn('demo-simon-howick', { viewport });
      await open(page, 'Training');
      for (const r of rows) {
        await expect(page.locator(`svg[data-chart-row="${r.group}"]`).first().getAttribute('data-value')).resolves.toBe(String(r.pctWithinValidity));
        await page.getByText(`${r.pctWithinValidity}% (${r.withinValidity} of ${r.required})`).first().waitFor();
      }
      // The same rates as a table: the report the card and the export show.
      const rates = page.locator(
        'table[aria-label="Training completion by department, as at 23 Nov 2026"], ul[aria-label="Training completion by department, as at 23 Nov 2026"]',
      );
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
    expectedConsoleErrors.push(refused('/api/tab/training/overdue'));
    const status = await page.evaluate(
      "fetch('/api/tab/training/overdue', { headers: { authorization: 'Local demo-richard-adams', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then((r) => r.status)",
    );
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
      for (const [label, count] of [
        ['Teams', report.counts.teams],
        ['Email', report.counts.email],
        ['Not reached', report.counts.unreachable],
      ] as const) {
        await expect(page.locator(`svg[data-chart-row="${label}"]`).getAttribute('data-value')).resolves.toBe(String(count));
      }
      await page.getByText('Email is not set up on this server', { exact: false }).waitFor();
      // Those not reached come first, names in numeric order; Val, the one reached in Teams, last.
      const names = (
        await page
          .getByLabel('People and how they are reached')
          .locator(viewport === WIDE ? 'tbody tr td:first-child' : 'li > div:first-child')
          .allTextContents()
      ).map((n) => n.replace(/^Person: /, ''));
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
      const people = [
        person({ id: 'admin', name: 'Ada Admin', roles: ['admin'] }),
        ...Array.from({ length: 600 }, (_, i) => person({ id: `p${i}`, name: `Person ${String(i).padStart(3, '0')}` })),
      ];
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
      expectedConsoleErrors.push(refused('/api/tab/reach'));
      const answer = (await page.evaluate(
        `fetch('/api/tab/reach', { headers: { authorization: 'Local ${personId}', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then(async (r) => ({ status: r.status, body: await r.text() }))`,
      )) as { status: number; body: string };
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

    // An administrator of the lead agency is offered every view and every feature's report, so the whole tab is checked here.
    it('axe finds no serious or critical WCAG 2.1 AA violation, nor the charts a colour below 3:1, in any view, in the light, dark and high-contrast themes, wide and at 360 px', async () => {
      const findings: Finding[] = [];
      const charts: { where: string; what: string; ratio: number; needs: number }[] = [];
      for (const theme of ['default', 'dark', 'contrast'] as const) {
        for (const viewport of [WIDE, NARROW]) {
          const where = (view: string) => `${view}, ${theme} theme, ${viewport.width} px`;
          const page = await signIn('demo-val-johnson', {
            viewport,
            app: p,
            query: `?theme=${theme}`,
            atSignIn: async (signInPage) => void findings.push(...(await axeFindings(signInPage, where('Local sign-in')))),
          });
          const views = DEMO_ADMIN_VIEWS;
          await expect(page.getByRole('tab').count()).resolves.toBe(views.length);
          for (const view of views) {
            await open(page, view);
            findings.push(...(await axeFindings(page, where(view))));
            charts.push(...(await chartContrast(page, where(view))));
          }
          await page.close();
        }
      }
      // The figures behind the verdict, kept with the screenshots for whoever reads the run.
      writeFileSync(path.join(SHOTS, '..', 'axe-findings.json'), JSON.stringify({ findings, charts }, null, 2));
      expect(findings.filter((f) => f.impact === 'serious' || f.impact === 'critical')).toEqual([]);
      expect(charts).toEqual([]);
    }, 600_000);

    it('the view switcher at 360 px: every view and report in sight, each reached by the arrow keys with its focus ring unclipped, and opened with Enter', async () => {
      const page = await signIn('demo-val-johnson', { viewport: NARROW, app: p });
      const views = DEMO_ADMIN_VIEWS;
      await expect(page.getByRole('tab').count()).resolves.toBe(views.length);
      // All at once, before anything is focused or scrolled: no view hides off to the side.
      const offScreen = await page.evaluate(
        `[...document.querySelectorAll('[role="tab"]')].filter((t) => { const r = t.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; }).map((t) => t.getAttribute('value'))`,
      );
      expect(offScreen).toEqual([]);
      // From the control before it, by keyboard, as someone without a mouse arrives.
      await page.getByRole('button', { name: 'Change' }).focus();
      await page.keyboard.press('Tab');
      for (const [i, view] of views.entries()) {
        if (i > 0) await page.keyboard.press('ArrowRight');
        const tab = page.getByRole('tab', { name: view });
        await expect(tab.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).resolves.toBe(
          true,
        );
        // In sight without scrolling sideways, and no box around it cuts off what is drawn outside it (the focus ring).
        const placed = (await page.evaluate(`(() => {
          const tab = document.activeElement;
          const st = getComputedStyle(tab);
          // Fluent draws the focus ring as the tab's outline, outside its box.
          const ring = st.outlineStyle === 'none' ? 0 : parseFloat(st.outlineWidth) + parseFloat(st.outlineOffset);
          const r = tab.getBoundingClientRect();
          const clipping = [];
          for (let e = tab.parentElement; e && e !== document.body; e = e.parentElement) {
            const box = getComputedStyle(e);
            if (box.overflowX !== 'visible' || box.overflowY !== 'visible') clipping.push(e.tagName.toLowerCase() + ' (overflow ' + box.overflowX + ' ' + box.overflowY + ')');
          }
          return { ring: ring > 0, inSight: r.left - ring >= 0 && r.right + ring <= window.innerWidth && r.top - ring >= 0, clipping };
        })()`)) as { ring: boolean; inSight: boolean; clipping: string[] };
        expect({ view, ...placed }).toEqual({ view, ring: true, inSight: true, clipping: [] });
      }
      await shot(page, 'view-switcher-focus-360');
      await page.keyboard.press('Enter');
      await loaded(page);
      await page.getByRole('region', { name: views[views.length - 1]!, exact: true }).waitFor();
      await page.close();
    });

    it('an administrator of the lead agency sees every section’s figures for both agencies, and nobody’s name, wide and narrow', async () => {
      const sections = await partnershipReport(
        { store: p.store, clock: p.clock },
        { orgId: ORG, requester: OPERATOR, timeZone: 'Europe/London', asAt: '2026-11-23' },
      );
      expect(sections.map((r) => r.title)).toEqual([
        'Plan RAG by priority',
        'Plan RAG by agency',
        'Training by agency',
        'Escalations by agency and stage',
        'Questionnaires by agency',
        'Learning from reviews',
      ]);
      // Both agencies have figures of their own: actions they lead, and staff who need training. (Some
      // demo actions are led by people not in the directory, so the plan has a row for those too.)
      for (const title of ['Plan RAG by agency', 'Training by agency']) {
        const agencies = sections
          .find((r) => r.title === title)!
          .rows.map((row) => row[0])
          .filter((a) => a !== '(lead not in the directory)');
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
        expectedConsoleErrors.push(refused('/api/tab/partnership'));
        const answer = (await page.evaluate(
          `fetch('/api/tab/partnership', { headers: { authorization: 'Local ${personId}', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then(async (r) => ({ status: r.status, body: await r.text() }))`,
        )) as { status: number; body: string };
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
      await expect(page.getByTestId('results-withheld').textContent()).resolves.toBe(
        'Anonymous: only the response rate is shown until it closes (18 Dec 2026), so nobody’s answers can be worked out from how the figures change.',
      );
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
    const luminance = (rgb: string) =>
      rgb
        .match(/\d+/g)!
        .slice(0, 3)
        .map(Number)
        .reduce((a, b) => a + b, 0) / 3;
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
    const prod = await startTestApp({
      MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa',
      MicrosoftAppPassword: 'example-not-a-secret',
      ALLOWED_TENANT_IDS: TEST_TENANT_ID,
      HOST: '127.0.0.1',
    });
    try {
      const page = await newPage(NARROW);
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
  describe('the Section 11 return as a form', () => {
    let q: TestApp;
    let roundId = '';
    /** About 3,500 characters over 35 paragraphs: the kind of narrative the tab's form is for. */
    const LONG_NARRATIVE = Array.from(
      { length: 35 },
      (_, i) => `Paragraph ${i + 1}: the designated lead reports quarterly to the board, and supervision notes are audited.`,
    ).join('\n');
    const councilReturn = async () => (await q.store.collection<S11Return>('section11').read(ORG, `s11-return:${roundId}:council`)) as S11Return | undefined;

    beforeAll(async () => {
      // Its own app, agencies and people: no demo data.
      q = await startTestApp({ ALLOWED_TENANT_IDS: TEST_TENANT_ID });
      q.clock.set('2026-11-23T10:00:00Z');
      await addAgency(q.store, q.clock, ORG, { name: 'Council' }, { timeZone: 'Europe/London' }, appEvents());
      await addAgency(q.store, q.clock, ORG, { name: 'Police' }, { timeZone: 'Europe/London' }, appEvents());
      await seed(q.store, {
        people: [
          person({ id: 'cal-s11', name: 'Cal Council-S11', agency: 'council', roles: ['s11-lead'] }),
          person({ id: 'bea-bm', name: 'Bea Business-Manager', agency: 'council', roles: ['business-manager'] }),
          person({ id: 'olly-officer', name: 'Olly Officer', agency: 'council', roles: ['officer'] }),
        ],
      });
      roundId = (
        await startSection11Round(
          { store: q.store, clock: q.clock },
          { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2026-12-18', timeZone: 'Europe/London', agencies: ['council'] },
        )
      ).round.id;
    }, 60_000);
    afterAll(async () => {
      await q?.close();
    });

    it('the lead fills the return with a long narrative, sees bad input next to its field with the answers kept, and submits it', async () => {
      const page = await signIn('cal-s11', { app: q });
      await open(page, 'Section 11 return');
      await page.getByRole('heading', { name: 'Section 11 2026: Council’s return' }).waitFor();
      const standards = page.getByRole('region', { name: /^\d+\. / });
      await expect(standards.count()).resolves.toBe(8);
      const first = standards.nth(0);
      await first.getByLabel('Rating').selectOption('green');
      await first.getByLabel('Narrative').fill(LONG_NARRATIVE);
      await first.getByLabel('Evidence links').fill('https://intranet.council.example/s11');
      await first.getByRole('button', { name: 'Save this standard' }).click();
      await first.getByText('Saved.', { exact: true }).waitFor();
      // Saved as it goes: the partial return is kept, the long narrative whole.
      expect(await councilReturn()).toMatchObject({ status: 'in-progress', answers: { 'senior-commitment': { narrative: LONG_NARRATIVE } } });

      // Not applicable without a reason, and a child's details: each comes back beside its field, the typing kept.
      const second = standards.nth(1);
      await second.getByLabel('Rating').selectOption('na');
      await second.getByLabel('Narrative').fill('Jayden Smith, born 03/03/2015, is supported by the team');
      await second.getByRole('button', { name: 'Save this standard' }).click();
      await second.getByText('Say why this standard does not apply to your agency.').waitFor();
      await second.getByText('Do not enter children’s names or identifying details', { exact: false }).waitFor();
      await expect(second.getByLabel('Narrative').inputValue()).resolves.toBe('Jayden Smith, born 03/03/2015, is supported by the team');
      await shot(page, 's11-return-problems-1280');
      // The form with its problems showing passes axe too (the whole-tab check above sees it before any round).
      const findings = await axeFindings(page, 'Section 11 return with problems');
      expect(findings.filter((f) => f.impact === 'serious' || f.impact === 'critical')).toEqual([]);
      await second.getByLabel('Why it does not apply').fill('Covered by the partnership’s information hub.');
      await second.getByLabel('Narrative').fill('The hub answers for us.');

      // Submitting with standards unrated names them; answering the rest and submitting saves them first.
      await page.getByRole('button', { name: 'Submit the return' }).click();
      await page.getByTestId('s11-notice').getByText('Not submitted: 6 standards need an answer first', { exact: false }).waitFor();
      await expect(standards.getByText('Not rated yet.').count()).resolves.toBe(6);
      for (let i = 2; i < 8; i++) {
        const st = standards.nth(i);
        const weak = i === 4;
        await st.getByLabel('Rating').selectOption(weak ? 'amber' : 'green');
        await st.getByLabel('Narrative').fill(`Evidence for standard ${i + 1}.`);
        if (weak) {
          await st.getByLabel('Action your agency proposes').fill('Train the last two teams');
          await st.getByLabel('Due by').fill('2027-03-31');
        }
      }
      await page.getByRole('button', { name: 'Submit the return' }).click();
      await page.getByTestId('s11-notice').getByText('Submitted.', { exact: false }).waitFor();
      await expect(page.getByRole('button', { name: 'Save this standard' }).count()).resolves.toBe(0);
      const ret = await councilReturn();
      expect(ret).toMatchObject({ status: 'submitted', submittedBy: { personId: 'cal-s11' } });
      expect(ret!.answers['senior-commitment']!.narrative).toBe(LONG_NARRATIVE);
      expect(ret!.answers['training']).toMatchObject({ rating: 'amber', proposedAction: 'Train the last two teams', proposedDue: '2027-03-31' });
      await shot(page, 's11-return-submitted-1280');
      await page.close();

      // In a narrow Teams panel the long narrative wraps inside the page.
      const narrow = await signIn('cal-s11', { app: q, viewport: NARROW });
      await open(narrow, 'Section 11 return');
      await narrow.getByText('Paragraph 35:', { exact: false }).waitFor();
      await shot(narrow, 's11-return-submitted-360');
      await narrow.close();
    });

    it('the lead answers the business manager’s challenge on its standard, revising the rating with the answer as its reason', async () => {
      const bea = (await new Directory(q.store).get(ORG, 'bea-bm'))!;
      const rev = (await councilReturn())!.answers['training']!.rev;
      await reviewStandard(
        { store: q.store, clock: q.clock },
        {
          actor: bea,
          timeZone: 'Europe/London',
          data: { roundId, agency: 'council', standardId: 'training', rev, decision: 'challenge', comment: 'Is Amber right with two teams untrained?' },
        },
      );
      const page = await signIn('cal-s11', { app: q });
      await open(page, 'Section 11 return');
      const training = page.getByRole('region', { name: '5. Effective safeguarding training' });
      await training.getByText('Comment: Is Amber right with two teams untrained?').waitFor();
      await training.getByLabel('Rating after the challenge').selectOption('red');
      await training.getByRole('button', { name: 'Answer the challenge' }).click();
      await training.getByText('Give the reason for the revised rating.').waitFor();
      await training.getByLabel('Your answer to the challenge', { exact: false }).fill('Two teams are untrained: Red is fairer.');
      await training.getByRole('button', { name: 'Answer the challenge' }).click();
      await training.getByText('Your answer is recorded and the business manager has been told.').waitFor();
      await training.getByText('Rating revised from Amber').waitFor();
      expect((await councilReturn())!.answers['training']).toMatchObject({
        rating: 'red',
        scrutiny: { state: 'answered', response: 'Two teams are untrained: Red is fairer.', revisedFrom: 'amber' },
      });
      await page.close();
    });

    it('is not offered to an officer, and its API refuses them', async () => {
      const page = await signIn('olly-officer', { app: q });
      await expect(page.getByRole('tab', { name: 'Section 11 return' }).count()).resolves.toBe(0);
      expectedConsoleErrors.push(refused('/api/tab/s11/return'));
      const status = await page.evaluate(
        "fetch('/api/tab/s11/return', { headers: { authorization: 'Local olly-officer', 'x-local-secret': sessionStorage.getItem('local-sign-in') } }).then((r) => r.status)",
      );
      expect(status).toBe(403);
      await page.close();
    });
  });
});
