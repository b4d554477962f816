import type { Agent } from 'node:https';
import type { Context } from '@opentelemetry/api';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Telemetry to Application Insights through OpenTelemetry (@azure/monitor-opentelemetry): incoming
 * requests, outgoing calls (the store, Graph, the Bot Connector) and job runs. Only with
 * APPLICATIONINSIGHTS_CONNECTION_STRING set; without it nothing below is loaded, so local mode and
 * tests pay nothing.
 *
 * No personal data leaves: every span passes PersonalDataRedactor before any exporter sees it.
 */

/** Attributes dropped outright: the caller's address and browser identify a person; query text can carry values. */
const DROPPED_ATTRIBUTES = new Set([
  'client.address',
  'http.client_ip',
  'microsoft.client.ip',
  'net.peer.ip',
  'network.peer.address',
  'net.sock.peer.addr',
  'http.user_agent',
  'user_agent.original',
  'url.query',
  'enduser.id',
  'db.statement',
  'db.query.text',
]);

/** Attributes that hold a URL, a path or a route: their path segments are redacted and their query dropped. */
const URL_ATTRIBUTE = /(^|\.)(url|full|target|path|route|original)$|url/i;

/** A path segment kept as it is: a word (users, sendMail, api), a version (v1.0) or an OData word ($ref). */
const KEPT_SEGMENT = /^(?:[A-Za-z][A-Za-z_-]*|v\d+(?:\.\d+)?|\$[A-Za-z]+)$/;
const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gi;
const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * A path with every segment that is not a plain word replaced by {id}: the Graph user in
 * /users/{id}/sendMail, the document in /dbs/db/colls/people/docs/{id}, a Teams conversation.
 */
export function redactPath(path: string): string {
  return path
    .split('/')
    .map((s) => (s === '' || KEPT_SEGMENT.test(s) ? s : '{id}'))
    .join('/');
}

/** A URL (absolute, or a path) without its query, fragment or credentials, and with its path redacted. */
export function redactUrl(value: string): string {
  const cut = value.search(/[?#]/);
  const bare = cut < 0 ? value : value.slice(0, cut);
  const absolute = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/]*@)?([^/]*)(.*)$/i.exec(bare);
  if (absolute) return `${absolute[1]}${absolute[2]}${redactPath(absolute[3] ?? '')}`;
  return bare.startsWith('/') ? redactPath(bare) : scrubText(bare);
}

/** Emails and object ids (GUIDs) taken out of any text; names and free text cannot be recognised, so no free text is recorded at all. */
export function scrubText(value: string): string {
  return value.replace(EMAIL, '{email}').replace(GUID, '{id}');
}

function redactAttributes(attributes: Record<string, unknown>): void {
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (DROPPED_ATTRIBUTES.has(key) || key.startsWith('http.request.header.') || key.startsWith('http.response.header.')) {
      delete attributes[key];
    } else if (typeof value === 'string') {
      attributes[key] = URL_ATTRIBUTE.test(key) ? redactUrl(value) : scrubText(value);
    } else if (Array.isArray(value)) {
      attributes[key] = value.map((v) => (typeof v === 'string' ? scrubText(v) : v));
    }
  }
}

/**
 * Rewrites each span as it ends, before any exporter or Application Insights' own processor reads it
 * (onEnding runs ahead of every processor's onEnd): URLs lose their query and their id segments, the
 * caller's address goes, and error messages (which may quote a name or an address) are dropped with
 * only the error's type kept.
 */
export class PersonalDataRedactor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    redactAttributes(span.attributes as Record<string, unknown>);
    // A name like "GET /users/ab12…" would otherwise carry the path.
    span.updateName(
      span.name
        .split(' ')
        .map((w) => (w.startsWith('/') || w.includes('://') ? redactUrl(w) : scrubText(w)))
        .join(' '),
    );
    for (const event of span.events) {
      const attributes = (event.attributes ?? {}) as Record<string, unknown>;
      delete attributes['exception.message'];
      const stack = attributes['exception.stacktrace'];
      // The first line of a stack repeats the message; the frames are code locations only.
      if (typeof stack === 'string')
        attributes['exception.stacktrace'] = stack
          .split('\n')
          .filter((l) => /^\s+at /.test(l))
          .join('\n');
      redactAttributes(attributes);
    }
    // setStatus replaces the status whole: the same code, without the message.
    if (span.status.message !== undefined) span.setStatus({ code: span.status.code });
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** App Service's health check asks every minute on every instance: recording it would be most of the bill. */
const ignoreHealthChecks = (request: { url?: string }) => /^\/(healthz|readyz)(\?|$)/.test(request.url ?? '');

/** The distro's own exporter calls carry this user agent; tracing them would trace the tracing. */
const EXPORTER_USER_AGENT = 'azsdk-js-monitor-opentelemetry-exporter';

/**
 * Node's http and https, instrumented. Requiring them now lets the distro's hook patch them, as it
 * does when telemetry starts first (bot/main.ts). Where that hook cannot see them (a module loader of
 * its own, as the test runner's), they are patched here instead, once: never twice, or each request
 * would be recorded twice.
 */
function instrumentHttpLoadedEarlier(trace: typeof import('@opentelemetry/api').trace): () => void {
  const http = require('node:http') as typeof import('node:http');
  const https = require('node:https') as typeof import('node:https');
  const patched = (f: unknown) => typeof f === 'function' && '__original' in f;
  if (patched(http.Server.prototype.emit) && patched(https.request)) return () => {};
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { metrics } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const instrumentation = new HttpInstrumentation({
    enabled: false,
    ignoreIncomingRequestHook: ignoreHealthChecks,
    ignoreOutgoingRequestHook: (request) =>
      String(
        (request.headers as Record<string, unknown> | undefined)?.['user-agent'] ??
          (request.headers as Record<string, unknown> | undefined)?.['User-Agent'] ??
          '',
      ).includes(EXPORTER_USER_AGENT),
  });
  instrumentation.setTracerProvider(trace.getTracerProvider());
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  const undo: (() => void)[] = [];
  for (const definition of instrumentation.getModuleDefinitions()) {
    const module =
      definition.name === 'http' && !patched(http.Server.prototype.emit) ? http : definition.name === 'https' && !patched(https.request) ? https : undefined;
    if (!module) continue;
    definition.patch?.(module);
    undo.push(() => definition.unpatch?.(module));
  }
  // The distro's shutdown unpatches only what its own hook patched.
  return () => undo.forEach((u) => u());
}

export type Telemetry = {
  /** Sends what is buffered now (the exporter otherwise sends every few seconds). */
  flush(): Promise<void>;
  /** Flushes and stops: part of shutting down. */
  shutdown(): Promise<void>;
};

/**
 * Starts exporting to the Application Insights resource of `connectionString`, or does nothing
 * without one. Call it before the rest of the app is loaded (bot/telemetry-first.ts): the HTTP
 * instrumentation patches Node's http and https modules as they are required.
 */
export function startTelemetry(connectionString: string | undefined, options: { agent?: Agent } = {}): Telemetry | undefined {
  if (!connectionString) return undefined;
  // Loaded here, not at the top, so that nothing of OpenTelemetry's SDK loads without the setting.
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  const { AzureSdkInstrumentation } =
    require('@azure/opentelemetry-instrumentation-azure-sdk') as typeof import('@azure/opentelemetry-instrumentation-azure-sdk');
  const { trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { getLogLevel, setLogLevel } = require('@azure/logger') as typeof import('@azure/logger');
  const azureLogLevel = getLogLevel();
  monitor.useAzureMonitor({
    // `agent`: what the exporter's HTTPS trusts, as for Graph (tests point it at a loopback ingestion endpoint).
    azureMonitorExporterOptions: { connectionString, ...(options.agent ? { agent: options.agent } : {}) },
    // Every trace kept: a council's traffic is small, and a sampled-out failure cannot be found.
    samplingRatio: 1,
    tracesPerSecond: 0,
    // Live Metrics streams request documents outside the exporter; what leaves is kept to what the exporter sends.
    enableLiveMetrics: false,
    instrumentationOptions: {
      // The distro hands these to its HttpInstrumentation, whose options they are.
      http: { enabled: true, ignoreIncomingRequestHook: ignoreHealthChecks } satisfies HttpInstrumentationConfig as { enabled: boolean },
      azureSdk: { enabled: true },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      // Log lines stay in the App Service log stream (pino); they are not exported as telemetry.
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
    spanProcessors: [new PersonalDataRedactor()],
  });
  // The distro turns the Azure SDK's console logging up to warnings, and Cosmos DB warns of every
  // expected 404; the app's own log lines are the log, so the SDK's level stays as it was.
  setLogLevel(azureLogLevel);
  // The Azure SDK instrumentation hooks @azure/core-tracing when it is first required; where it was
  // required earlier (a test's module loader) the spans of Graph, Entra and the Bot Connector client
  // would be lost without this. Its module definition's patch is what sets the instrumenter.
  const tracing = require('@azure/core-tracing') as typeof import('@azure/core-tracing');
  for (const definition of new AzureSdkInstrumentation({ enabled: false }).getModuleDefinitions()) definition.patch?.(tracing);
  const unpatchHttp = instrumentHttpLoadedEarlier(trace);
  const provider = () => trace.getTracerProvider() as unknown as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  return {
    flush: async () => {
      await provider().getDelegate?.().forceFlush?.();
    },
    shutdown: async () => {
      await monitor.shutdownAzureMonitor();
      unpatchHttp();
    },
  };
}
