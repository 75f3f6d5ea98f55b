import type { Unit } from '@nguon/areas';
import { loadUnits } from '@nguon/areas';
import type { Bulletin } from '@nguon/bulletin';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import { buildPath } from './paths';
import type { RouteInput, RouteOutput } from './routes';
import { UnitSchema } from './schemas';

describe('typed helpers', () => {
  it('types the input of an operation from its schemas', () => {
    expectTypeOf<RouteInput<'publishBulletin'>>().toEqualTypeOf<{
      params: { id: string };
      body: { approve?: boolean | undefined; note?: string | undefined };
    }>();
    expectTypeOf<keyof RouteInput<'getHealth'>>().toEqualTypeOf<never>();
    expectTypeOf<RouteInput<'listBulletins'>>().toHaveProperty('query');
    expectTypeOf<RouteInput<'getBroadcastReport'>['query']>().toEqualTypeOf<{
      from: string;
      to: string;
      unit?: string | undefined;
    }>();
    expectTypeOf<RouteInput<'importCap'>['body']>().toEqualTypeOf<string>();
  });

  it('types the output of an operation', () => {
    expectTypeOf<RouteOutput<'getBulletin'>>().toEqualTypeOf<Bulletin>();
    expectTypeOf<RouteOutput<'listBulletins'>>().toEqualTypeOf<{
      items: Bulletin[];
      nextCursor: string | null;
    }>();
    expectTypeOf<RouteOutput<'getAtomFeed'>>().toEqualTypeOf<string>();
    expectTypeOf<RouteOutput<'getMedia'>>().toEqualTypeOf<ArrayBuffer>();
  });

  it('asks buildPath for exactly the parameters of the template', () => {
    expectTypeOf(buildPath<'getAtomFeed'>)
      .parameter(1)
      .toEqualTypeOf<{ unitCode: string | number }>();
    // @ts-expect-error: getBulletin needs { id }
    expect(() => buildPath('getBulletin', { sha256: 'x' })).toThrow(/"id"/);
  });
});

describe('UnitSchema', () => {
  it('has the shape of a unit of @nguon/areas and accepts real units', () => {
    expectTypeOf<z.output<typeof UnitSchema>>().toEqualTypeOf<Unit>();
    const units = loadUnits().unitsAt('2024-09-01', { parent: '64' });
    expect(units.length).toBeGreaterThan(10);
    for (const unit of units) expect(UnitSchema.safeParse(unit).success, unit.code).toBe(true);
  });
});
