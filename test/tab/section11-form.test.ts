import { OPERATOR } from '../../services/access/policy';
import { addAgency } from '../../services/organisation/agencies';
import type { Person } from '../../services/people/model';
import { toArray } from '../../services/store/ports';
import { openReturn, reviewStandard, saveStandard, startSection11Round, type ReturnForm, type S11Return } from '../../services/section11';
import { startTestApp, type TestApp } from '../harness/app';
import { runJobAt } from '../harness/jobs';
import { ORG, person, seed } from '../harness/fixtures';
import { startOpenIdServer } from '../harness/openid';
import { appEvents, COUNCIL_TENANT, oid, POLICE_TENANT, tabSsoSettings, tabSsoToken } from '../harness/partnership';

/*
 * The Section 11 return as a form in the tab, over real HTTP with genuine Teams SSO tokens: the
 * same use cases and access rules as the cards. First the attacks (another agency, someone without
 * the role, a token from a partner's tenant, a change after the round closed), then the council's
 * lead filling the return with a long narrative, bad input coming back by field, submitting, and
 * answering the business manager's challenge.
 */
const TZ = 'Europe/London';
type Who = { person: Person; tenant: string };
const member = (agency: 'council' | 'police', n: number, name: string, roles: Person['roles']): Who => ({
  person: person({
    id: `${agency}-${n}`,
    name,
    agency,
    roles,
    aadObjectId: oid(n),
    aadTenantId: agency === 'police' ? POLICE_TENANT : COUNCIL_TENANT,
  }),
  tenant: agency === 'police' ? POLICE_TENANT : COUNCIL_TENANT,
});
const ADMIN = member('council', 1, 'Ada Council-Admin', ['admin']);
const MANAGER = member('council', 2, 'Bea Business-Manager', ['business-manager']);
const LEAD = member('council', 3, 'Cal Council-S11', ['s11-lead']);
const OFFICER = member('council', 4, 'Olly Council-Officer', ['officer']);
const POLICE_SL = member('police', 11, 'Polly Police-SL', ['safeguarding-lead']);
const LAST_YEAR = 'Board minutes of 2025 record the lead’s quarterly report';
/** About 3,500 characters, near the 4,000 a narrative may hold: longer than a card's text box comfortably shows, what the tab's form is for. */
const LONG_NARRATIVE = Array.from(
  { length: 35 },
  (_, i) => `Paragraph ${i + 1}: the designated lead reports quarterly to the board, and supervision notes are audited.`,
).join('\n');

describe('the Section 11 return as a form in the tab', () => {
  let t: TestApp;
  let openId: Awaited<ReturnType<typeof startOpenIdServer>>;
  let roundId = '';
  const deps = () => ({ store: t.store, clock: t.clock });

  const token = (who: Who, tid = who.tenant) => tabSsoToken(openId.trustedKey, { oid: who.person.aadObjectId!, tenant: tid });
  const call = async (who: Who, path: string, body?: unknown, options: { tenant?: string; contentType?: string; raw?: string } = {}) => {
    const res = await fetch(`${t.app.url}${path}`, {
      method: body === undefined && options.raw === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token(who, options.tenant)}`,
        ...(body === undefined && options.raw === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
      },
      ...(body === undefined && options.raw === undefined ? {} : { body: options.raw ?? JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as ReturnForm & { error?: { code: string; message: string; fields: unknown[] } } };
  };
  const form = async (who: Who, query = '') => {
    const res = await call(who, `/api/tab/s11/return${query}`);
    expect(res.status).toBe(200);
    if (res.body.kind !== 'return') throw new Error(`no return: ${res.text}`);
    return res.body;
  };
  const standard = (f: ReturnForm, id: string) => (f.kind === 'return' ? f.standards.find((s) => s.id === id)! : undefined)!;
  const stored = async () =>
    (await toArray(t.store.collection<S11Return>('section11').readAll())).filter((d) => d.kind === 's11-return' && d.roundId === roundId);
  const save = (who: Who, standardId: string, rev: number, fields: Record<string, string>, agency = 'council') =>
    call(who, '/api/tab/s11/return/save', {
      roundId,
      agency,
      standardId,
      rev,
      rating: '',
      naReason: '',
      narrative: '',
      evidenceLinks: '',
      proposedAction: '',
      proposedDue: '',
      ...fields,
    });
  const job = (name: 's11-chasers') => runJobAt(name, t.store, t.clock, { timeZone: TZ });

  beforeAll(async () => {
    openId = await startOpenIdServer();
    t = await startTestApp({
      ...tabSsoSettings(openId),
      DELIVERY_INTERVAL_SECONDS: '3600',
    });
    t.clock.set('2025-11-24T09:00:00Z');
    await addAgency(t.store, t.clock, ORG, { name: 'Council', tenantIds: [COUNCIL_TENANT] }, { timeZone: TZ }, appEvents());
    await addAgency(t.store, t.clock, ORG, { name: 'Police', tenantIds: [POLICE_TENANT] }, { timeZone: TZ }, appEvents());
    await seed(t.store, { people: [ADMIN, MANAGER, LEAD, OFFICER, POLICE_SL].map((w) => w.person) });
    // Last year's round: the council's lead answered the first standard before it closed.
    const last = await startSection11Round(deps(), { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2025-12-19', timeZone: TZ });
    const first = (await openReturn(deps(), { actor: LEAD.person })).set.standards[0]!;
    await saveStandard(deps(), {
      actor: LEAD.person,
      timeZone: TZ,
      data: { roundId: last.round.id, agency: 'council', standardId: first.id, rev: 0, rating: 'green', narrative: LAST_YEAR },
    });
    t.clock.set('2025-12-22T10:00:00Z');
    await job('s11-chasers');
    // A year on (a Monday), this year's round.
    t.clock.set('2026-11-23T09:00:00Z');
    roundId = (await startSection11Round(deps(), { orgId: ORG, requester: OPERATOR, standards: 'classic', closesOn: '2026-12-18', timeZone: TZ })).round.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await openId?.close();
  });

  describe('attacks', () => {
    it('the police’s safeguarding lead opens or saves the council’s return → 403, and nothing of the council’s is shown or saved', async () => {
      const opened = await call(POLICE_SL, '/api/tab/s11/return?agency=council');
      expect(opened.status).toBe(403);
      expect(opened.body.error?.code).toBe('OUTSIDE_AGENCY');
      expect(opened.text).not.toContain(LAST_YEAR);
      const saved = await save(POLICE_SL, 'senior-commitment', 0, { rating: 'red', narrative: 'Written by the police' });
      expect(saved.status).toBe(403);
      expect(JSON.stringify(await stored())).not.toContain('Written by the police');
      // Their own agency's return is theirs to fill.
      expect((await form(POLICE_SL)).agency).toBe('police');
    });

    it('a council officer without the role → 403 on opening and saving, nothing saved', async () => {
      const opened = await call(OFFICER, '/api/tab/s11/return');
      expect(opened.status).toBe(403);
      expect(opened.body.error?.code).toBe('FORBIDDEN');
      expect((await save(OFFICER, 'senior-commitment', 0, { rating: 'green', narrative: 'Written by an officer' })).status).toBe(403);
      expect(JSON.stringify(await stored())).not.toContain('Written by an officer');
    });

    it('a token from the police’s (a partner’s) tenant carrying the council lead’s object id is not the council lead', async () => {
      const opened = await call(LEAD, '/api/tab/s11/return', undefined, { tenant: POLICE_TENANT });
      expect(opened.status).toBe(403);
      expect(opened.text).not.toContain(LAST_YEAR);
      const saved = await call(
        LEAD,
        '/api/tab/s11/return/save',
        { roundId, agency: 'council', standardId: 'senior-commitment', rev: 0, rating: 'green', narrative: 'Written from the police tenant' },
        { tenant: POLICE_TENANT },
      );
      expect(saved.status).toBe(403);
      expect(JSON.stringify(await stored())).not.toContain('Written from the police tenant');
    });

    it('forged and malformed bodies get a 400 or 415 from the error catalogue, never a 500', async () => {
      const bad = [
        await call(LEAD, '/api/tab/s11/return/save', { roundId, agency: 'council', standardId: 'senior-commitment', rev: 0, verb: 's11.review' }),
        await call(LEAD, '/api/tab/s11/return/save', { roundId: '../x', agency: 'council', standardId: 'senior-commitment', rev: 0 }),
        await call(LEAD, '/api/tab/s11/return/save', ['not', 'an', 'object']),
        await call(LEAD, '/api/tab/s11/return/save', undefined, { raw: '{"roundId":' }),
        await call(LEAD, '/api/tab/s11/return?agency=Council%2F..'),
      ];
      expect(bad.map((r) => [r.status, r.body.error?.code])).toEqual(Array(5).fill([400, 'VALIDATION']));
      const form = await call(LEAD, '/api/tab/s11/return/save', undefined, { raw: 'roundId=x', contentType: 'application/x-www-form-urlencoded' });
      expect([form.status, form.body.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      // A body past the form's 64 KB is refused before it is read.
      const huge = await call(LEAD, '/api/tab/s11/return/save', {
        roundId,
        agency: 'council',
        standardId: 'senior-commitment',
        rev: 0,
        narrative: 'x'.repeat(70_000),
      });
      expect([huge.status, huge.body.error?.code]).toEqual([413, 'BODY_TOO_LARGE']);
    });
  });

  describe('the council’s lead fills the return', () => {
    it('opens it: every standard with its prompts, the round’s scale and not applicable, last year’s answer carried forward to confirm or change', async () => {
      const f = await form(LEAD);
      expect(f).toMatchObject({ agency: 'council', agencyName: 'Council', year: 2026, editable: true, status: 'in-progress', closesOn: '2026-12-18' });
      expect(f.standards).toHaveLength(8);
      expect(f.standards[0]!.prompts.length).toBeGreaterThan(0);
      expect(f.ratings.map((r) => r.label)).toEqual(['Green', 'Amber', 'Red', 'Not applicable']);
      expect(f.standards[0]).toMatchObject({ carriedForward: true, values: { rating: 'green', narrative: LAST_YEAR } });
      expect(f.standards.slice(1).every((s) => !s.carriedForward && s.values.narrative === '')).toBe(true);
    });

    it('saves as it goes: a long narrative, kept as a partial return and confirming the carried-forward answer', async () => {
      const f = await form(LEAD);
      const first = f.standards[0]!;
      const saved = await save(LEAD, first.id, first.rev, {
        rating: 'green',
        narrative: LONG_NARRATIVE,
        evidenceLinks: 'https://intranet.council.example/s11',
      });
      expect(saved.status).toBe(200);
      expect(standard(saved.body, first.id)).toMatchObject({ carriedForward: false, notice: 'Saved.', values: { narrative: LONG_NARRATIVE }, rev: 1 });
      const ret = (await stored()).find((r) => r.agency === 'council');
      expect(ret).toMatchObject({
        status: 'in-progress',
        answers: { [first.id]: { narrative: LONG_NARRATIVE, evidenceLinks: ['https://intranet.council.example/s11'] } },
      });
      // A stale form (shown before that save) does not overwrite it.
      const stale = await save(LEAD, first.id, 0, { rating: 'red', narrative: 'Older tab' });
      expect(standard(stale.body, first.id).notice).toMatch(/changed this standard since your card was shown/);
      expect(JSON.stringify(await stored())).not.toContain('Older tab');
    });

    it('bad input comes back next to its field with the answers kept: a rating outside the scale, not applicable without a reason, a child’s details, a weak rating with no action', async () => {
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ rating: 'outstanding', narrative: 'Kept one' }, 'rating', /Choose one of Green, Amber, Red or Not applicable/],
        [{ rating: 'na', narrative: 'Kept two' }, 'naReason', /Say why this standard does not apply/],
        [{ rating: 'amber', narrative: 'Jayden Smith, born 03/03/2015, was seen' }, 'narrative', /Do not enter children’s names or identifying details/],
        [{ rating: 'red', narrative: 'Kept four' }, 'proposedAction', /needs the action your agency proposes/],
      ];
      for (const [fields, field, message] of cases) {
        const res = await save(LEAD, 'statement-of-responsibilities', 0, fields);
        expect(res.status).toBe(200);
        const s = standard(res.body, 'statement-of-responsibilities');
        expect(s.issues).toContainEqual({ field, message: expect.stringMatching(message) });
        expect(s.values).toMatchObject(fields);
        expect(s.notice).toMatch(/Nothing was saved/);
      }
      expect(JSON.stringify(await stored())).not.toContain('Kept');
    });

    it('submitting with standards unrated names each one; once all are answered it is submitted', async () => {
      const refused = await call(LEAD, '/api/tab/s11/return/submit', { roundId, agency: 'council' });
      expect(refused.status).toBe(200);
      if (refused.body.kind !== 'return') throw new Error('no return');
      expect(refused.body.submitIssues.map((i) => i.field)).toHaveLength(7);
      expect(refused.body.notice).toMatch(/Not submitted: 7 standards need an answer first/);
      const f = await form(LEAD);
      for (const s of f.standards.slice(1)) {
        const fields: Record<string, string> =
          s.id === 'training'
            ? { rating: 'amber', narrative: 'Completion is at 81%.', proposedAction: 'Train the last two teams', proposedDue: '2027-03-31' }
            : s.id === 'information-sharing'
              ? { rating: 'na', naReason: 'Covered by the partnership’s information hub.' }
              : { rating: 'green', narrative: `Met: ${s.title}.` };
        expect(standard((await save(LEAD, s.id, s.rev, fields)).body, s.id).notice).toBe('Saved.');
      }
      const submitted = await call(LEAD, '/api/tab/s11/return/submit', { roundId, agency: 'council' });
      expect(submitted.body).toMatchObject({ status: 'submitted', editable: false, notice: expect.stringMatching(/^Submitted/) });
      // Submitted: no more saving from a form left open.
      const late = await save(LEAD, 'training', 1, { rating: 'green', narrative: 'Changed after submitting' });
      expect(late.status).toBe(400);
    });

    it('a challenge from scrutiny is shown on its standard and answered there, with a revised rating and its reason', async () => {
      const training = standard(await form(LEAD), 'training');
      await reviewStandard(deps(), {
        actor: MANAGER.person,
        timeZone: TZ,
        data: { roundId, agency: 'council', standardId: 'training', rev: training.rev, decision: 'challenge', comment: 'Is Amber right at 81%?' },
      });
      const challenged = standard(await form(LEAD), 'training');
      expect(challenged).toMatchObject({ mayAnswer: true, scrutiny: { state: 'challenged', by: 'Bea Business-Manager', comment: 'Is Amber right at 81%?' } });
      const empty = await call(LEAD, '/api/tab/s11/return/answer', { roundId, agency: 'council', standardId: 'training', response: '', rating: 'red' });
      expect(standard(empty.body, 'training').issues).toContainEqual({ field: 'response', message: 'Give the reason for the revised rating.' });
      // The field keeps what was chosen; the saved answer is unchanged.
      expect(standard(empty.body, 'training')).toMatchObject({ values: { rating: 'red' }, saved: { rating: 'amber' } });
      const answered = await call(LEAD, '/api/tab/s11/return/answer', {
        roundId,
        agency: 'council',
        standardId: 'training',
        response: 'Two teams are untrained: Red is fairer.',
        rating: 'red',
      });
      expect(standard(answered.body, 'training')).toMatchObject({
        mayAnswer: false,
        status: 'Red; challenge answered',
        scrutiny: { state: 'answered', response: 'Two teams are untrained: Red is fairer.', revisedFrom: 'Amber' },
      });
      // The police's lead cannot answer the council's challenge.
      const forged = await call(POLICE_SL, '/api/tab/s11/return/answer', {
        roundId,
        agency: 'council',
        standardId: 'training',
        response: 'x',
        rating: 'green',
      });
      expect(forged.status).toBe(403);
    });

    it('after the round closes, a save, a submit or an answer is refused, and the return is still readable', async () => {
      t.clock.set('2026-12-21T10:00:00Z');
      await job('s11-chasers');
      const police = await form(POLICE_SL);
      expect(police).toMatchObject({ roundOpen: false, editable: false });
      const saved = await save(POLICE_SL, 'senior-commitment', 0, { rating: 'green', narrative: 'Too late' }, 'police');
      const submitted = await call(POLICE_SL, '/api/tab/s11/return/submit', { roundId, agency: 'police' });
      expect([saved, submitted].map((r) => [r.status, r.body.error?.message])).toEqual(
        Array(2).fill([400, 'This Section 11 round has closed: returns can no longer be changed.']),
      );
      expect(JSON.stringify(await stored())).not.toContain('Too late');
      expect((await form(LEAD)).status).toBe('submitted');
    });
  });
});
