import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../services/core/paths';

/** Debian's Chromium, used whenever it is installed. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** The npm package that ships a headless Chromium build (x86_64 Linux) inside itself, for machines without Debian's. */
const BUNDLED_PACKAGE = path.join('node_modules', '@sparticuz', 'chromium');
const INSTALL_HINT = 'sudo apt-get install -y chromium';

/**
 * Which Chromium the browser tests drive: Debian's when it is there, otherwise the one shipped inside
 * the @sparticuz/chromium dev dependency. BROWSER_TEST_CHROMIUM=bundled forces the shipped one (to
 * prove it works on a machine that has both); =system forces Debian's.
 */
export type ChromiumChoice = { kind: 'system' | 'bundled'; executablePath: string; env: Record<string, string> };

export async function chooseChromium(): Promise<ChromiumChoice> {
  const wanted = process.env.BROWSER_TEST_CHROMIUM;
  if (wanted !== undefined && wanted !== 'system' && wanted !== 'bundled')
    throw new Error(`BROWSER_TEST_CHROMIUM must be "system" or "bundled", not "${wanted}".`);
  if (wanted !== 'bundled' && existsSync(SYSTEM_CHROMIUM)) return { kind: 'system', executablePath: SYSTEM_CHROMIUM, env: {} };
  if (wanted === 'system') throw new Error(`BROWSER_TEST_CHROMIUM=system, but there is no Chromium at ${SYSTEM_CHROMIUM}. Install it with: ${INSTALL_HINT}`);
  return bundledChromium();
}

/**
 * Unpacks the shipped build once per installed version into node_modules/.cache, with the three
 * libraries it needs beyond the C library (NSS, NSPR, expat: the package ships them for Amazon Linux,
 * and they load on Debian), so it runs on a machine with none of Chromium's Debian dependencies.
 * Unpacked into a fresh folder and renamed into place, so two test workers never see half a browser.
 */
async function bundledChromium(): Promise<ChromiumChoice> {
  const root = projectRoot();
  const pkg = path.join(root, BUNDLED_PACKAGE);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The browser tests need Chromium. The build shipped in @sparticuz/chromium runs on x86_64 Linux only, and this is ${process.platform}/${process.arch}. Install Chromium at ${SYSTEM_CHROMIUM} with: ${INSTALL_HINT}`,
    );
  }
  if (!existsSync(path.join(pkg, 'package.json'))) {
    throw new Error(
      `The browser tests need Chromium: neither ${SYSTEM_CHROMIUM} nor the @sparticuz/chromium dev dependency is installed. Run npm ci, or install Chromium with: ${INSTALL_HINT}`,
    );
  }
  const version = (JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = path.join(root, 'node_modules', '.cache', `bundled-chromium-${version}`);
  const choice: ChromiumChoice = {
    kind: 'bundled',
    executablePath: path.join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: path.join(dir, 'al2023', 'lib'), FONTCONFIG_FILE: path.join(dir, 'fonts.conf') },
  };
  if (existsSync(choice.executablePath)) return choice;
  const staging = `${dir}.unpacking-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // The package's own unpacker, run with its scratch folder pointed at ours (it writes to the
  // system temporary folder otherwise). It is an ES module, which jest's module system cannot load.
  const unpack = `import { inflate } from '@sparticuz/chromium';
    const bin = ${JSON.stringify(path.join(pkg, 'bin'))};
    for (const f of ['chromium.br', 'al2023.tar.br', 'fonts.tar.br', 'swiftshader.tar.br']) await inflate(bin + '/' + f);`;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', unpack], { cwd: root, env: { PATH: process.env.PATH, TMPDIR: staging } });
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      `Unpacking the Chromium shipped in @sparticuz/chromium failed (${(e as Error).message.trim()}). Install Chromium at ${SYSTEM_CHROMIUM} instead with: ${INSTALL_HINT}`,
      { cause: e },
    );
  }
  // Its own font settings name /tmp/fonts; these name where the fonts are, and the system's too.
  await writeFile(
    path.join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  try {
    await rename(staging, dir);
  } catch (e) {
    // Another worker got there first: use its copy.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(choice.executablePath)) throw e;
  }
  return choice;
}

/**
 * Headless Chromium as the tests drive it. The flags keep it off the network it would otherwise try at
 * start (updates, sync, Google's hosts), which this project's test machines do not have.
 */
export async function launchChromium(): Promise<{ browser: Browser; choice: ChromiumChoice }> {
  const choice = await chooseChromium();
  const browser = await chromium.launch({
    executablePath: choice.executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // Chromium's crash handler cannot run under libfaketime (the suite's year-ahead run): the
    // browser keeps the real clock, while the server it renders, whose clock is moved, does not.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME'))), ...choice.env },
  });
  return { browser, choice };
}
