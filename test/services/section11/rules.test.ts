import { checkAnswer, stateOf, submitProblems, type AnswerInput } from '../../../services/section11/rules';
import type { S11Return, StandardAnswer } from '../../../services/section11/model';

const TODAY = '2026-11-23';
const blank: AnswerInput = { rating: '', naReason: '', narrative: '', evidenceLinks: '', proposedAction: '', proposedDue: '' };
const fields = (input: Partial<AnswerInput>, scale: 'rag' | 'graded' = 'rag') => checkAnswer({ ...blank, ...input }, scale, TODAY).issues.map((i) => i.field);
const saved = (a: Partial<StandardAnswer>): StandardAnswer => ({
  rating: 'green',
  narrative: '',
  evidenceLinks: [],
  rev: 1,
  savedBy: { name: 'x' },
  savedAt: '',
  ...a,
});

describe('the rules of a Section 11 answer', () => {
  it('keeps a partial answer: no rating yet is fine while in progress', () => {
    expect(checkAnswer({ ...blank, narrative: 'Policy reviewed in March 2026.' }, 'rag', TODAY)).toMatchObject({
      issues: [],
      answer: { rating: '', narrative: 'Policy reviewed in March 2026.' },
    });
  });

  it('refuses a rating outside the round’s scale', () => {
    expect(fields({ rating: 'outstanding' }, 'rag')).toEqual(['rating']);
    expect(fields({ rating: 'amber' }, 'graded')).toEqual(['rating']);
    expect(fields({ rating: 'good' }, 'graded')).toEqual([]);
  });

  it('needs a reason for not applicable', () => {
    expect(fields({ rating: 'na' })).toEqual(['naReason']);
    expect(checkAnswer({ ...blank, rating: 'na', naReason: 'We employ no staff who work with children.' }, 'rag', TODAY).answer).toMatchObject({
      rating: 'na',
      naReason: 'We employ no staff who work with children.',
    });
  });

  it('needs the proposed action and its future date for a weak rating', () => {
    expect(fields({ rating: 'red' })).toEqual(['proposedAction']);
    expect(fields({ rating: 'inadequate' }, 'graded')).toEqual(['proposedAction']);
    expect(fields({ rating: 'red', proposedAction: 'Re-audit DBS checks' })).toEqual(['proposedDue']);
    expect(fields({ rating: 'red', proposedAction: 'Re-audit DBS checks', proposedDue: TODAY })).toEqual(['proposedDue']);
    expect(fields({ rating: 'red', proposedAction: 'Re-audit DBS checks', proposedDue: '2027-02-01' })).toEqual([]);
  });

  it('takes evidence as https links only, never files or other schemes', () => {
    expect(
      checkAnswer({ ...blank, evidenceLinks: 'https://intranet.example/policy\nhttps://intranet.example/audit' }, 'rag', TODAY).answer?.evidenceLinks,
    ).toHaveLength(2);
    expect(fields({ evidenceLinks: 'file:///C:/policy.docx' })).toEqual(['evidenceLinks']);
    expect(fields({ evidenceLinks: 'javascript:alert(1)' })).toEqual(['evidenceLinks']);
    expect(fields({ evidenceLinks: 'policy.docx' })).toEqual(['evidenceLinks']);
  });

  it('applies the identifier guard to every text field', () => {
    expect(fields({ narrative: 'Child born 03/03/2015 was seen late' })).toEqual(['narrative']);
    expect(fields({ rating: 'na', naReason: 'Call 07700 900123 for details' })).toEqual(['naReason']);
    expect(fields({ rating: 'red', proposedAction: 'Visit 12 Acacia Avenue again', proposedDue: '2027-01-01' })).toEqual(['proposedAction']);
  });

  it('submits only when every standard is rated, not applicable has a reason, and nothing is merely carried forward', () => {
    const set = {
      standards: [
        { id: 'a', title: 'A', prompts: ['p'] },
        { id: 'b', title: 'B', prompts: ['p'] },
        { id: 'c', title: 'C', prompts: ['p'] },
      ],
    };
    expect(submitProblems(set, { answers: { a: saved({}), b: saved({ rating: '' }), c: saved({ carriedForward: true }) } })).toEqual([
      { field: 'b', message: 'Not rated yet.' },
      { field: 'c', message: 'Carried forward from last round: confirm or change it.' },
    ]);
    expect(submitProblems(set, { answers: { a: saved({}), b: saved({}), c: saved({ rating: 'na', naReason: 'None' }) } })).toEqual([]);
  });

  it('says what state a return is in', () => {
    const ret = (r: Partial<S11Return>) => ({ status: 'in-progress' as const, answers: {}, ...r });
    expect(stateOf(undefined)).toBe('not started');
    expect(stateOf(ret({ answers: { a: saved({ carriedForward: true }) } }))).toBe('not started');
    expect(stateOf(ret({ answers: { a: saved({}) } }))).toBe('in progress');
    expect(stateOf(ret({ status: 'submitted', answers: { a: saved({}) } }))).toBe('submitted');
    expect(stateOf(ret({ status: 'submitted', answers: { a: saved({ scrutiny: { state: 'answered', by: { name: 'b' }, at: '' } }) } }))).toBe('challenged');
    expect(stateOf(ret({ status: 'accepted', answers: { a: saved({}) } }))).toBe('accepted');
  });
});
