import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config';
import { AppError } from '../core/errors';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed text is padded to a multiple of this, so its length says little about what was written. */
const PAD_TO = 4096;
export const SEAL_KEY_FILE = 'survey-seal.key';

/**
 * Seals anonymous answers that are waiting to be pooled (AES-256-GCM), with a key the app holds
 * outside the store. A database reader, however often they read, sees only that the sealed set
 * changed, never which answers it holds, so the "has responded" marker written in the same moment
 * points at nothing readable.
 */
export class AnswerSeal {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new AppError('CONFIG_INVALID', `Invalid configuration: SURVEY_SEAL_KEY: must be ${KEY_BYTES} bytes, base64-encoded`);
    this.key = Buffer.from(key);
  }

  static fromBase64(text: string): AnswerSeal {
    return new AnswerSeal(Buffer.from(text.trim(), 'base64'));
  }

  static random(): AnswerSeal {
    return new AnswerSeal(randomBytes(KEY_BYTES));
  }

  /**
   * `context` binds the sealed text to where it is kept, so it cannot be moved to another campaign.
   * The text is padded to at least `atLeast` bytes, then to a multiple of PAD_TO.
   */
  seal(value: unknown, context: string, atLeast = 0): string {
    const json = JSON.stringify(value);
    const length = Math.max(Buffer.byteLength(json), atLeast);
    const padded = json + ' '.repeat(length - Buffer.byteLength(json) + ((PAD_TO - (length % PAD_TO)) % PAD_TO));
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(padded, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open<T>(sealed: string, context: string): T {
    const bytes = Buffer.from(sealed, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')) as T;
    } catch {
      // A different key (SURVEY_SEAL_KEY changed) or a damaged document: say so, never guess.
      throw new AppError('SEAL_UNREADABLE');
    }
  }
}

/**
 * The app's seal key: SURVEY_SEAL_KEY, or in local mode a key file kept in the data folder
 * (created on first use, readable by its owner only). Production must set the setting, so the key
 * lives apart from the database.
 */
export function loadAnswerSeal(config: Pick<Config, 'SURVEY_SEAL_KEY' | 'localMode' | 'DATA_DIR'>): AnswerSeal {
  if (config.SURVEY_SEAL_KEY) return AnswerSeal.fromBase64(config.SURVEY_SEAL_KEY);
  if (!config.localMode) throw new AppError('CONFIG_INVALID', 'Invalid configuration: SURVEY_SEAL_KEY: is required in production (32 random bytes, base64)');
  const file = path.join(config.DATA_DIR, SEAL_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process (the CLI, a second instance) created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  chmodSync(file, 0o600);
  return AnswerSeal.fromBase64(readFileSync(file, 'utf8'));
}
