import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { selfSignedCertificate } from './tls';

/** One item as Application Insights receives it: `data.baseType` RequestData, RemoteDependencyData, MetricData... */
export type Envelope = { name: string; tags?: Record<string, string>; data?: { baseType?: string; baseData?: Record<string, any> } };

/**
 * Application Insights' ingestion endpoint on loopback: the app's real Azure Monitor exporter sends
 * here when the connection string's IngestionEndpoint points at it, so a test sees exactly the bytes
 * a deployment would send. HTTPS, as the exporter insists; `agent` trusts its throwaway certificate.
 */
export class FakeAppInsights {
  readonly envelopes: Envelope[] = [];
  /** Every request body as received (after gzip), for scanning what left the app. */
  readonly raw: string[] = [];

  private constructor(
    private readonly server: https.Server,
    readonly port: number,
    /** For the exporter's requests: trusts this server's certificate. */
    readonly agent: https.Agent,
  ) {}

  static async start(): Promise<FakeAppInsights> {
    const { key, cert } = selfSignedCertificate();
    const server = https.createServer({ key, cert });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const fake = new FakeAppInsights(server, (server.address() as AddressInfo).port, new https.Agent({ ca: cert }));
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
        fake.raw.push(`${req.method} ${req.url}\n${text}`);
        let items: Envelope[] = [];
        try {
          const parsed = JSON.parse(text) as Envelope | Envelope[];
          items = Array.isArray(parsed) ? parsed : [parsed];
        } catch {
          // Not JSON: kept in `raw` for the scan all the same.
        }
        fake.envelopes.push(...items);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
      });
    });
    return fake;
  }

  /** A connection string whose ingestion (and live metrics) endpoints are this server. */
  get connectionString(): string {
    const origin = `https://127.0.0.1:${this.port}/`;
    return `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=${origin};LiveEndpoint=${origin}`;
  }

  /** Items of one kind: 'RequestData', 'RemoteDependencyData', 'MetricData'... */
  items(baseType: string): Record<string, any>[] {
    return this.envelopes.filter((e) => e.data?.baseType === baseType).map((e) => ({ ...e.data!.baseData, tags: e.tags }));
  }

  close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
