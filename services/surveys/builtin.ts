import type { QuestionnaireDefinition } from './model';

const CONFIDENCE = [
  { value: 'very', label: 'Very confident' },
  { value: 'quite', label: 'Quite confident' },
  { value: 'not-very', label: 'Not very confident' },
  { value: 'not-at-all', label: 'Not at all confident' },
];

/**
 * The staff questionnaire behind the partnership's training-impact report: each headline the report
 * gives (know how to report, aware of procedures, quite or very confident, know a Designated
 * Safeguarding Officer by name, trained within 3 years and within 12 months) is one highlight.
 */
export const AWARENESS_SURVEY: QuestionnaireDefinition = {
  key: 'awareness',
  version: 1,
  title: 'Safeguarding awareness survey',
  intro: 'Six short questions about safeguarding in your work. It takes about two minutes.',
  pageSize: 6,
  questions: [
    { id: 'know-how-to-report', type: 'yes-no', text: 'Do you know how to report a safeguarding concern?', required: true },
    { id: 'aware-of-procedures', type: 'yes-no', text: 'Are you aware of the council’s safeguarding procedures?', required: true },
    {
      id: 'confidence',
      type: 'single',
      text: 'How confident are you that you would recognise and act on a safeguarding concern?',
      required: true,
      options: CONFIDENCE,
    },
    { id: 'know-dso-name', type: 'yes-no', text: 'Do you know the name of a Designated Safeguarding Officer you could contact?', required: true },
    {
      id: 'last-trained',
      type: 'single',
      text: 'When did you last have safeguarding training?',
      required: true,
      options: [
        { value: 'within-12-months', label: 'In the last 12 months' },
        { value: '1-3-years', label: 'Between 1 and 3 years ago' },
        { value: 'over-3-years', label: 'More than 3 years ago' },
        { value: 'never', label: 'Never' },
      ],
    },
    { id: 'comments', type: 'text', text: 'Anything else you would like to tell us about safeguarding support?', required: false, maxLength: 500 },
  ],
  highlights: [
    { label: 'Know how to report a concern', question: 'know-how-to-report', values: ['yes'] },
    { label: 'Aware of safeguarding procedures', question: 'aware-of-procedures', values: ['yes'] },
    { label: 'Quite or very confident', question: 'confidence', values: ['very', 'quite'] },
    { label: 'Know a Designated Safeguarding Officer’s name', question: 'know-dso-name', values: ['yes'] },
    { label: 'Trained within 3 years', question: 'last-trained', values: ['within-12-months', '1-3-years'] },
    { label: 'Trained within 12 months', question: 'last-trained', values: ['within-12-months'] },
  ],
};

/**
 * "Three months later, to see what difference the training made to delegates' practice". The
 * questions shared with the awareness survey keep their ids so the two can be compared.
 */
export const FOLLOW_UP_SURVEY: QuestionnaireDefinition = {
  key: 'training-follow-up',
  version: 1,
  title: 'Safeguarding training: three months on',
  intro: 'You completed safeguarding training about three months ago. Tell us what difference it has made.',
  pageSize: 4,
  questions: [
    { id: 'practice-change', type: 'text', text: 'What has changed in your practice since the training?', required: true, maxLength: 1000 },
    {
      id: 'confidence',
      type: 'single',
      text: 'How confident are you now that you would recognise and act on a safeguarding concern?',
      required: true,
      options: CONFIDENCE,
    },
    { id: 'used-procedure', type: 'yes-no', text: 'Have you used the safeguarding procedure since the training?', required: true },
    { id: 'know-how-to-report', type: 'yes-no', text: 'Do you know how to report a safeguarding concern?', required: true },
    { id: 'know-dso-name', type: 'yes-no', text: 'Do you know the name of a Designated Safeguarding Officer you could contact?', required: true },
    {
      id: 'training-useful',
      type: 'scale',
      text: 'How useful has the training been in your work?',
      required: true,
      minLabel: 'Not useful',
      maxLabel: 'Very useful',
    },
    {
      id: 'support-needed',
      type: 'multi',
      text: 'What support would help you now?',
      required: false,
      options: [
        { value: 'supervision', label: 'Supervision or case discussion' },
        { value: 'refresher', label: 'A refresher or further training' },
        { value: 'clearer-procedures', label: 'Clearer procedures' },
        { value: 'dso-contact', label: 'Easier contact with a Designated Safeguarding Officer' },
        { value: 'none', label: 'None at the moment' },
      ],
    },
    { id: 'support-other', type: 'text', text: 'Any other support you need?', required: false, maxLength: 500 },
  ],
  highlights: [
    { label: 'Quite or very confident', question: 'confidence', values: ['very', 'quite'] },
    { label: 'Have used the procedure', question: 'used-procedure', values: ['yes'] },
    { label: 'Know how to report a concern', question: 'know-how-to-report', values: ['yes'] },
    { label: 'Know a Designated Safeguarding Officer’s name', question: 'know-dso-name', values: ['yes'] },
    { label: 'Found the training useful (4 or 5)', question: 'training-useful', values: ['4', '5'] },
  ],
};

/**
 * The practitioner survey sent before the Section 11 self-assessment ("Annual survey … in
 * preparation for the Section 11 Self-Assessment"): what front-line staff say of the standards an
 * agency rates itself on. An agency's own campaign of it shows beside its return (services/section11).
 */
export const S11_PRACTITIONER_SURVEY: QuestionnaireDefinition = {
  key: 's11-practitioner',
  version: 1,
  title: 'Section 11 practitioner survey',
  intro: 'Six short questions about safeguarding where you work, ahead of your agency’s Section 11 self-assessment.',
  pageSize: 6,
  questions: [
    { id: 'know-lead', type: 'yes-no', text: 'Do you know who your agency’s safeguarding lead is?', required: true },
    { id: 'supervision', type: 'yes-no', text: 'Do you get regular supervision that covers safeguarding?', required: true },
    {
      id: 'escalation',
      type: 'single',
      text: 'How confident are you to escalate when your concerns about a child are not addressed?',
      required: true,
      options: CONFIDENCE,
    },
    { id: 'whistleblowing', type: 'yes-no', text: 'Do you know how to raise a concern about a colleague (whistleblowing)?', required: true },
    { id: 'voice-of-the-child', type: 'yes-no', text: 'Do you record children’s wishes and feelings in your work?', required: true },
    { id: 'comments', type: 'text', text: 'What would make safeguarding work better in your agency?', required: false, maxLength: 500 },
  ],
  highlights: [
    { label: 'Know their safeguarding lead', question: 'know-lead', values: ['yes'] },
    { label: 'Supervised on safeguarding', question: 'supervision', values: ['yes'] },
    { label: 'Confident to escalate', question: 'escalation', values: ['very', 'quite'] },
    { label: 'Know how to whistleblow', question: 'whistleblowing', values: ['yes'] },
    { label: 'Record the child’s voice', question: 'voice-of-the-child', values: ['yes'] },
  ],
};

export const BUILT_IN_QUESTIONNAIRES = [AWARENESS_SURVEY, FOLLOW_UP_SURVEY, S11_PRACTITIONER_SURVEY];
