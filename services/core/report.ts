/**
 * The one shape every area's report returns, so the command line (CSV/XLSX), the bot's card and
 * the tab each render every report with one renderer. A report that is naturally several tables
 * (the partnership board report) is a list of these, one per section.
 */
export type Cell = string | number | null;

export type Report = {
  title: string;
  /** Column names, each used once. */
  headers: string[];
  /** One cell per header in every row. */
  rows: Cell[][];
  /** Short lines shown under the table: suppressed groups, the date the figures are as at, ... */
  notes?: string[];
};

/** A cell as text: empty for null, numbers as written. */
export const cellText = (cell: Cell): string => (cell === null ? '' : String(cell));
