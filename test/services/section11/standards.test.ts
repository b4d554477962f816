// The composition root registers the module's container before the store opens.
import '../../../bot/modules';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FixedClock } from '../../../services/core/clock';
import { isAppError, type AppError } from '../../../services/core/errors';
import type { Store } from '../../../services/store/ports';
import { addStandardSet, findStandardSet, readStandardsFile, standardSets, validateStandardSet } from '../../../services/section11/standards';
import { ORG } from '../../harness/fixtures';
import { openTestStore } from '../../harness/store';

const fixture = (name: string) => {
  const file = path.join(__dirname, '../../fixtures/section11', name);
  return readStandardsFile(readFileSync(file, 'utf8'), name);
};

describe('Section 11 standards, as versioned data', () => {
  let store: Store;
  const clock = new FixedClock('2026-11-23T09:00:00Z');
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('has the classic eight key features on a RAG scale and the Working Together 2023 list on the graded scale, built in', async () => {
    const classic = await findStandardSet(store, ORG, 'classic');
    expect(classic).toMatchObject({ builtIn: true, scale: 'rag', version: 1 });
    expect(classic.standards).toHaveLength(8);
    const wt = await findStandardSet(store, ORG, 'wt2023');
    expect(wt.scale).toBe('graded');
    expect(wt.standards.map((s) => s.id)).toEqual([
      'senior-lead',
      'voice-of-the-child',
      'whistleblowing',
      'escalation',
      'information-sharing',
      'designated-practitioners',
      'safer-recruitment',
    ]);
    for (const s of [...classic.standards, ...wt.standards]) expect(s.prompts[0]).toMatch(/^Evidence (of|that) /);
  });

  it('lets the partnership add its own set from YAML, and keeps each version once added', async () => {
    const set = await addStandardSet(store, clock, ORG, fixture('partnership-set.yaml'), 'partnership-set.yaml');
    expect(set).toMatchObject({ key: 'schools-2026', builtIn: false, scale: 'rag' });
    expect((await standardSets(store, ORG)).map((s) => s.key)).toEqual(['classic', 'schools-2026', 'wt2023']);
    await expect(addStandardSet(store, clock, ORG, fixture('partnership-set.yaml'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('refuses a broken file whole, naming every problem', async () => {
    let refused: AppError | undefined;
    try {
      await addStandardSet(store, clock, ORG, fixture('broken-set.yaml'), 'broken-set.yaml');
    } catch (e) {
      if (isAppError(e)) refused = e;
    }
    expect(refused?.code).toBe('VALIDATION');
    expect(refused?.message).toMatch(/^broken-set\.yaml is refused, nothing was added\. 6 problems/);
    for (const where of ['key:', 'version:', 'title:', 'scale:', 'standards.0.prompts:', 'standards.1.id: repeats the id "one"'])
      expect(refused?.message).toContain(where);
    expect((await standardSets(store, ORG)).map((s) => s.key)).not.toContain('Broken Set');
  });

  it('refuses a built-in key, and a file that is not YAML at all', async () => {
    const classic = { ...validateStandardSet(fixture('partnership-set.yaml')), key: 'classic' };
    await expect(addStandardSet(store, clock, ORG, classic)).rejects.toThrow(/built-in/);
    expect(() => readStandardsFile('key: [unclosed', 'bad.yaml')).toThrow(/not valid YAML/);
  });
});
