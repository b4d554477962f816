import * as ACData from 'adaptivecards-templating';
import { clip, oneLine, visibleData } from '../services/core/text';
import actionSummary from './templates/action-summary.json';
import actionUpdate from './templates/action-update.json';
import escalationAlert from './templates/escalation-alert.json';
import personalPointer from './templates/personal-pointer.json';
import escalationList from './templates/escalation-list.json';
import facts from './templates/facts.json';
import help from './templates/help.json';
import myActions from './templates/my-actions.json';
import notice from './templates/notice.json';
import raiseConcern from './templates/raise-concern.json';
import reminderDigest from './templates/reminder-digest.json';
import roundSummary from './templates/round-summary.json';
import trainingReport from './templates/training-report.json';
import trainingVerify from './templates/training-verify.json';
import welcome from './templates/welcome.json';
import questionnaireInvite from './templates/questionnaire-invite.json';
import questionnairePage from './templates/questionnaire-page.json';
import questionnaireSaved from './templates/questionnaire-saved.json';
import surveyList from './templates/survey-list.json';
import report from './templates/report.json';

/**
 * Where a long list is on a card: a page of at most LIST_PAGE_SIZE items, "Show N more" for the
 * next page and, on a later page, "Back to the first" in the overflow menu.
 */
export type PageInfo = { page: number; range: string; hasNext: boolean; nextPage: number; nextLabel: string; hasPrevious: boolean };

export type TrainingFormFields = 'courseCode' | 'completedOn' | 'certificateUrl';

export type RaiseFormFields = 'category' | 'agency' | 'caseReference' | 'asked' | 'wanted' | 'immediateRisk';

export type UpdateFormFields = 'status' | 'progress' | 'evidence' | 'reason' | 'remedialAction' | 'revisedDueDate';

/** What each card is expanded with. Text that came from people goes in TextRuns or through `md()`. */
export type CardData = {
  welcome: { heading: string; linked: boolean; openCount: number };
  help: { notice: string; commands: { command: string; meaning: string }[]; channelNote: string };
  'my-actions': {
    heading: string;
    count: number;
    /** `due` starts "⚠ Overdue: was due …" when the action is overdue, as the tab marks it; `overdue` makes it bold. */
    actions: { id: string; ref: string; due: string; overdue: boolean; description: string; statusLabel: string }[];
    paging: PageInfo;
  };
  'action-update': {
    actionId: string;
    version: number;
    ref: string;
    notice: string;
    description: string;
    evidenceExpected: string;
    due: string;
    leads: string;
    statusLabel: string;
    progress: string;
    values: Record<UpdateFormFields, string>;
    errors: Record<UpdateFormFields, string>;
  };
  'action-summary': {
    actionId: string;
    heading: string;
    notice: string;
    ref: string;
    description: string;
    statusLabel: string;
    due: string;
    leads: string;
    progress: string;
    evidence: string;
    reason: string;
    remedialAction: string;
    canUpdate: boolean;
  };
  notice: { title: string; text: string; code: string };
  'personal-pointer': { heading: string; text: string; hasFacts: boolean; facts: { title: string; value: string }[]; url: string };
  'reminder-digest': {
    heading: string;
    intro: string;
    /** The outbox item the digest was sent as ('' for one sent before paging): "Show N more" reads its lines from there. */
    outboxId: string;
    /** No outbox item to page from: the rest are only counted, with a pointer to "my actions". */
    more: number;
    lines: {
      actionId: string;
      ref: string;
      why: string;
      leadName: string;
      description: string;
      statusLabel: string;
      snoozeChoices: { actionId: string; label: string; days: number }[];
    }[];
    paging: PageInfo;
  };
  'raise-concern': { notice: string; values: Record<RaiseFormFields, string>; errors: Record<RaiseFormFields, string>; namesChecked: 'true' | 'false' };
  'escalation-list': { heading: string; count: number; items: { id: string; ref: string; title: string; detail: string }[]; paging: PageInfo };
  facts: { heading: string; intro: string; facts: { title: string; value: string }[] };
  'training-report': {
    notice: string;
    courses: { code: string; name: string }[];
    values: Record<TrainingFormFields, string>;
    errors: Record<TrainingFormFields, string>;
  };
  'training-verify': { heading: string; count: number; items: { id: string; title: string; detail: string }[]; paging: PageInfo };
  'escalation-alert': {
    escalationId: string;
    heading: string;
    note: string;
    canAct: boolean;
    canAcknowledge: boolean;
    summary: string;
    facts: { title: string; value: string }[];
  };
  'questionnaire-invite': { heading: string; intro: string; closes: string; anonymous: boolean; campaignId: string };
  'questionnaire-page': {
    title: string;
    intro: string;
    progress: string;
    notice: string;
    campaignId: string;
    page: number;
    carried: string;
    answerKey: string;
    canGoBack: boolean;
    isLast: boolean;
    submitLabel: string;
    questions: {
      text: string;
      help: string;
      input: 'choice' | 'text' | 'date';
      inputId: string;
      multi: boolean;
      maxLength: number;
      value: string;
      error: string;
      choices: { title: string; value: string }[];
    }[];
  };
  'questionnaire-saved': { heading: string; title: string; closes: string; anonymous: boolean; campaignId: string; answerKey: string };
  /** Each item shows one button: Answer (or Change my answers) for a questionnaire sent to the person, else Results; when both apply, Results waits in the overflow menu. */
  'survey-list': {
    heading: string;
    empty: string;
    count: number;
    items: { campaignId: string; title: string; detail: string; canAnswer: boolean; answerLabel: string; canSeeResults: boolean }[];
    paging: PageInfo;
  };
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
  'round-summary': {
    heading: string;
    dueBy: string;
    asAt: string;
    respondedCount: string;
    outstandingCount: string;
    unreachableCount: string;
    responded: string;
    outstanding: string;
    unreachable: string;
  };
};

export type CardName = keyof CardData;

export const CARD_TEMPLATES: Record<CardName, object> = {
  welcome,
  help,
  'my-actions': myActions,
  'action-update': actionUpdate,
  'action-summary': actionSummary,
  notice,
  'personal-pointer': personalPointer,
  'reminder-digest': reminderDigest,
  'round-summary': roundSummary,
  'escalation-alert': escalationAlert,
  'raise-concern': raiseConcern,
  'escalation-list': escalationList,
  facts,
  'training-report': trainingReport,
  'training-verify': trainingVerify,
  'questionnaire-invite': questionnaireInvite,
  'questionnaire-page': questionnairePage,
  'questionnaire-saved': questionnaireSaved,
  'survey-list': surveyList,
  report,
};

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
