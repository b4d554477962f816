import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { restoreFormulaPrefix, toSafeCsv } from '../core/csv';
import { AppError } from '../core/errors';
import { writePrivateFile } from '../core/private-files';

export type TableRow = {
  /** The row number a spreadsheet shows: the header is row 1, the first data row is row 2. */
  rowNumber: number;
  cells: Record<string, string>;
};
export type Table = { headers: string[]; rows: TableRow[] };

export const TABLE_LIMITS = { maxFileBytes: 20 * 1024 * 1024, maxCellChars: 10_000, maxRows: 200_000 };

const normalise = (value: string) => value.replace(/\s+/g, ' ').trim();

function kindOf(file: string): 'csv' | 'xlsx' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is not a .csv or .xlsx file.`);
}

/** Header from the first non-blank row; every later non-blank row keyed by it, capped and whitespace-normalised. */
function toTable(file: string, grid: { rowNumber: number; values: string[] }[]): Table {
  const name = path.basename(file);
  const nonBlank = grid.filter((r) => r.values.some((v) => v.trim() !== ''));
  const [header, ...data] = nonBlank;
  if (!header) throw new AppError('IMPORT_FILE_INVALID', `${name} is empty: it has no header row.`);
  if (data.length > TABLE_LIMITS.maxRows) throw new AppError('IMPORT_TOO_LARGE', `${name} has ${data.length} rows; the most one import takes is ${TABLE_LIMITS.maxRows}.`);
  for (const row of nonBlank) {
    const long = row.values.findIndex((v) => v.length > TABLE_LIMITS.maxCellChars);
    if (long >= 0) {
      throw new AppError('IMPORT_TOO_LARGE', `Row ${row.rowNumber} of ${name} has a cell of ${row.values[long]!.length} characters; the limit is ${TABLE_LIMITS.maxCellChars}.`);
    }
  }
  const headers = header.values.map(normalise);
  return {
    headers,
    rows: data.map((r) => ({
      rowNumber: r.rowNumber,
      cells: Object.fromEntries(headers.map((h, i) => [h, normalise(r.values[i] ?? '')]).filter(([h]) => h !== '')),
    })),
  };
}

async function readCsv(file: string, bytes: Buffer): Promise<Table> {
  if (bytes.includes(0)) throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is binary, not a CSV text file.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is not UTF-8 text. Save it as "CSV UTF-8" and try again.`);
  }
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false });
  } catch (e) {
    throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is not valid CSV: ${(e as Error).message}`);
  }
  // Our own CSV exports prefix formula-like cells with ': take it off so export → import round-trips.
  return toTable(file, records.map((values, i) => ({ rowNumber: i + 1, values: values.map(restoreFormulaPrefix) })));
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return cell.text ?? '';
}

async function readXlsx(file: string): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch {
    throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is not a readable .xlsx workbook.`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} has no worksheet.`);
  const grid: { rowNumber: number; values: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) values.push(cellText(row.getCell(c)));
    grid.push({ rowNumber: row.number, values });
  });
  return toTable(file, grid);
}

/** Reads the first sheet of a .csv or .xlsx file; anything unreadable is an IMPORT_* error that says why. */
export async function readTable(file: string): Promise<Table> {
  const kind = kindOf(file);
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch {
    throw new AppError('IMPORT_FILE_INVALID', `${file} does not exist or cannot be read.`);
  }
  if (size > TABLE_LIMITS.maxFileBytes) {
    throw new AppError('IMPORT_TOO_LARGE', `${path.basename(file)} is ${(size / 1048576).toFixed(1)} MB; the limit is ${TABLE_LIMITS.maxFileBytes / 1048576} MB.`);
  }
  return kind === 'csv' ? readCsv(file, await fs.readFile(file)) : readXlsx(file);
}

/** Writes a .csv or .xlsx file readable by its owner only, atomically (see writePrivateFile). */
export async function writeTable(file: string, headers: string[], rows: string[][]): Promise<void> {
  const kind = kindOf(file);
  if (kind === 'csv') {
    await writePrivateFile(file, toSafeCsv([headers, ...rows]));
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Plan');
  sheet.addRow(headers).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  sheet.columns.forEach((column) => (column.width = 30));
  await writePrivateFile(file, new Uint8Array(await workbook.xlsx.writeBuffer()));
}
