import { cellText, type Report } from '../services/core/report';
import { clip } from '../services/core/text';
import { md, renderFitting, type AdaptiveCardJson, type CardData } from './render';

/** At most this many table rows on a card: more is not readable in a chat; the rest are in the export. */
export const MAX_REPORT_CARD_ROWS = 40;

/** A cell is cut here; rows then stop where the card would pass Teams' size budget (renderFitting). */
const MAX_CELL_CHARS = 300;

/**
 * What a table needs to keep its words whole, estimated in characters: Teams draws a chat card
 * about 500 px wide, less its padding (468 px), in a 14 px font of about 7 px a character, with a cell’s
 * padding of about 2 characters.
 */
export const CARD_TEXT_CHARS = 64;
const CELL_PADDING_CHARS = 2;
/** A word longer than this breaks in any layout; it does not make its column wider. */
const MAX_WORD_CHARS = 24;

const clipCell = (text: string) => clip(text, MAX_CELL_CHARS);
const longestWord = (text: string) => Math.min(MAX_WORD_CHARS, Math.max(0, ...text.split(/\s+/).map((w) => w.length)));

/**
 * Column weights from the header and the content: each column at least as wide as its longest
 * word (header included, so "Actions" is never cut to "Act/ion/s"), and the room left shared by
 * how much text each column holds. `undefined` when the words alone need more than a card's
 * width: such a table is shown as label–value lines instead.
 */
export function columnWidths(headers: string[], rows: string[][]): number[] | undefined {
  const words = headers.map((h, c) => Math.max(longestWord(h), ...rows.map((r) => longestWord(r[c]!))) + CELL_PADDING_CHARS);
  const spare = CARD_TEXT_CHARS - words.reduce((a, b) => a + b, 0);
  if (spare < 0) return undefined;
  const text = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const extra = text.map((t, c) => Math.max(0, t + CELL_PADDING_CHARS - words[c]!));
  const wanted = extra.reduce((a, b) => a + b, 0);
  return words.map((w, c) => w + (wanted === 0 ? 0 : Math.floor((spare * extra[c]!) / wanted)));
}

/** A row as label–value lines ("Course: Prevent"), as the tab shows a table on a narrow screen; empty cells left out. */
const rowLines = (headers: string[], cells: string[]) =>
  headers
    .map((h, c) => (cells[c] ? `${h}: ${cells[c]}` : ''))
    .filter(Boolean)
    .join('\n');

/**
 * The one card for every report: each section's title, its table (headers first) and its notes,
 * with at most MAX_REPORT_CARD_ROWS rows in all and as many as fit Teams' size budget; `footer`
 * says where the whole report is. A table too wide for a chat card, and any table on a narrow
 * screen (Teams' `targetWidth`), shows each row as label–value lines instead.
 * Every cell, title and note is escaped: names and answers come from people and files.
 */
export function reportCard(report: Report | readonly Report[], footer = ''): AdaptiveCardJson {
  const all = Array.isArray(report) ? (report as readonly Report[]) : [report as Report];
  const escaped = all.map((s) => ({
    title: md(clipCell(s.title)),
    headers: s.headers.map((h) => md(clipCell(h))),
    rows: s.rows.map((r) => s.headers.map((_, c) => md(clipCell(cellText(r[c] ?? null))))),
    notes: (s.notes ?? []).map((n) => md(clipCell(n))),
  }));
  const total = all.reduce((n, s) => n + s.rows.length, 0);
  const dataFor = (shownRows: number): CardData['report'] => {
    let room = shownRows;
    const sections = escaped.map((s, i) => {
      const shown = s.rows.slice(0, room);
      room -= shown.length;
      const widths = columnWidths(s.headers, shown);
      return {
        title: s.title,
        titleSize: i === 0 ? ('Medium' as const) : ('Default' as const),
        separator: i > 0,
        hasRows: s.rows.length > 0,
        asTable: shown.length > 0 && widths !== undefined,
        asLines: shown.length > 0 && widths === undefined,
        headers: s.headers,
        columns: (widths ?? []).map((width) => ({ width })),
        rows: shown.map((cells) => ({ cells, lines: rowLines(s.headers, cells) })),
        notes: s.notes,
      };
    });
    const more = shownRows < total ? `Showing ${shownRows} of ${total} rows.` : '';
    return { sections, footer: md([more, footer].filter(Boolean).join(' ')) };
  };
  return renderFitting('report', Math.min(total, MAX_REPORT_CARD_ROWS), dataFor).card;
}
