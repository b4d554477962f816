import { createLogger } from '../../../services/core/logger';

/**
 * Log lines are read by people and by log search. An attacker can get text into a log field (a
 * card's verb, an activity's name, an error from a file): it must stay inside that field of one
 * JSON line, never start a line of its own or add a field.
 */
describe('log lines from hostile text (regression)', () => {
  it('a line break, a fake JSON record and a terminal escape in a logged field stay inside that field', () => {
    const written: string[] = [];
    const logger = createLogger('info', { destination: { write: (line: string) => written.push(line) } });
    const forged = 'action.update\n{"level":30,"msg":"administrator role granted","personId":"eve"}\u001b[2K';
    logger.info({ activityName: forged, code: 'FORBIDDEN' }, 'request refused');
    const lines = written.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ msg: 'request refused', code: 'FORBIDDEN', activityName: expect.stringContaining('administrator role granted') });
    expect(record).not.toHaveProperty('personId');
    expect(lines[0]).not.toContain('\u001b');
  });
});
