import type { Escalation } from '../../services/escalations/model';
import { deliveryStatus } from '../../services/delivery/outbox';
import { toArray } from '../../services/store/ports';
import { startTestApp, type TestApp } from '../harness/app';
import { ORG, person, seed } from '../harness/fixtures';
import { invokeActionExecute, personalConversationId, type TeamsUser } from '../harness/teams-activities';

/*
 * A deployment whose roles are not all given yet: nobody manages the raiser and nobody is a
 * safeguarding lead. Raising an immediate-risk concern must not answer "stage 2 has been alerted".
 */
describe('a stage that reaches nobody is never silent', () => {
  let t: TestApp;
  const raiser: TeamsUser = { id: '29:rae', aadObjectId: 'aad-rae', name: 'Rae Raiser' };
  const raise = (immediateRisk: boolean) =>
    t.post(
      invokeActionExecute({
        serviceUrl: t.connector.serviceUrl,
        user: raiser,
        verb: 'esc.raise',
        data: {
          category: 'professional-disagreement',
          agency: 'Children’s social care',
          caseReference: 'CSC/2026/77',
          asked: 'A strategy meeting',
          wanted: 'A meeting this week',
          immediateRisk,
        },
      }),
    );

  beforeAll(async () => {
    t = await startTestApp({ SEED_DEMO_DATA: 'false', DELIVERY_INTERVAL_SECONDS: '3600' });
    await seed(t.store, {
      people: [
        person({ id: 'rae', name: 'Rae Raiser', department: 'Children', aadObjectId: 'aad-rae' }),
        person({ id: 'ada', name: 'Ada Administrator', roles: ['admin'], aadObjectId: 'aad-ada' }),
        person({ id: 'hal', name: 'Hal Head', department: 'Children', roles: ['head-of-service'], aadObjectId: 'aad-hal' }),
      ],
    });
  });
  afterAll(() => t.close());

  it('the raiser is told stage 2 reached nobody and stage 3 was alerted instead; the administrators hear which role is missing', async () => {
    const res = await raise(true);
    expect(res.status).toBe(200);
    const answer = JSON.stringify(res.body);
    expect(answer).toMatch(/No one could be alerted at stage 2 \(Managers and named safeguarding leads\)/);
    expect(answer).toMatch(/Stage 3 has been alerted instead/);
    expect(answer).not.toMatch(/Stage 2 has been alerted/);

    const [escalation] = await toArray(t.store.collection<Escalation>('escalations').readAll()).then((docs) => docs.filter((d) => d.kind === 'escalation'));
    expect(escalation).toMatchObject({ stage: 3, highestStage: 3 });
    expect(escalation!.history.at(-1)).toMatchObject({
      what: 'auto-moved',
      stage: 3,
      text: 'Stage 2 (Managers and named safeguarding leads) reaches nobody: no one related to the case holds manager or safeguarding-lead.',
    });
    const alerts = (await deliveryStatus(t.store, ORG, { purpose: 'escalation' })).items;
    expect(alerts.map((a) => a.recipient)).toEqual([{ personId: 'hal' }]);
    const [notice] = (await deliveryStatus(t.store, ORG, { purpose: 'admin-notice' })).items;
    expect(notice).toMatchObject({
      recipient: { personId: 'ada' },
      message: { kind: 'notice', title: `Escalation ${escalation!.ref} alerted nobody at stage 2` },
    });
    expect(JSON.stringify(notice!.message)).toMatch(
      /no one related to the case holds manager or safeguarding-lead.*It moved on to stage 3 \(Heads of service\)/,
    );
    // The notice names the case's reference and the missing role, not the raiser or the case.
    expect(JSON.stringify(notice!.message)).not.toMatch(/Rae|CSC\/2026\/77|strategy/i);
  });

  it('when no stage reaches anyone, the raiser is told to act by other means', async () => {
    await t.store.collection('people').update(ORG, 'hal', (p) => ({ ...p, roles: ['officer'] }));
    t.clock.set('2026-11-23T11:00:00Z');
    const answer = JSON.stringify((await raise(true)).body);
    expect(answer).toMatch(/No one could be alerted at stage 2 .* and stage 3 .* and stage 4/);
    expect(answer).toMatch(/Nobody has been alerted at any stage/);
    expect(t.connector.activities({ conversationId: personalConversationId(raiser) })).toEqual([]);
  });
});
