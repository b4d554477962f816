import type { IncomingMessage } from 'node:http';

/** Fakes read bodies up to 4 MB, as the real services accept; a larger one reads as undefined (a 413). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads a request's body as text, counting every byte but keeping none past the limit. */
export function onRequestBody(req: IncomingMessage, done: (raw: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => done(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
}
