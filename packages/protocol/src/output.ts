// Builds, from a zod schema, the function that turns an input the schema accepts into the value zod
// would return for it: fresh objects and arrays, keys in the schema's order, optional keys only
// where the input has them, defaults filled in. It reads the schema definitions (`_zod.def`, the
// part of zod meant for tools) and checks nothing: the caller has validated the input already.
import type * as z from 'zod/mini';

/** Maps a validated input to zod's output for it. */
export type OutputShaper = (value: unknown) => unknown;

const same: OutputShaper = (value) => value;
/** Types whose zod output is the input itself. */
const LEAVES = new Set(['string', 'number', 'boolean', 'literal', 'enum', 'unknown', 'any', 'null']);

/**
 * The {@link OutputShaper} of `schema`. Throws on a kind of schema it does not know (a transform, a
 * pipe…), so that a schema change that would make the shaper wrong fails loudly in the tests.
 */
export function outputShaper(schema: z.core.$ZodType): OutputShaper {
  const def = schema._zod.def;
  if (LEAVES.has(def.type)) return same;
  switch (def.type) {
    case 'optional': {
      const inner = outputShaper((def as z.core.$ZodOptionalDef).innerType);
      return inner === same ? same : (value) => (value === undefined ? undefined : inner(value));
    }
    case 'default': {
      const d = def as z.core.$ZodDefaultDef;
      const inner = outputShaper(d.innerType);
      return (value) => (value === undefined ? d.defaultValue : inner(value));
    }
    case 'array': {
      const element = outputShaper((def as z.core.$ZodArrayDef).element);
      return (value) => {
        const input = value as unknown[];
        const out = new Array<unknown>(input.length);
        for (let i = 0; i < input.length; i++) out[i] = element(input[i]);
        return out;
      };
    }
    case 'object': {
      const fields = Object.entries((def as z.core.$ZodObjectDef).shape).map(
        ([key, field]) => [key, outputShaper(field), field._zod.optin === 'defaulted'] as const,
      );
      return (value) => {
        const input = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [key, shape, defaulted] of fields)
          if (defaulted || key in input) out[key] = shape(input[key]);
        return out;
      };
    }
    case 'union': {
      // Only unions of one object schema and leaves (e.g. `media | false`) are supported.
      const options = (def as z.core.$ZodUnionDef).options;
      const objects = options.filter((o) => !LEAVES.has(o._zod.def.type));
      const object = objects[0];
      if (objects.length !== 1 || object?._zod.def.type !== 'object')
        throw new Error('outputShaper: unsupported union');
      const shape = outputShaper(object);
      return (value) => (typeof value === 'object' && value !== null ? shape(value) : value);
    }
    default:
      throw new Error(`outputShaper: unsupported zod type "${def.type}"`);
  }
}
