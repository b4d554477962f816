import { cellText, type Report } from '../services/core/report';
import { clip } from '../services/core/text';
import { md, renderCard, type AdaptiveCardJson, type CardData } from './render';

/** At most this many table rows on a card: more is not readable in a chat; the rest are in the export. */
export const MAX_REPORT_CARD_ROWS = 40;

/**
 * Teams refuses a message over about 80 KB. A cell is cut at MAX_CELL_CHARS and rows stop once
 * their estimated size (text plus the JSON of each cell) would pass the budget, so even a report of
 * long names and reasons fits.
 */
const MAX_CELL_CHARS = 300;
const CARD_BYTES_BUDGET = 60 * 1024;
const CELL_JSON_BYTES = 90;

const clipCell = (text: string) => clip(text, MAX_CELL_CHARS);
const rowBytes = (cells: string[]) => cells.reduce((n, c) => n + Buffer.byteLength(c) + CELL_JSON_BYTES, 0);

/** Wider columns for longer text, so a name or a reason gets more room than a count. */
function columnWidths(headers: string[], rows: string[][]): number[] {
  return headers.map((h, c) => {
    const longest = Math.max(h.length, ...rows.map((r) => r[c]!.length));
    return Math.min(4, Math.max(1, Math.round(longest / 12)));
  });
}

/**
 * The one card for every report: each section's title, its table (headers first) and its notes,
 * with at most MAX_REPORT_CARD_ROWS rows in all; `footer` says where the whole report is.
 * Every cell, title and note is escaped: names and answers come from people and files.
 */
export function reportCard(report: Report | readonly Report[], footer = ''): AdaptiveCardJson {
  const all = Array.isArray(report) ? (report as readonly Report[]) : [report as Report];
  let room = MAX_REPORT_CARD_ROWS;
  let bytes = 0;
  let cut = 0;
  const sections: CardData['report']['sections'] = all.map((s, i) => {
    const rows = s.rows.map((r) => s.headers.map((_, c) => md(clipCell(cellText(r[c] ?? null)))));
    const shown: string[][] = [];
    for (const row of rows) {
      if (room === 0 || bytes + rowBytes(row) > CARD_BYTES_BUDGET) break;
      shown.push(row);
      bytes += rowBytes(row);
      room--;
    }
    cut += rows.length - shown.length;
    return {
      title: md(clipCell(s.title)),
      titleSize: i === 0 ? 'Medium' : 'Default',
      separator: i > 0,
      hasRows: rows.length > 0,
      headers: s.headers.map((h) => md(clipCell(h))),
      columns: columnWidths(s.headers, shown).map((width) => ({ width })),
      rows: shown.map((cells) => ({ cells })),
      notes: (s.notes ?? []).map((n) => md(clipCell(n))),
    };
  });
  const total = all.reduce((n, s) => n + s.rows.length, 0);
  const more = cut > 0 ? `Showing ${total - cut} of ${total} rows.` : '';
  return renderCard('report', { sections, footer: md([more, footer].filter(Boolean).join(' ')) });
}
