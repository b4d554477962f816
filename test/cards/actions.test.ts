import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AdaptiveCardJson } from '../../cards/render';
import { CARD_ROUTES, type Verb } from '../../bot/card-routes';
import { MODULES } from '../../bot/modules';
import { renderMessage } from '../../cards/messages';
import { EXAMPLES } from './examples';
import { templateFiles, underCards } from './template-files';

/**
 * A card's buttons must fit: Teams shows at most 6 actions side by side and cuts their titles
 * when they do not fit the card's width ("Ackno…", "Ad…"). A list offers one button an item;
 * the rest wait in an overflow menu (`mode: secondary`) or behind a ShowCard.
 */

const MAX_VISIBLE_ACTIONS = 6;
type ActionJson = { type: string; title?: string; mode?: string; verb?: string; card?: AdaptiveCardJson };

/** The actions a card shows before anything is pressed: not those in an overflow menu, nor those inside a ShowCard's card. */
function visibleActions(node: unknown, found: ActionJson[] = []): ActionJson[] {
  if (Array.isArray(node)) node.forEach((n) => visibleActions(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) {
      if (o.mode !== 'secondary') found.push(o as ActionJson);
      return found;
    }
    for (const [key, value] of Object.entries(o)) if (key !== 'card') visibleActions(value, found);
  }
  return found;
}

/** Every ShowCard's card, which shows its own buttons once opened. */
function showCards(node: unknown, found: AdaptiveCardJson[] = []): AdaptiveCardJson[] {
  if (Array.isArray(node)) node.forEach((n) => showCards(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.ShowCard') found.push(o.card as AdaptiveCardJson);
    Object.values(o).forEach((v) => showCards(v, found));
  }
  return found;
}

/**
 * The width a row of buttons takes in Teams, estimated: a button is at least 96 px, else its
 * title (about 7.5 px a character of 14 px semibold Segoe UI) plus 12 px padding each side,
 * with 8 px between buttons (the host config's buttonSpacing).
 */
const rowWidth = (actions: ActionJson[]) =>
  actions.reduce((w, a) => w + Math.max(96, (a.title ?? '').length * 7.5 + 24), 0) + 8 * Math.max(0, actions.length - 1);
/** A 500 px card less its 16 px padding each side. */
const CARD_WIDTH_500 = 500 - 2 * 16;

describe.each(Object.entries(EXAMPLES))('card "%s"', (_name, card) => {
  it(`offers at most ${MAX_VISIBLE_ACTIONS} visible actions, and so does each card it opens`, () => {
    expect(visibleActions(card).length).toBeLessThanOrEqual(MAX_VISIBLE_ACTIONS);
    for (const inner of showCards(card)) expect(visibleActions(inner).length).toBeLessThanOrEqual(MAX_VISIBLE_ACTIONS);
  });
});

describe('the escalation alert', () => {
  const alert = (acknowledged: boolean) =>
    renderMessage({
      kind: 'escalation-alert',
      escalationId: 'esc-1',
      heading: 'Action rated Red (stage 1: Practitioner)',
      role: 'act',
      acknowledged,
      stage: '1 of 4',
      deadline: '2026-11-27',
      summary: 'LP1.1 was rated Red.',
      facts: [],
    });

  it('shows Acknowledge, Add note and More steps in one row that fits a 500 px card, uncut', () => {
    const buttons = (alert(false).actions ?? []) as ActionJson[];
    expect(buttons.map((b) => b.title)).toEqual(['Acknowledge', 'Add note', 'More steps']);
    expect(rowWidth(buttons)).toBeLessThanOrEqual(CARD_WIDTH_500);
  });

  it('keeps moving, resolving, assigning and feedback one press away, under More steps', () => {
    const more = (alert(false).actions as ActionJson[]).find((b) => b.title === 'More steps')!;
    const inner = visibleActions(more.card);
    expect(inner.map((b) => b.title)).toEqual(['Move to next stage', 'Resolve', 'Assign or feedback']);
    const verbs = JSON.stringify(more.card).match(/"verb":"[^"]+"/g);
    expect(verbs).toEqual([
      '"verb":"esc.move"',
      '"verb":"esc.resolve"',
      '"verb":"esc.assign"',
      '"verb":"esc.requestFeedback"',
      '"verb":"esc.feedbackReceived"',
    ]);
  });

  it('the old five buttons in a row would not have fitted: the estimate is not blind', () => {
    const five = ['Acknowledge', 'Add note', 'Move to next stage', 'Resolve', 'Assign or feedback'].map((title) => ({ type: 'Action.ShowCard', title }));
    expect(rowWidth(five)).toBeGreaterThan(CARD_WIDTH_500);
  });
});

/**
 * Verbs a card gets from code rather than from a template: none today (the last case below proves
 * no filler or route writes a verb). One added in code goes here, with where it is sent from.
 */
const SENT_BY_CODE: Record<string, string> = {};

describe('card verbs and the routing table, merged from every feature module', () => {
  // Every template under cards/, whatever its folder: the kernel's (cards/templates) and each feature's own (cards/<feature>/templates).
  const templates = templateFiles();
  const verbsIn = (file: string) => [...readFileSync(file, 'utf8').matchAll(/"verb":\s*"([^"]+)"/g)].map((m) => m[1]!);
  const templateVerbs = new Set(templates.flatMap(verbsIn));

  it('reads the templates of the kernel and of every feature folder', () => {
    const folders = new Set(templates.map((f) => underCards(path.dirname(f))));
    expect([...folders]).toEqual(
      expect.arrayContaining(['templates', 'actions/templates', 'escalations/templates', 'surveys/templates', 'section11/templates']),
    );
    // The update form's verb is read from the actions' own folder: it is not in the kernel's.
    expect(templates.filter((f) => verbsIn(f).includes('action.update')).map(underCards)).toEqual(['actions/templates/action-update.json']);
  });

  it('every verb a template sends is a route', () => {
    expect([...templateVerbs].filter((v) => !(v in CARD_ROUTES))).toEqual([]);
  });

  it('every route is sent by some template or is listed as sent by code: no route is left that no card can reach', () => {
    expect(Object.keys(CARD_ROUTES).filter((v) => !templateVerbs.has(v) && !Object.hasOwn(SENT_BY_CODE, v))).toEqual([]);
    // Each module's own verbs, by module, so a failure names the feature it is in.
    const unreached = MODULES.flatMap((m) =>
      Object.keys(m.cardRoutes ?? {})
        .filter((v) => !templateVerbs.has(v) && !Object.hasOwn(SENT_BY_CODE, v))
        .map((v) => `${m.name}: ${v}`),
    );
    expect(unreached).toEqual([]);
    expect(Object.keys(CARD_ROUTES).length).toBeGreaterThan(20); // the modules' tables really were merged
  });

  it('no template builds its verb from data, so the two lists above are complete', () => {
    expect([...templateVerbs].filter((v) => v.includes('$'))).toEqual([]);
  });

  it('no code outside the templates writes a verb that SENT_BY_CODE does not list', () => {
    const sources = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(path.join(folder, e.name)) : e.name.endsWith('.ts') || e.name.endsWith('.tsx') ? [path.join(folder, e.name)] : [],
      );
    const root = path.join(__dirname, '../..');
    const written = ['cards', 'services', 'bot', 'tab']
      .flatMap((f) => sources(path.join(root, f)))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\bverb['"]?\s*:\s*['"`]([^'"`]+)['"`]/g)].map((m) => `${path.relative(root, file)}: ${m[1]}`),
      );
    expect(written.filter((w) => !Object.hasOwn(SENT_BY_CODE, w.split(': ')[1]!))).toEqual([]);
  });

  it('the Verb type is the union of the routes’ keys, not any string', () => {
    const typed: Verb[] = ['help.show', 'action.update', 'esc.acknowledge', 'survey.page', 'training.verify'];
    // @ts-expect-error a verb no module routes is a compile error (npx tsc --noEmit checks this file)
    const typo: Verb = 'esc.acknowlege';
    expect(typed.every((v) => v in CARD_ROUTES)).toBe(true);
    expect(typo in CARD_ROUTES).toBe(false);
  });
});
