import { describe, expect, it } from 'vitest';

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
