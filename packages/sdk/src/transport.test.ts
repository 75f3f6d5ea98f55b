import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Scripted, send, startScripted } from './__fixtures__/scripted-server';
import { createClient } from './client';
import { ProblemError, SdkError } from './errors';

let server: Scripted | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const unavailable = {
  type: 'urn:nguon:problem:unavailable',
  title: 'A part the server needs is down',
  status: 503,
  code: 'unavailable',
};
const health = { status: 'ok', version: '0.1.0', uptimeSec: 1, checks: { database: 'ok', broker: 'ok' } };

describe('retries, timeouts and bodies over real HTTP', () => {
  it('retries an idempotent GET after two 503s and succeeds', async () => {
    server = await startScripted((_hit, res, n) =>
      n <= 2 ? send(res, 503, unavailable, { 'retry-after': '0' }) : send(res, 200, health),
    );
    const client = createClient({ baseUrl: server.url, retry: { limit: 2, backoffLimit: 50 } });
    const answer = await client.operations.getHealth();
    expect(answer.status).toBe('ok');
    expect(server.hits.map((h) => h.url)).toEqual(['/health', '/health', '/health']);
  });

  it('gives up after the retry limit with the last problem', async () => {
    server = await startScripted((_hit, res) => send(res, 503, unavailable, { 'retry-after': '0' }));
    const client = createClient({ baseUrl: server.url, retry: { limit: 1, backoffLimit: 50 } });
    const error = await client.operations.getHealth().catch((e: unknown) => e);
    expect(ProblemError.isInstance(error) && [error.status, error.code, error.retryAfterMs]).toEqual([
      503,
      'unavailable',
      0,
    ]);
    expect(server.hits).toHaveLength(2);
  });

  it('waits for Retry-After on a 429 before retrying', async () => {
    server = await startScripted((_hit, res, n) =>
      n === 1
        ? send(
            res,
            429,
            { ...unavailable, status: 429, code: 'rate_limited', title: 'Too many' },
            { 'retry-after': '1' },
          )
        : send(res, 200, health),
    );
    const client = createClient({ baseUrl: server.url, retry: { limit: 2, backoffLimit: 10 } });
    await client.operations.getHealth();
    const [first, second] = server.hits;
    expect(second && first && second.at - first.at).toBeGreaterThanOrEqual(900);
  });

  it('never retries a POST (not idempotent)', async () => {
    server = await startScripted((_hit, res) => send(res, 503, unavailable, { 'retry-after': '0' }));
    const client = createClient({ baseUrl: server.url, retry: { limit: 3, backoffLimit: 10 } });
    const error = await client.feedback
      .create({ unitCode: '24065', text: 'Loa ở thôn 3 không nghe rõ', channel: 'web' })
      .catch((e: unknown) => e);
    expect(ProblemError.isInstance(error) && error.status).toBe(503);
    expect(server.hits).toHaveLength(1);
  });

  it('times out a call that gets no answer', async () => {
    server = await startScripted(() => undefined);
    const client = createClient({ baseUrl: server.url, timeout: 200, retry: 0 });
    const started = Date.now();
    const error = await client.operations.getHealth().catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection as a network error', async () => {
    server = await startScripted(() => undefined);
    const { url } = server;
    await server.close();
    server = undefined;
    const error = await createClient({ baseUrl: url, retry: 0 })
      .operations.getHealth()
      .catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('network');
  });

  it('turns a non-problem error page into a ProblemError with the text as detail', async () => {
    server = await startScripted((_hit, res) => send(res, 502, '<html>Bad Gateway from the proxy</html>'));
    const error = await createClient({ baseUrl: server.url, retry: 0 })
      .operations.getHealth()
      .catch((e: unknown) => e);
    expect(ProblemError.isInstance(error) && [error.status, error.code, error.detail]).toEqual([
      502,
      'http_502',
      '<html>Bad Gateway from the proxy</html>',
    ]);
  });

  it('rejects a success body that is not JSON with invalid_response', async () => {
    server = await startScripted((_hit, res) => send(res, 200, 'not json'));
    const error = await createClient({ baseUrl: server.url })
      .operations.getHealth()
      .catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('invalid_response');
  });

  it('uploads media as Uint8Array, Blob and stream with their content types and the token', async () => {
    server = await startScripted((hit, res) =>
      send(res, 201, {
        url: `/v1/media/${createHash('sha256').update(hit.body).digest('hex')}`,
        sha256: createHash('sha256').update(hit.body).digest('hex'),
        size: hit.body.length,
        mime: hit.headers['content-type'],
      }),
    );
    const client = createClient({ baseUrl: server.url, token: 'editor-token-of-the-test-0001' });
    const bytes = new TextEncoder().encode('ID3 fake mp3 bytes for the loudspeakers');
    const a = await client.media.upload(bytes, { contentType: 'audio/mpeg' });
    const b = await client.media.upload(new Blob([bytes], { type: 'audio/ogg' }));
    const c = await client.media.upload(new Blob([bytes]).stream(), { contentType: 'audio/wav' });
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect([a.sha256, b.sha256, c.sha256]).toEqual([sha, sha, sha]);
    expect(server.hits.map((h) => h.headers['content-type'])).toEqual([
      'audio/mpeg',
      'audio/ogg',
      'audio/wav',
    ]);
    expect(server.hits.every((h) => h.headers.authorization === 'Bearer editor-token-of-the-test-0001')).toBe(
      true,
    );
    const error = await client.media.upload(bytes).catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('invalid_input');
  });

  it('sends the token only to non-public routes and asks for it per request when given a function', async () => {
    server = await startScripted((hit, res) =>
      send(res, 200, hit.url === '/health' ? health : { items: [], nextCursor: null }),
    );
    let asked = 0;
    const client = createClient({ baseUrl: `${server.url}/`, token: () => `refreshed-token-${++asked}` });
    await client.operations.getHealth();
    await client.bulletins.list();
    await client.bulletins.list({ status: 'published', unit: '24065' });
    expect(server.hits.map((h) => h.headers.authorization)).toEqual([
      undefined,
      'Bearer refreshed-token-1',
      'Bearer refreshed-token-2',
    ]);
    expect(server.hits[2]?.url).toBe('/v1/bulletins?status=published&unit=24065');
  });

  it("stops a call when the caller's signal aborts", async () => {
    server = await startScripted(() => undefined);
    const client = createClient({ baseUrl: server.url, timeout: false, retry: 0 });
    const controller = new AbortController();
    const pending = client.operations.getHealth({ signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(SdkError.isInstance(error) && error.code).toBe('aborted');
  });
});
