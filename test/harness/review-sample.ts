import { stringify } from 'yaml';

/** A practice review as its file is written: two lines of enquiry, three recommendations. */
export function sampleReview(
  overrides: Record<string, unknown> = {},
  owners: { carol: string; dee: string; agency: string } = { carol: 'carol@council.example', dee: 'dee@council.example', agency: 'police' },
) {
  return {
    kind: 'practice-review',
    title: 'Child Safeguarding Practice Review: Learning from Exploitation',
    published: '2026-11-02',
    linesOfEnquiry: ['Criminal exploitation', 'Working together'],
    recommendations: [
      {
        id: 'R1',
        lineOfEnquiry: 'Criminal exploitation',
        text: 'Regular training for staff in exploitation',
        outcome: 'Practitioners recognise and act on exploitation risk',
        measure: 'Training follow-up shows 80% confident; audit of 20 cases',
        owner: owners.carol,
        due: '2027-06-30',
        questionnaire: 'training-follow-up',
      },
      {
        id: 'R2',
        lineOfEnquiry: 'Working together',
        text: 'Agree one escalation route between police and children’s services',
        outcome: 'Disagreements about exploitation cases are resolved within ten working days',
        measure: 'Escalation record: 90% resolved within ten working days',
        owner: owners.agency,
        due: '2027-03-31',
        actions: [
          { action: 'Write the joint escalation route', evidence: 'Published route', due: '2027-01-29' },
          { action: 'Brief every team on the route', evidence: 'Briefing attendance', due: '2027-03-31' },
        ],
      },
      {
        id: 'R3',
        lineOfEnquiry: 'Working together',
        text: 'Share missing-episode information with schools the same day',
        outcome: 'Schools know the same day when a pupil has been missing',
        measure: 'Audit of ten missing episodes',
        owner: owners.dee,
        due: '2027-04-30',
        impactCheck: '2027-12-01',
      },
    ],
    ...overrides,
  };
}

export const sampleYaml = (overrides: Record<string, unknown> = {}) => stringify(sampleReview(overrides));
