import type { Action } from '../../services/plan/model';
import { toArray } from '../../services/store/ports';
import { loadAnswerSeal } from '../../services/surveys/seal';
import { localSignIn, startTestApp, type TestApp } from '../harness/app';
import { ORG } from '../harness/fixtures';
import { seedDashboard } from './dashboard-seed';

/**
 * React escapes what the tab renders, so markup in a name or a note stays text. What React does
 * not stop is a right-to-left override or a terminal escape inside that text: the API the tab
 * reads takes them out, as every card, email and command-line output does.
 */
describe('hostile text in the tab', () => {
  let t: TestApp;
  const get = async (path: string, personId: string) => {
    const res = await fetch(`${t.app.url}${path}`, { headers: localSignIn(t, personId) });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-11-23T10:00:00Z');
    await seedDashboard(t.store, t.clock, loadAnswerSeal(t.config));
  });
  afterAll(() => t.close());

  it('a right-to-left override in a plan line, a lead’s name or a progress note reaches the tab taken out', async () => {
    const actions = t.store.collection<Action>('actions');
    const vals = (await toArray(actions.query({ query: 'SELECT * FROM c WHERE c.orgId = @orgId', parameters: [{ name: '@orgId', value: ORG }] }))).filter(
      (a) => a.leadIds.includes('demo-val-johnson') && a.open,
    );
    expect(vals.length).toBeGreaterThan(0);
    await actions.update(ORG, vals[0]!.id, (a) => ({
      ...a,
      description: 'Review \u202eyciloP\u202c referrals \u001b[2J',
      progress: 'Signed off by \u2066the Director\u2069',
      leads: a.leads.map((l) => ({ ...l, name: `${l.name} \u202eetaD\u202c` })),
    }));
    for (const path of ['/api/tab/my-actions', '/api/tab/plan']) {
      const { status, text } = await get(path, 'demo-val-johnson');
      expect(status).toBe(200);
      expect(text).toContain('Review yciloP referrals');
      // JSON writes the controls as \u escapes, so look for those as well as the raw characters.
      expect(text).not.toMatch(/[\u0000-\u0008\u001b\u202a-\u202e\u2066-\u2069]|\\u(00[01][0-8b-f]|001b|202[a-e]|206[6-9])/i);
    }
  });
});
