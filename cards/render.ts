import * as ACData from 'adaptivecards-templating';
import { clip, oneLine, visibleData } from '../services/core/text';
import facts from './templates/facts.json';
import help from './templates/help.json';
import notice from './templates/notice.json';
import personalPointer from './templates/personal-pointer.json';
import welcome from './templates/welcome.json';
import report from './templates/report.json';

/**
 * Where a long list is on a card: a page of at most LIST_PAGE_SIZE items, "Show N more" for the
 * next page and, on a later page, "Back to the first" in the overflow menu.
 */
export type PageInfo = { page: number; range: string; hasNext: boolean; nextPage: number; nextLabel: string; hasPrevious: boolean };

/**
 * What each of the kernel's cards (cards/templates) is expanded with: the cards every feature and
 * host shares. A feature's own cards are in cards/<feature>/, each with its own data type, and go
 * through featureCards() below, which keeps the same rules. Text that came from people goes in
 * TextRuns or through `md()`.
 */
export type CardData = {
  welcome: { heading: string; linked: boolean; openCount: number };
  help: { notice: string; commands: { command: string; meaning: string }[]; channelNote: string };
  notice: { title: string; text: string; code: string };
  'personal-pointer': { heading: string; text: string; hasFacts: boolean; facts: { title: string; value: string }[]; url: string };
  facts: { heading: string; intro: string; facts: { title: string; value: string }[] };
  report: {
    sections: {
      title: string;
      titleSize: 'Medium' | 'Default';
      separator: boolean;
      hasRows: boolean;
      /** False when the table is too wide for a chat card: its rows are shown as label–value lines. */
      asTable: boolean;
      asLines: boolean;
      headers: string[];
      columns: { width: number }[];
      /** `lines`: the row as label–value lines, for a narrow screen. */
      rows: { cells: string[]; lines: string }[];
      notes: string[];
    }[];
    footer: string;
  };
};

export type CardName = keyof CardData;

export const CARD_TEMPLATES: Record<CardName, object> = { welcome, help, notice, 'personal-pointer': personalPointer, facts, report };

export type { AdaptiveCardJson } from '../services/core/adaptive-card';
import type { AdaptiveCardJson } from '../services/core/adaptive-card';

const templates = new Map(Object.entries(CARD_TEMPLATES).map(([name, json]) => [name, new ACData.Template(json)]));

/** The only links a card may open: Teams' own deep links (to the 1:1 chat with the bot). */
export const OPEN_URL_ALLOW_LIST = [/^https:\/\/teams\.microsoft\.com\/l\/chat\/0\/0\?users=28:[A-Za-z0-9-]+$/];

function openUrls(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => openUrls(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.OpenUrl') found.push(typeof o.url === 'string' ? o.url : '');
    Object.values(o).forEach((v) => openUrls(v, found));
  }
  return found;
}

/**
 * Teams measures a bot message in UTF-16 (two bytes for every code unit of its JSON) and refuses
 * one above about 100 KB; Microsoft recommends staying under 80 KB. Every card is measured here,
 * against that, and nowhere else.
 */
export const MAX_CARD_UTF16_BYTES = 80 * 1024;

/** A card's size as Teams counts it: its JSON in UTF-16. */
export function cardSizeUtf16(card: object): number {
  return JSON.stringify(card).length * 2;
}

function expand<N extends CardName>(name: N, data: CardData[N]): AdaptiveCardJson {
  return expandTemplate(name, templates.get(name)!, data);
}

function expandTemplate(name: string, template: ACData.Template, data: object): AdaptiveCardJson {
  const card = template.expand({ $root: visibleData(data) }) as AdaptiveCardJson;
  const refused = openUrls(card).find((url) => !OPEN_URL_ALLOW_LIST.some((allowed) => allowed.test(url)));
  if (refused !== undefined) throw new Error(`card ${name} links outside the allow-list: ${refused.slice(0, 100)}`);
  return card;
}

/**
 * A feature's own card templates (cards/<feature>/templates), rendered with the same rules as
 * every card: hidden controls taken out of the data, links allow-listed, Teams' size budget kept.
 * `templates` maps each card's name to its template JSON; the data's shape is the feature's own type.
 */
export function featureCards<D extends Record<string, object>>(templatesByName: { [N in keyof D]: object }): <N extends keyof D & string>(
  name: N,
  data: D[N],
) => AdaptiveCardJson {
  const compiled = new Map(Object.entries(templatesByName).map(([name, json]) => [name, new ACData.Template(json)]));
  return (name, data) => {
    const card = expandTemplate(name, compiled.get(name)!, data);
    if (!fits(card)) throw new Error(`card ${name} is ${Math.ceil(cardSizeUtf16(card) / 1024)} KB in UTF-16, over Teams' ${MAX_CARD_UTF16_BYTES / 1024} KB`);
    return card;
  };
}

const fits = (card: object) => cardSizeUtf16(card) <= MAX_CARD_UTF16_BYTES;

const featureTemplates = new WeakMap<object, ACData.Template>();

/**
 * A feature module's own card template (cards/<feature>/templates), expanded with the same
 * safeguards as the kernel's cards: hidden controls out of every string, links only to the
 * allow-list, and Teams' size budget.
 */
export function renderFeatureCard(name: string, template: object, data: object): AdaptiveCardJson {
  let compiled = featureTemplates.get(template);
  if (!compiled) featureTemplates.set(template, (compiled = new ACData.Template(template)));
  const card = expandTemplate(name, compiled, data);
  if (!fits(card)) throw new Error(`card ${name} is ${Math.ceil(cardSizeUtf16(card) / 1024)} KB in UTF-16, over Teams' ${MAX_CARD_UTF16_BYTES / 1024} KB`);
  return card;
}

/**
 * Expands a card's template. Every string of the data loses its hidden controls first (see
 * visibleText), so no caller can forget it: a bidi override in a name would show it backwards.
 * A card over Teams' budget is a bug in the card that built it (lists fit themselves with
 * renderFitting), so it fails here, loudly, rather than being refused by Teams later.
 */
export function renderCard<N extends CardName>(name: N, data: CardData[N]): AdaptiveCardJson {
  const card = expand(name, data);
  if (!fits(card)) throw new Error(`card ${name} is ${Math.ceil(cardSizeUtf16(card) / 1024)} KB in UTF-16, over Teams' ${MAX_CARD_UTF16_BYTES / 1024} KB`);
  return card;
}

/**
 * A card of up to `count` items: the most of them, in order, that keep it within Teams' budget.
 * `dataFor(n)` is the card's data showing the first n items.
 */
export function renderFitting<N extends CardName>(name: N, count: number, dataFor: (shown: number) => CardData[N]): { card: AdaptiveCardJson; shown: number } {
  const full = expand(name, dataFor(count));
  if (fits(full)) return { card: full, shown: count };
  let [low, high] = [0, count - 1];
  // The size grows with the number of items shown: the largest n that fits, by halving.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(expand(name, dataFor(mid)))) low = mid;
    else high = mid - 1;
  }
  return { card: renderCard(name, dataFor(low)), shown: low };
}

/**
 * Escapes markdown so text from a person or a file shows literally in a TextBlock or FactSet
 * (which render markdown) and cannot fake links, emphasis or lists.
 */
export function md(text: string): string {
  return (
    text
      .replace(/[\\`*_[\]#<>~|]/g, (c) => `\\${c}`)
      // List markers (1. and 1) alike) only count at the start of a line.
      .replace(/^(\s*)(\d+)([.)])(\s)/gm, '$1$2\\$3$4')
      .replace(/^(\s*)([-+])(\s)/gm, '$1\\$2$3')
      // A line of only - or = underlines the line above as a heading, or draws a rule.
      .replace(/^(\s*)([-=])(?=[-=\s]*$)/gm, '$1\\$2')
  );
}

/** A person's name (from Teams, a people file or a plan) is cut here: the longest real names are far shorter. */
export const MAX_NAME_CHARS = 120;

/** A name as a card shows it: one line, cut to MAX_NAME_CHARS, markdown escaped; it cannot pose as another line or a link. */
export function mdName(name: string): string {
  return md(nameText(name));
}

/** A name on one line, cut to MAX_NAME_CHARS, not yet escaped (for a list escaped as a whole). */
export function nameText(name: string): string {
  return clip(oneLine(name), MAX_NAME_CHARS);
}

/** Free text in a list of many items, for a plain TextRun: cut to MAX_LISTED_TEXT_CHARS (services/core/text.ts). */
export { listedText, MAX_LISTED_TEXT_CHARS } from '../services/core/text';
