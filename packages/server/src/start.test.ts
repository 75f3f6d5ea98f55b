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
