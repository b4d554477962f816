import http from 'node:http';
import zlib from 'node:zlib';
import { BODY_LIMITS } from '../../bot/server';
import { startTestApp, type TestApp } from '../harness/app';
import { TEST_TENANT_ID } from '../harness/teams-activities';

/** A JSON activity whose text is `inflatedBytes` of spaces, gzipped: a few hundred KB that inflate to hundreds of MB. */
async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  const gzip = zlib.createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => parts.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  gzip.write('{"type":"message","serviceUrl":"https://smba.trafficmanager.net/uk/","conversation":{"id":"a"},"from":{"id":"b"},"text":"');
  const block = Buffer.alloc(1024 * 1024, ' ');
  for (let written = 0; written < inflatedBytes; written += block.length) gzip.write(block);
  gzip.end('"}');
  await done;
  return Buffer.concat(parts);
}

type Answer = { status: number; body: string; bodySent: boolean };

/**
 * Sends the headers, then waits before sending the body: a server that answers in that pause has
 * refused the request without reading (let alone inflating or parsing) a byte of it.
 */
function sendHeadersThenBody(url: string, method: string, headers: Record<string, string | number>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let bodySent = false;
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, bodySent }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.flushHeaders();
    setTimeout(() => {
      bodySent = true;
      req.end(body);
    }, 300);
  });
}

describe('hostile request bodies are refused before they are read', () => {
  let t: TestApp;
  let bomb: Buffer;
  beforeAll(async () => {
    // Production mode: the bomb must be refused before authentication, which is where the harm was.
    t = await startTestApp({
      MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa',
      MicrosoftAppPassword: 'example-not-a-secret',
      ALLOWED_TENANT_IDS: TEST_TENANT_ID,
      HOST: '127.0.0.1',
    });
    bomb = await gzipBomb(200 * 1024 * 1024);
  });
  afterAll(() => t.close());

  it('the bomb is small on the wire and huge inflated (what the attack relies on)', () => {
    expect(bomb.length).toBeLessThan(BODY_LIMITS.activities);
  });

  it.each([
    ['POST', '/api/messages'],
    ['GET', '/healthz'],
    ['GET', '/api/tab/me'],
    ['POST', '/api/tab/me'],
    ['PUT', '/nothing-here'],
  ])('a gzip body to %s %s gets 415 before its body is sent, with little memory used', async (method, route) => {
    const rssBefore = process.memoryUsage().rss;
    const res = await sendHeadersThenBody(
      `${t.app.url}${route}`,
      method,
      { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length },
      bomb,
    );
    expect(res.status).toBe(415);
    expect(res.bodySent).toBe(false);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'BODY_ENCODING_UNSUPPORTED' } });
    // Loose: the precise figure is in the benchmark. Inflating would have cost hundreds of MB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(20 * 1024 * 1024);
    expect(t.connector.calls).toHaveLength(0);
  });

  it.each(['deflate', 'br', 'gzip, identity', 'x-unknown'])('Content-Encoding "%s" is refused with 415 too', async (encoding) => {
    const res = await sendHeadersThenBody(
      `${t.app.url}/api/messages`,
      'POST',
      { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': 2 },
      Buffer.from('{}'),
    );
    expect(res.status).toBe(415);
  });

  it('a body declared larger than its route allows gets 413 before it is sent', async () => {
    const tooBigForTab = Buffer.alloc(BODY_LIMITS.tabApi + 1, 'a');
    const tab = await sendHeadersThenBody(`${t.app.url}/api/tab/me`, 'GET', { 'content-length': tooBigForTab.length }, tooBigForTab);
    expect(tab).toMatchObject({ status: 413, bodySent: false });
    expect(JSON.parse(tab.body)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    const tooBigForActivities = Buffer.alloc(BODY_LIMITS.activities + 1, 'a');
    const activities = await sendHeadersThenBody(
      `${t.app.url}/api/messages`,
      'POST',
      { 'content-type': 'application/json', 'content-length': tooBigForActivities.length },
      tooBigForActivities,
    );
    expect(activities).toMatchObject({ status: 413, bodySent: false });
  });

  it('the tab API takes less than an activity: a body an activity may have is too large there', () => {
    expect(BODY_LIMITS.tabApi).toBeLessThan(BODY_LIMITS.activities);
  });

  it('a chunked body with no length that grows past the limit is refused with 413', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${t.app.url}/api/messages`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (r) => {
          let body = '';
          r.on('data', (c) => (body += String(c)));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
      const chunk = Buffer.alloc(64 * 1024, ' ');
      for (let i = 0; i < 8; i++) req.write(chunk);
      req.end();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  });

  it('"identity" is no encoding and is accepted as such (then authentication decides)', async () => {
    const res = await sendHeadersThenBody(
      `${t.app.url}/api/messages`,
      'POST',
      { 'content-type': 'application/json', 'content-encoding': 'identity', 'content-length': 2 },
      Buffer.from('{}'),
    );
    expect(res.status).toBe(400);
    expect(res.bodySent).toBe(true);
  });
});
