/**
 * Hostile inputs against the bounds: peak memory and time to read (or refuse) an XLSX
 * decompression bomb, a 50,000-row plan as XLSX and as CSV, and a CSV over the row cap; and the
 * time to refuse gzip-bomb request bodies. Each file is read in a fresh process, so its peak RSS
 * is that read's alone.
 *
 *   npm run bench:import-bombs [-- --rows 50000 --bomb-mb 456]
 */
import { execFile } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import zlib from 'node:zlib';
import JSZip from 'jszip';
import { readTable, writeTable } from '../../services/core/tabular';
import { startTestApp } from '../harness/app';
import { TEST_TENANT_ID } from '../harness/teams-activities';

const { values } = parseArgs({
  options: { read: { type: 'string' }, bodies: { type: 'boolean' }, rows: { type: 'string', default: '50000' }, 'bomb-mb': { type: 'string', default: '456' } },
});
const MB = 1024 * 1024;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const PLAN_HEADERS = ['Learning point', 'Action', 'Evidence', 'Completion date', 'Lead', 'Progress', 'Status'];

/** Child: read one file and say what happened. */
async function readOne(file: string): Promise<void> {
  const before = peakRssMb();
  const t0 = performance.now();
  let outcome: string;
  try {
    outcome = `read ${(await readTable(file)).rows.length} rows`;
  } catch (e) {
    outcome = `refused: ${(e as { code?: string }).code} ${(e as Error).message.slice(0, 90)}`;
  }
  process.stdout.write(JSON.stringify({ outcome, ms: Math.round(performance.now() - t0), baselineMb: before, peakMb: peakRssMb() }) + '\n');
}

/** A sheet of identical rows with no cell references: compresses a few hundred times, like the bomb in the report. */
function bombSheet(bytes: number): Readable {
  const row = `<row><c t="inlineStr"><is><t>${'x'.repeat(100)}</t></is></c></row>`;
  const rowsPerChunk = 4096;
  const chunk = row.repeat(rowsPerChunk);
  let written = 0;
  return Readable.from(
    (function* () {
      yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
      while (written < bytes) {
        written += chunk.length;
        yield chunk;
      }
      yield '</sheetData></worksheet>';
    })(),
  );
}

async function makeBomb(dir: string, template: string, sheetBytes: number): Promise<string> {
  const zip = await JSZip.loadAsync(await fs.readFile(template));
  zip.file('xl/worksheets/sheet1.xml', bombSheet(sheetBytes));
  const file = path.join(dir, 'bomb.xlsx');
  await pipeline(
    zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE', compressionOptions: { level: 9 } }),
    createWriteStream(file),
  );
  return file;
}

async function inChild(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--disable-warning=DEP0111', __filename, ...args], { maxBuffer: 16 * MB });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

/** Child: the app in production mode; gzip bombs to /api/messages one at a time, then four at once. */
async function bodies(): Promise<void> {
  const t = await startTestApp({
    MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa',
    MicrosoftAppPassword: 'example-not-a-secret',
    ALLOWED_TENANT_IDS: TEST_TENANT_ID,
    HOST: '127.0.0.1',
  });
  const inflated = 240 * MB;
  const gzip = zlib.createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (c: Buffer) => parts.push(c));
  const block = Buffer.alloc(MB, ' ');
  gzip.write('{"type":"message","text":"');
  for (let i = 0; i < inflated / MB; i++) gzip.write(block);
  gzip.end('"}');
  await new Promise((r) => gzip.on('end', r));
  const bomb = Buffer.concat(parts);
  const send = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        `${t.app.url}/api/messages`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - t0));
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
      req.end(bomb);
    });
  const rssBefore = process.memoryUsage().rss;
  const peakBefore = peakRssMb();
  const sequential: number[] = [];
  for (let i = 0; i < 20; i++) sequential.push(await send());
  const concurrent = await Promise.all([send(), send(), send(), send()]);
  const sorted = [...sequential].sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      bombKb: Math.round(bomb.length / 1024),
      inflatedMb: inflated / MB,
      medianMs: +sorted[Math.floor(sorted.length / 2)]!.toFixed(1),
      maxMs: +sorted[sorted.length - 1]!.toFixed(1),
      fourAtOnceMaxMs: +Math.max(...concurrent).toFixed(1),
      rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / MB),
      peakGrowthMb: peakRssMb() - peakBefore,
    }) + '\n',
  );
  await t.close();
}

async function main(): Promise<void> {
  const rows = Number(values.rows);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-bombs-'));
  try {
    const planRows = Array.from({ length: rows }, (_, i) => [
      `Learning Point ${1 + (i % 12)}: Training and procedures`,
      `Action ${i}: review the safeguarding procedure with the team`,
      'Minutes of the Named Safeguarding Officers meeting',
      'April 2027',
      'Val Johnson',
      `Progress note ${i}: on track, training booked for the team`,
      'G-Green',
    ]);
    const xlsx = path.join(dir, `plan-${rows}.xlsx`);
    const csv = path.join(dir, `plan-${rows}.csv`);
    await writeTable(xlsx, PLAN_HEADERS, planRows);
    await writeTable(csv, PLAN_HEADERS, planRows);
    const overCap = path.join(dir, 'over-cap.csv');
    await fs.writeFile(overCap, PLAN_HEADERS.join(',') + '\n' + 'a,b,c,d,e,f,g\n'.repeat(1_400_000));
    const bomb = await makeBomb(dir, xlsx, Number(values['bomb-mb']) * MB);

    const cases: [string, string][] = [
      [`XLSX bomb (${(await fs.stat(bomb)).size >> 10} KB, ${values['bomb-mb']} MB of sheet XML)`, bomb],
      [`XLSX plan, ${rows} rows (${(await fs.stat(xlsx)).size >> 10} KB)`, xlsx],
      [`CSV plan, ${rows} rows (${(await fs.stat(csv)).size >> 10} KB)`, csv],
      [`CSV over the row cap, 1.4 million rows (${(await fs.stat(overCap)).size >> 10} KB)`, overCap],
    ];
    console.log(`Node ${process.version}, ${os.cpus().length} cores`);
    console.log('| file | outcome | time ms | RSS before MB | peak RSS MB |');
    console.log('|---|---|---|---|---|');
    for (const [label, file] of cases) {
      const r = await inChild(['--read', file]);
      console.log(`| ${label} | ${r.outcome} | ${r.ms} | ${r.baselineMb} | ${r.peakMb} |`);
    }
    const b = await inChild(['--bodies']);
    console.log('');
    console.log(`gzip-bomb bodies (${b.bombKb} KB inflating to ${b.inflatedMb} MB) to /api/messages in production mode:`);
    console.log(`  20 one after another: median ${b.medianMs} ms, max ${b.maxMs} ms to the 415; four at once: max ${b.fourAtOnceMaxMs} ms`);
    console.log(`  RSS growth over all 24: ${b.rssGrowthMb} MB; peak RSS growth: ${b.peakGrowthMb} MB`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const run = values.read ? readOne(values.read) : values.bodies ? bodies() : main();
run.then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
