import pino, { type DestinationStream } from 'pino';
import { correlationId } from './correlation';

/**
 * Structured logs. Secrets and personal fields are redacted by path so a careless log call
 * cannot leak them; log ids, codes and counts, not text people typed. `destination`: where the
 * lines go instead of stdout (or stderr), for tests that read them.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', options: { toStderr?: boolean; destination?: DestinationStream } = {}) {
  return pino(
    {
      level,
      base: undefined,
      // The reference of the activity, request, job or command being handled, on every line.
      mixin: () => {
        const id = correlationId();
        return id ? { correlationId: id } : {};
      },
      redact: {
        paths: ['key', 'password', 'token', 'authorization', '*.key', '*.password', '*.token', '*.authorization', 'email', '*.email', 'name', '*.name'],
        censor: '[redacted]',
      },
    },
    // The command line keeps stdout for its own output.
    options.destination ?? pino.destination(options.toStderr ? 2 : 1),
  );
}

export type Logger = ReturnType<typeof createLogger>;

/** For tests and CLI runs that should stay quiet. */
export const silentLogger: Logger = pino({ level: 'silent' });
