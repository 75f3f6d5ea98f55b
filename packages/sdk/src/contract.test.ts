import { readFileSync } from 'node:fs';
import { type OperationId, ROUTE_INDEX, ROUTES } from '@nguon/api';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { listOperations, queryOperations } from '../scripts/generated-source';
import { createClient } from './client';
import { QUERY_OPERATIONS } from './generated/query-operations';
import { namespaceOf } from './namespaces';

const client = createClient({ baseUrl: 'http://127.0.0.1:9' });

describe('methods derived from the contract', () => {
  it('has a method for every operationId and a namespaced method for each, without collisions', () => {
    const seen = new Map<string, string>();
    for (const op of Object.keys(ROUTES) as OperationId[]) {
      expect(typeof (client as unknown as Record<string, unknown>)[op]).toBe('function');
      const { namespace, method } = namespaceOf(op, ROUTE_INDEX[op].tags[0] ?? '');
      const key = `${namespace}.${method}`;
      expect(seen.get(key), `${key} is taken by ${seen.get(key)}`).toBeUndefined();
      seen.set(key, op);
      const group = (client as unknown as Record<string, Record<string, unknown>>)[namespace];
      expect(typeof group?.[method]).toBe('function');
    }
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining([
        'bulletins.create',
        'bulletins.list',
        'bulletins.publish',
        'bulletins.getDelivery',
        'devices.sendCommand',
        'plans.getProgress',
        'cap.import',
        'media.upload',
        'feeds.getAtom',
        'operations.getMetrics',
      ]),
    );
  });

  it('offers iterate and pages for exactly the list operations', () => {
    const lists = listOperations();
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const op of Object.keys(ROUTES) as OperationId[]) {
      const { namespace, method } = namespaceOf(op, ROUTE_INDEX[op].tags[0] ?? '');
      expect(op.startsWith('list'), op).toBe(lists.includes(op));
      if (lists.includes(op)) {
        expect(method).toBe('list');
        const group = (client as unknown as Record<string, Record<string, unknown>>)[namespace];
        expect(typeof group?.iterate).toBe('function');
      }
    }
  });

  it('keeps the generated list of query operations in step with ROUTES (npm run generate)', () => {
    expect([...QUERY_OPERATIONS]).toEqual(queryOperations());
  });

  it('types inputs and outputs from RouteInput / RouteOutput', () => {
    expectTypeOf(client.bulletins.approve).parameter(0).toEqualTypeOf<{ id: string }>();
    expectTypeOf(client.cap.import).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(client.media.upload)
      .parameter(0)
      .toEqualTypeOf<Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array>>();
    expectTypeOf(client.cap.export).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(client.media.get).returns.resolves.toEqualTypeOf<ArrayBuffer>();
    expectTypeOf(client.operations.getMetrics).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(client.plans.getProgress).parameter(0).toEqualTypeOf<{ id: string }>();
  });

  it('documents every namespaced method in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const op of Object.keys(ROUTES) as OperationId[]) {
      const { namespace, method } = namespaceOf(op, ROUTE_INDEX[op].tags[0] ?? '');
      expect(readme, `${namespace}.${method}`).toContain(`\`${namespace}.${method}(`);
      expect(readme).toContain(`\`${op}\``);
    }
  });
});
