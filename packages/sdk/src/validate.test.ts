import { afterEach, describe, expect, it } from 'vitest';
import { type Scripted, send, startScripted } from './__fixtures__/scripted-server';
import { draft, type Reference, startReference } from './__fixtures__/server';
import { createClient } from './client';
import { SdkError } from './errors';
import { validateResponses } from './validate';

let server: Scripted | undefined;
let ref: Reference | undefined;
afterEach(async () => {
  await server?.close();
  await ref?.close();
  server = undefined;
  ref = undefined;
});

describe('validateResponses', () => {
  it('accepts what the reference server answers', async () => {
    ref = await startReference();
    const admin = createClient({
      baseUrl: ref.url,
      token: 'sdk-bootstrap-admin-token-0001',
      validate: validateResponses(),
    });
    const { token } = await admin.tokens.create({ role: 'editor', units: ['52'], label: 'Biên tập' });
    const editor = createClient({ baseUrl: ref.url, token, validate: validateResponses() });
    const created = await editor.bulletins.create(draft(['24065']));
    expect(created.status).toBe('draft');
    const page = await editor.bulletins.list();
    expect(page.items.map((b) => b.id)).toContain(created.id);
  });

  it('rejects a body that breaks the contract, naming the field', async () => {
    server = await startScripted((_hit, res) => send(res, 200, { status: 'fine', checks: {} }));
    const loose = await createClient({ baseUrl: server.url }).operations.getHealth();
    expect(loose.status).toBe('fine');
    const error = await createClient({ baseUrl: server.url, validate: validateResponses() })
      .operations.getHealth()
      .catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('invalid_response');
    expect((error as Error).message).toContain('status');
  });
});
