import { cellText, type Report } from '../services/core/report';
import { md, renderCard, type AdaptiveCardJson, type CardData } from './render';

/** A card stays well under Teams' ~80 KB with this many table rows; the rest are in the export. */
export const MAX_REPORT_CARD_ROWS = 40;

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
  let cut = 0;
  const sections: CardData['report']['sections'] = all.map((s, i) => {
    const rows = s.rows.map((r) => s.headers.map((_, c) => md(cellText(r[c] ?? null))));
    const shown = rows.slice(0, Math.max(room, 0));
    room -= shown.length;
    cut += rows.length - shown.length;
    return {
      title: md(s.title),
      titleSize: i === 0 ? 'Medium' : 'Default',
      separator: i > 0,
      hasRows: rows.length > 0,
      headers: s.headers.map(md),
      columns: columnWidths(s.headers, shown).map((width) => ({ width })),
      rows: shown.map((cells) => ({ cells })),
      notes: (s.notes ?? []).map(md),
    };
  });
  const total = all.reduce((n, s) => n + s.rows.length, 0);
  const more = cut > 0 ? `Showing ${total - cut} of ${total} rows.` : '';
  return renderCard('report', { sections, footer: md([more, footer].filter(Boolean).join(' ')) });
}
