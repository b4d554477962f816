import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { restoreFormulaPrefix, toSafeCsv } from '../core/csv';
import { AppError, isAppError } from '../core/errors';
import { cellText, type Cell, type Report } from '../core/report';
import { writePrivateFile } from '../core/private-files';

export type TableRow = {
  /** The row number a spreadsheet shows: the header is row 1, the first data row is row 2. */
  rowNumber: number;
  cells: Record<string, string>;
};
export type Table = { headers: string[]; rows: TableRow[] };

export const TABLE_LIMITS = {
  maxFileBytes: 20 * 1024 * 1024,
  maxCellChars: 10_000,
  maxRows: 200_000,
  maxColumns: 200,
  /** An .xlsx is a zip: what its parts may unpack to, checked before any parser sees them. */
  maxZipEntries: 1_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxUnzippedBytes: 256 * 1024 * 1024,
  /** Spreadsheet XML compresses about 5–20×; a bomb's parts several hundred times. Checked on parts over 1 MB. */
  maxCompressionRatio: 200,
};

const normalise = (value: string) => value.replace(/\s+/g, ' ').trim();

function kindOf(file: string): 'csv' | 'xlsx' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is not a .csv or .xlsx file.`);
}

/**
 * Builds the table one row at a time as a reader streams them, refusing as soon as a cap is
 * passed, so no file makes the import hold more than the caps allow.
 */
class TableBuilder {
  private headers: string[] | undefined;
  readonly rows: TableRow[] = [];
  constructor(private readonly name: string) {}

  add(rowNumber: number, values: string[]): void {
    if (values.length > TABLE_LIMITS.maxColumns && values.slice(TABLE_LIMITS.maxColumns).some((v) => v.trim() !== '')) {
      throw new AppError('IMPORT_TOO_LARGE', `Row ${rowNumber} of ${this.name} has ${values.length} columns; the limit is ${TABLE_LIMITS.maxColumns}.`);
    }
    if (!values.some((v) => v.trim() !== '')) return;
    const long = values.findIndex((v) => v.length > TABLE_LIMITS.maxCellChars);
    if (long >= 0) {
      throw new AppError(
        'IMPORT_TOO_LARGE',
        `Row ${rowNumber} of ${this.name} has a cell of ${values[long]!.length} characters; the limit is ${TABLE_LIMITS.maxCellChars}.`,
      );
    }
    if (!this.headers) {
      this.headers = values.slice(0, TABLE_LIMITS.maxColumns).map(normalise);
      return;
    }
    if (this.rows.length >= TABLE_LIMITS.maxRows) {
      throw new AppError('IMPORT_TOO_LARGE', `${this.name} has more than ${TABLE_LIMITS.maxRows} rows; the most one import takes is ${TABLE_LIMITS.maxRows}.`);
    }
    const headers = this.headers;
    const cells: Record<string, string> = {};
    headers.forEach((h, i) => {
      if (h !== '') cells[h] = normalise(values[i] ?? '');
    });
    this.rows.push({ rowNumber, cells });
  }

  table(): Table {
    if (!this.headers) throw new AppError('IMPORT_FILE_INVALID', `${this.name} is empty: it has no header row.`);
    return { headers: this.headers, rows: this.rows };
  }
}

/** Streams the CSV through a strict UTF-8 decoder and the parser, a record at a time. */
async function readCsv(file: string): Promise<Table> {
  const name = path.basename(file);
  const builder = new TableBuilder(name);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (chunk.includes(0)) return done(new AppError('IMPORT_FILE_INVALID', `${name} is binary, not a CSV text file.`));
      try {
        done(null, decoder.decode(chunk, { stream: true }));
      } catch {
        done(new AppError('IMPORT_FILE_INVALID', `${name} is not UTF-8 text. Save it as "CSV UTF-8" and try again.`));
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new AppError('IMPORT_FILE_INVALID', `${name} is not UTF-8 text. Save it as "CSV UTF-8" and try again.`));
      }
    },
  });
  // A record may not grow past the cells a row may hold, however the quotes fall.
  const parser = parseCsv({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: TABLE_LIMITS.maxCellChars * TABLE_LIMITS.maxColumns,
  });
  const source = createReadStream(file);
  let rowNumber = 0;
  try {
    source.pipe(decode).pipe(parser);
    source.on('error', (e) => parser.destroy(e));
    decode.on('error', (e) => parser.destroy(e));
    for await (const record of parser as AsyncIterable<string[]>) {
      // Our own CSV exports prefix formula-like cells with ': take it off so export → import round-trips.
      builder.add(++rowNumber, record.map(restoreFormulaPrefix));
    }
  } catch (e) {
    if (isAppError(e)) throw e;
    throw new AppError('IMPORT_FILE_INVALID', `${name} is not valid CSV: ${(e as Error).message}`);
  } finally {
    source.destroy();
  }
  return builder.table();
}

/**
 * Reads the zip's central directory, then unpacks every part once, counting, before any XML
 * parser runs: a part that says (or turns out) to unpack past the limits, or at a ratio only a
 * decompression bomb reaches, refuses the file. yauzl checks each part's real size against the
 * size declared, so a lying directory is caught too.
 */
async function checkZip(file: string): Promise<void> {
  const name = path.basename(file);
  const refuse = (why: string) => new AppError('IMPORT_FILE_INVALID', `${name} cannot be imported: ${why}`);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))),
    );
  } catch {
    throw new AppError('IMPORT_FILE_INVALID', `${name} is not a readable .xlsx workbook.`);
  }
  try {
    if (zip.entryCount > TABLE_LIMITS.maxZipEntries) throw refuse(`it holds ${zip.entryCount} parts; a workbook has a few dozen.`);
    let total = 0;
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        zip.once('entry', resolve);
        zip.once('end', () => resolve(undefined));
        zip.once('error', reject);
        zip.readEntry();
      });
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      if (!entry) break;
      const { fileName, uncompressedSize, compressedSize } = entry;
      if (uncompressedSize > TABLE_LIMITS.maxEntryBytes)
        throw refuse(`its part ${fileName} would unpack to ${mb(uncompressedSize)}; the limit is ${mb(TABLE_LIMITS.maxEntryBytes)}.`);
      if (uncompressedSize > 1024 * 1024 && uncompressedSize / Math.max(compressedSize, 1) > TABLE_LIMITS.maxCompressionRatio) {
        throw refuse(
          `its part ${fileName} is compressed ${Math.round(uncompressedSize / Math.max(compressedSize, 1))} times, as only a decompression bomb is.`,
        );
      }
      total += uncompressedSize;
      if (total > TABLE_LIMITS.maxUnzippedBytes) throw refuse(`it would unpack to more than ${mb(TABLE_LIMITS.maxUnzippedBytes)}.`);
      if (fileName.endsWith('/')) continue;
      // Unpack and discard, counting: yauzl fails the stream if the bytes differ from the size declared.
      const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
      for await (const _chunk of stream) {
        // counted by yauzl against uncompressedSize
      }
    }
  } catch (e) {
    if (isAppError(e)) throw e;
    throw refuse(`its zip structure is damaged (${(e as Error).message}).`);
  } finally {
    zip.close();
  }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

function xlsxCellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return cell.text ?? '';
}

/**
 * The first worksheet, streamed a row at a time (ExcelJS's whole-workbook reader holds every sheet
 * in memory). ExcelJS's streaming unzip (unzipper 0.10) now and then ends before the zip's last
 * parts on a busy machine (seen about 3 reads in 1,600 under full CPU load): the read then fails
 * rather than returning. The file has just been read whole by yauzl, so such a failure is the
 * reader's, not the file's: it is read again, up to three times, before it is called unreadable.
 */
async function readXlsx(file: string): Promise<Table> {
  await checkZip(file);
  for (let attempt = 1; ; attempt++) {
    try {
      return await readFirstSheet(file);
    } catch (e) {
      if (isAppError(e)) throw e;
      if (attempt === 3) throw new AppError('IMPORT_FILE_INVALID', `${path.basename(file)} is not a readable .xlsx workbook.`, { cause: e });
    }
  }
}

async function readFirstSheet(file: string): Promise<Table> {
  const name = path.basename(file);
  const builder = new TableBuilder(name);
  const source = createReadStream(file);
  // Styles tell dates from numbers; hyperlinks and other sheets are not needed.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        const values: string[] = [];
        for (let c = 1; c <= Math.min(row.cellCount, TABLE_LIMITS.maxColumns); c++) values.push(xlsxCellText(row.getCell(c)));
        // Cells far to the right count only if they hold something; the builder refuses the row then.
        row.eachCell((cell, c) => {
          if (c > TABLE_LIMITS.maxColumns && values.length === TABLE_LIMITS.maxColumns && xlsxCellText(cell).trim() !== '')
            values.push(...new Array<string>(c - values.length - 1).fill(''), xlsxCellText(cell));
        });
        builder.add(row.number, values);
      }
      break; // the first sheet only
    }
  } finally {
    source.destroy();
  }
  if (sheets === 0) throw new AppError('IMPORT_FILE_INVALID', `${name} has no worksheet.`);
  return builder.table();
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
    throw new AppError(
      'IMPORT_TOO_LARGE',
      `${path.basename(file)} is ${(size / 1048576).toFixed(1)} MB; the limit is ${TABLE_LIMITS.maxFileBytes / 1048576} MB.`,
    );
  }
  return kind === 'csv' ? readCsv(file) : readXlsx(file);
}

/** Writes a .csv or .xlsx file readable by its owner only, atomically (see writePrivateFile). */
export async function writeTable(file: string, headers: string[], rows: string[][]): Promise<void> {
  await writeSheets(file, [{ name: 'Plan', headers, rows }]);
}

/**
 * Writes a report (or a report of several sections) to a .csv or .xlsx file readable by its owner
 * only. XLSX: one sheet per section, named from its title, headers in the first row, numbers kept
 * as numbers. CSV holds one table: a single report is just its headers and rows; several sections
 * follow one another, each after a row with its title and a blank row between them.
 */
export async function writeReport(file: string, report: Report | readonly Report[]): Promise<void> {
  const sections = Array.isArray(report) ? (report as readonly Report[]) : [report as Report];
  if (kindOf(file) === 'csv' && sections.length > 1) {
    const rows = sections.flatMap((s, i) => [...(i > 0 ? [[]] : []), [s.title], s.headers, ...s.rows.map((r) => r.map(cellText))]);
    await writePrivateFile(file, toSafeCsv(rows));
    return;
  }
  await writeSheets(file, sheetsOf(sections));
}

/** Excel refuses sheet names over 31 characters, with []:*?/\ in them, starting or ending with ', or used twice. */
function sheetsOf(sections: readonly Report[]): Sheet[] {
  const used = new Set<string>();
  return sections.map((s, i) => {
    const edges = /^[\s']+|[\s']+$/g;
    const base =
      s.title
        .replace(/[[\]:*?/\\]/g, ' ')
        .replace(/\s+/g, ' ')
        .replace(edges, '')
        .slice(0, 31)
        .replace(edges, '') || `Sheet ${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
    used.add(name.toLowerCase());
    return { name, headers: s.headers, rows: s.rows };
  });
}

type Sheet = { name: string; headers: string[]; rows: readonly (readonly Cell[])[] };

async function writeSheets(file: string, sheets: Sheet[]): Promise<void> {
  const kind = kindOf(file);
  if (kind === 'csv') {
    const [sheet] = sheets;
    await writePrivateFile(file, toSafeCsv([sheet!.headers, ...sheet!.rows.map((r) => r.map(cellText))]));
    return;
  }
  const workbook = new ExcelJS.Workbook();
  for (const s of sheets) {
    const sheet = workbook.addWorksheet(s.name);
    sheet.addRow(s.headers).font = { bold: true };
    for (const row of s.rows) sheet.addRow([...row]);
    sheet.columns.forEach((column) => (column.width = 30));
  }
  await writePrivateFile(file, new Uint8Array(await workbook.xlsx.writeBuffer()));
}
