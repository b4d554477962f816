import { appEvents } from '../../harness/partnership';
import '../../../bot/modules';
import { FixedClock } from '../../../services/core/clock';
import { addAgency } from '../../../services/organisation/agencies';
import type { Person } from '../../../services/people/model';
import { WorkingCalendar } from '../../../services/scheduling/calendar';
import type { Store } from '../../../services/store/ports';
import { practitionerSurveyLine } from '../../../services/section11/survey';
import { createCampaign } from '../../../services/surveys/campaigns';
import { AnswerSeal } from '../../../services/surveys/seal';
import { ORG, person, seed } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';
import { surveyAnswering } from '../../harness/surveys';

const TZ = 'Europe/London';
const answers = (i: number) => ({
  'know-lead': 'yes',
  supervision: i % 2 ? 'yes' : 'no',
  escalation: 'quite',
  whistleblowing: 'yes',
  'voice-of-the-child': i < 4 ? 'yes' : 'no',
});

describe('the practitioner survey beside an agency’s Section 11 return', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  const calendar = new WorkingCalendar();
  const seal = AnswerSeal.random();
  const answering = surveyAnswering({ seal, clock, timeZone: TZ, calendar });
  const lead = person({ id: 'psl', name: 'Pat Police-SL', agency: 'police', roles: ['safeguarding-lead'] });
  const s11Only = person({ id: 'ps11', name: 'Sam Police-S11', agency: 'police', roles: ['s11-lead'] });
  const councilSl = person({ id: 'csl', name: 'Cat Council-SL', agency: 'council', roles: ['safeguarding-lead'] });
  const officers: Person[] = Array.from({ length: 6 }, (_, i) =>
    person({ id: `po${i}`, name: `Officer ${i}`, agency: 'police', jobTitle: 'Constable', department: 'Response' }),
  );

  beforeAll(async () => {
    store = await openTestStore();
    await addAgency(store, clock, ORG, { name: 'Council' }, { timeZone: TZ }, appEvents());
    await addAgency(store, clock, ORG, { name: 'Police' }, { timeZone: TZ }, appEvents());
    await seed(store, { people: [lead, s11Only, councilSl, ...officers] });
  });
  afterAll(() => store.close());

  it('shows the headlines only from five answers, only to those who may see questionnaire results, and only to the agency', async () => {
    expect(await practitionerSurveyLine({ store }, lead, 'police')).toBe('');
    const campaign = await createCampaign(
      { store, clock, calendar },
      { actor: lead, timeZone: TZ, data: { questionnaire: 's11-practitioner', audience: { type: 'everyone' }, anonymous: true, closesOn: '2026-12-04' } },
    );
    expect(campaign.agency).toBe('police');
    for (let i = 0; i < 4; i++) await answering.submit(store, officers[i]!, campaign.id, answers(i));
    expect(await practitionerSurveyLine({ store }, lead, 'police')).toMatch(
      /^Practitioner survey: 4 of \d+ answered so far; its results show here from 5 answers\.$/,
    );
    await answering.submit(store, officers[4]!, campaign.id, answers(4));
    await answering.closeAll(store, '2026-12-07T10:00:00Z');
    const line = await practitionerSurveyLine({ store }, lead, 'police');
    expect(line).toMatch(
      /^Practitioner survey \(5 of \d+ answered\): Know their safeguarding lead 100%; Supervised on safeguarding 40%; Confident to escalate 100%; Know how to whistleblow 100%; Record the child’s voice 80%\.$/,
    );
    // The questionnaires' own rules decide who sees results: not a Section 11 lead without a survey role, not another agency.
    expect(await practitionerSurveyLine({ store }, s11Only, 'police')).toBe('');
    expect(await practitionerSurveyLine({ store }, councilSl, 'police')).toBe('');
  });
});
