import { checkStatusUpdate, statusSubmissionSchema } from '../../../services/updates/rules';

const TODAY = '2026-11-22';
const submit = (fields: Record<string, unknown>) => checkStatusUpdate(statusSubmissionSchema.parse({ actionId: 'a', version: 1, ...fields }), TODAY);
const fieldsOf = (r: ReturnType<typeof submit>) => (r.ok ? [] : r.issues.map((i) => i.field));

describe('RAG update rules', () => {
  it('Green with a progress note is accepted', () => {
    expect(submit({ status: 'G', progress: 'On track' })).toEqual({ ok: true, value: { status: 'G', progress: 'On track' } });
  });
  it('Red without a reason or remedial action is refused on both fields', () => {
    expect(fieldsOf(submit({ status: 'R', progress: 'Stuck' }))).toEqual(['reason', 'remedialAction']);
  });
  it('Amber needs the reason and the remedial action too', () => {
    expect(fieldsOf(submit({ status: 'A', progress: 'Late', reason: 'Venue fell through' }))).toEqual(['remedialAction']);
    expect(submit({ status: 'A', progress: 'Late', reason: 'Venue', remedialAction: 'Book another' }).ok).toBe(true);
  });
  it('Blue (completed) needs evidence', () => {
    expect(fieldsOf(submit({ status: 'B', progress: 'Done' }))).toEqual(['evidence']);
    expect(submit({ status: 'B', progress: 'Done', evidence: 'https://intranet.example/minutes' }).ok).toBe(true);
  });
  it('evidence links must be https, not javascript: or file:', () => {
    expect(fieldsOf(submit({ status: 'B', progress: 'Done', evidence: 'javascript:alert(1)' }))).toEqual(['evidence']);
  });
  it('a revised due date must be in the future and a real date', () => {
    expect(fieldsOf(submit({ status: 'G', progress: 'p', revisedDueDate: TODAY }))).toEqual(['revisedDueDate']);
    expect(fieldsOf(submit({ status: 'G', progress: 'p', revisedDueDate: '2027-02-30' }))).toEqual(['revisedDueDate']);
    expect(submit({ status: 'G', progress: 'p', revisedDueDate: '2026-11-23' })).toMatchObject({ ok: true, value: { revisedDueDate: '2026-11-23' } });
  });
  it('no status, or one that is not B/G/A/R, is refused', () => {
    expect(fieldsOf(submit({ progress: 'p' }))).toEqual(['status']);
    expect(fieldsOf(submit({ status: 'NR', progress: 'p' }))).toEqual(['status']);
  });
  it('notes are capped', () => {
    expect(fieldsOf(submit({ status: 'G', progress: 'x'.repeat(2001) }))).toEqual(['progress']);
  });
  it('text far beyond any cap is refused by the schema before rules run', () => {
    expect(statusSubmissionSchema.safeParse({ actionId: 'a', version: 1, progress: 'x'.repeat(5000) }).success).toBe(false);
  });
  it('Amber reason and remedial action are not stored for Green', () => {
    expect(submit({ status: 'G', progress: 'p', reason: 'old', remedialAction: 'old' })).toEqual({ ok: true, value: { status: 'G', progress: 'p' } });
  });
});
