import { CARD_ROUTES, TEXT_COMMANDS, findCommand } from '../../../bot/card-routes';
import { FixedClock } from '../../../services/core/clock';
import type { Store } from '../../../services/store/ports';
import { ORG, person } from '../../harness/fixtures';
import { cardText, routeContexts, typed } from '../../harness/route-context';
import { openTestStore } from '../../harness/store';

describe('help, built from the command table', () => {
  let store: Store;
  let contextFor: ReturnType<typeof routeContexts>;
  const officer = person({ id: 'officer', name: 'Olu Officer' });

  beforeAll(async () => {
    store = await openTestStore();
    contextFor = routeContexts(store, new FixedClock('2026-11-30T10:00:00Z'));
  });
  afterAll(() => store.close());

  const factsOf = (card: unknown) =>
    (JSON.parse(JSON.stringify(card)).body as { type: string; facts?: { title: string; value: string }[] }[]).find((b) => b.type === 'FactSet')!.facts!;

  it('"help" lists exactly the table’s commands, in its order, each with its description', async () => {
    const card = await typed(TEXT_COMMANDS, await contextFor(officer), 'help');
    expect(factsOf(card).map((f) => f.title)).toEqual(TEXT_COMMANDS.map((c) => c.example));
    factsOf(card).forEach((fact, i) => expect(fact.value.startsWith(TEXT_COMMANDS[i]!.description)).toBe(true));
  });

  it('says which commands also work in a channel, and only those', async () => {
    const card = await CARD_ROUTES['help.show']!.run(await contextFor(officer), {});
    const anywhere = TEXT_COMMANDS.filter((c) => c.scope === 'anywhere').map((c) => c.example);
    expect(
      factsOf(card)
        .filter((f) => f.value.endsWith('Works in a channel too.'))
        .map((f) => f.title),
    ).toEqual(anywhere);
    expect(cardText(card)).toContain(`In a team channel or group chat I answer only ${anywhere.map((e) => `"${e}"`).join(', ')}`);
  });

  it('every command has a one-line description, a distinct example its own pattern matches first, and a menu place of its own', () => {
    for (const command of TEXT_COMMANDS) {
      expect(command.description).toMatch(/^\S.{4,160}\.$/);
      expect(findCommand(command.example)?.command).toBe(command);
    }
    expect(new Set(TEXT_COMMANDS.map((c) => c.example)).size).toBe(TEXT_COMMANDS.length);
    const places = TEXT_COMMANDS.flatMap((c) => (c.menu === undefined ? [] : [c.menu]));
    expect(new Set(places).size).toBe(places.length);
  });

  it('keeps the order typed commands are matched in as the features moved into modules: the modules list decides it, and "report <name>" comes last', () => {
    // First match wins: "report training" must reach training before the generic "report <name>".
    expect(TEXT_COMMANDS.map((c) => c.example)).toEqual([
      'help',
      ...['my actions', 'action LP2.3', 'leave until 2027-01-15 delegate Tim Sadler', 'back from leave'],
      ...['start round 2027-01-15', 'round status'],
      ...['my training', 'report training', 'training to verify', 'training report by department', 'training overdue'],
      ...['raise concern', 'escalations', 'escalations report 2026-07-01 2026-09-30'],
      ...['surveys', 'survey results campaign-1'],
      'notify by email',
      'partnership report',
      'roles',
      ...['self-assessment', 's11 review', 's11 summary', 's11 report', 's11 start classic 2027-01-29'],
      ...['impact checks', 'review report'],
      'report',
    ]);
    expect(findCommand('report training')?.command.example).toBe('report training');
    expect(findCommand('report partnership')?.command.example).toBe('report');
  });

  it('needs no one in the directory or the store to answer', async () => {
    const stranger = person({ id: 'nobody', name: 'Nobody', orgId: ORG, roles: [] });
    expect(cardText(await typed(TEXT_COMMANDS, await contextFor(stranger), 'HELP'))).toMatch(/^What I can do/);
  });
});
