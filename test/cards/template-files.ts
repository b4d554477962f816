import { readdirSync } from 'node:fs';
import path from 'node:path';

const CARDS = path.join(__dirname, '../../cards');

/**
 * Every card template, wherever it sits under cards/: the kernel's (cards/templates) and each
 * feature's (cards/<feature>/templates, or deeper). Every .json file under cards/ counts, so a
 * template moved to a new folder cannot escape the checks that read them.
 */
export function templateFiles(folder = CARDS): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? templateFiles(path.join(folder, e.name)) : e.name.endsWith('.json') ? [path.join(folder, e.name)] : []))
    .sort();
}

/** A template's path under cards/, with / separators. */
export const underCards = (file: string) => path.relative(CARDS, file).split(path.sep).join('/');
