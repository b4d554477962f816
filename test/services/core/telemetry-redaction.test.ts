import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PersonalDataRedactor, redactUrl } from '../../../services/core/telemetry';

/** The redaction every span passes before export, on the cases a walk through the app rarely meets. */
describe('personal data redacted from spans before any exporter sees them', () => {
  it('URLs keep their words and lose ids, addresses, queries and credentials', () => {
    expect(redactUrl('https://graph.microsoft.com/v1.0/users/e2b7c1d4-5f6a-4b3c-9d8e-7f6a5b4c3d21/teamwork/installedApps?$filter=x')).toBe(
      'https://graph.microsoft.com/v1.0/users/{id}/teamwork/installedApps',
    );
    expect(redactUrl('https://graph.microsoft.com/v1.0/users/wendy.walker@council.example/sendMail')).toBe(
      'https://graph.microsoft.com/v1.0/users/{id}/sendMail',
    );
    expect(redactUrl('https://user:secret@cosmos.example:443/dbs/safeguarding/colls/people/docs/person-7#frag')).toBe(
      'https://cosmos.example:443/dbs/safeguarding/colls/people/docs/{id}',
    );
    expect(redactUrl('/api/tab/plan?lead=Wendy%20Walker')).toBe('/api/tab/plan');
    expect(redactUrl('/v3/conversations/a%3A1aB3xYz9Q/activities/1700000000001')).toBe('/v3/conversations/{id}/activities/{id}');
  });

  it('an error’s message (which may quote a name or an address) is dropped; its type and code locations stay', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new PersonalDataRedactor(), new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('test').startSpan('GET /users/wendy.walker@council.example', {
      attributes: {
        'url.full': 'https://graph.example/v1.0/users/wendy.walker@council.example?x=Wendy',
        'client.address': '203.0.113.7',
        'user_agent.original': 'Teams/1.0',
        'db.query.text': "SELECT * FROM c WHERE c.name = 'Wendy Walker'",
        'app.note': 'Wendy Walker (wendy.walker@council.example, e2b7c1d4-5f6a-4b3c-9d8e-7f6a5b4c3d21)',
      },
    });
    span.recordException(new Error('No person called Wendy Walker <wendy.walker@council.example>'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'Wendy Walker could not be reached' });
    span.end();
    await provider.forceFlush();

    const [exported] = exporter.getFinishedSpans();
    expect(exported!.name).toBe('GET /users/{id}');
    // Addresses and object ids are recognised anywhere; a name is not, which is why the app puts no free text in a span.
    expect(exported!.attributes).toEqual({ 'url.full': 'https://graph.example/v1.0/users/{id}', 'app.note': 'Wendy Walker ({email}, {id})' });
    expect(exported!.status).toEqual({ code: SpanStatusCode.ERROR });
    const exception = exported!.events[0]!.attributes!;
    expect(exception['exception.type']).toBe('Error');
    expect(exception['exception.message']).toBeUndefined();
    expect(String(exception['exception.stacktrace'])).toMatch(/^\s+at /);
    expect(JSON.stringify(exported!.events)).not.toMatch(/Wendy|wendy/);
  });
});
