import { describe, expect, it } from 'vitest';
import { ServerError } from './errors';
import { startFromEnv } from './start';

describe('startFromEnv', () => {
  it('starts on SQLite from environment variables and answers /health', async () => {
    const running = await startFromEnv({ PORT: '0', NGUON_DB_FILE: ':memory:', LOG_LEVEL: 'silent' });
    try {
      expect(running.db.dialect).toBe('sqlite');
      const res = await fetch(`${running.url}/health`);
      expect(res.status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  it('refuses a PORT that is not a port', async () => {
    const error = await startFromEnv({ PORT: 'http', LOG_LEVEL: 'silent' }).catch((e: unknown) => e);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).message).toContain('PORT');
  });
});

describe('CORS', () => {
  it('answers preflights and marks answers for an allowed origin only', async () => {
    const { createServer } = await import('./app');
    const { openDatabase } = await import('./db');
    const db = await openDatabase();
    const server = createServer({ db, cors: { origins: ['https://xa-iarbol.gialai.gov.vn'] } });
    const { url, close } = await server.listen(0);
    try {
      const origin = 'https://xa-iarbol.gialai.gov.vn';
      const pre = await fetch(`${url}/v1/bulletins`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
      const feed = await fetch(`${url}/v1/feeds/52.json`, { headers: { origin } });
      expect(feed.headers.get('access-control-allow-origin')).toBe(origin);
      expect(feed.headers.get('access-control-expose-headers')).toContain('etag');
      await feed.arrayBuffer();
      const other = await fetch(`${url}/health`, { headers: { origin: 'https://elsewhere.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      await other.arrayBuffer();
    } finally {
      await close();
      await db.close();
    }
  });
});
