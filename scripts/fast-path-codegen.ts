// What the fast-path generators of @nguon/bulletin and @nguon/protocol share (their
// scripts/shaper-source.ts and scripts/validator-source.ts import it; it is not published):
// - shaperEmitter: straight-line JavaScript that turns a value the generated validator accepted into
//   the value zod returns for it, written from the schema definitions (`_zod.def`, the part of zod
//   meant for tools); it throws on a kind of schema it cannot reproduce (a transform, a pipe…), so
//   that such a schema change fails the generation instead of the results;
// - standaloneAjv, stripAnnotations and standaloneSource: ajv "standalone" validation code that checks
//   what zod checks (lengths in code points, patterns without the `u` flag, formats only through the
//   `pattern` zod emits beside every `format`) and imports nothing but the package's code-points.
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import type * as z from 'zod/mini';

/** Types whose zod output is the input itself. */
const LEAVES = new Set(['string', 'number', 'boolean', 'literal', 'enum', 'unknown', 'any', 'null']);

const isLeaf = (schema: z.core.$ZodType) => LEAVES.has(schema._zod.def.type);

/**
 * Collects the generated shaper functions; `objectFunction(schema)` names the one that shapes
 * `schema` (an object schema). `extra(schema, x)` writes the expression for a kind of schema the
 * emitter does not know (e.g. the bulletin's JSON records), or returns `undefined` to refuse it.
 *
 * @example
 * ```ts
 * const { functions, objectFunction } = shaperEmitter();
 * const root = objectFunction(BulletinSchema);
 * const source = `${functions.join('\n')}\nexport const shape = ${root};\n`;
 * ```
 */
export function shaperEmitter(
  extra: (schema: z.core.$ZodType, x: string) => string | undefined = () => undefined,
) {
  const functions: string[] = [];
  const names = new Map<z.core.$ZodType, string>();

  function objectFunction(schema: z.core.$ZodType): string {
    const known = names.get(schema);
    if (known !== undefined) return known;
    const name = `o${names.size}`;
    names.set(schema, name);
    const lines = [`function ${name}(x) {`, '  const o = {};'];
    for (const [key, field] of Object.entries((schema._zod.def as z.core.$ZodObjectDef).shape)) {
      const k = JSON.stringify(key);
      const assign = `o[${k}] = ${expression(field, `x[${k}]`)};`;
      lines.push(field._zod.optin === 'optional' ? `  if (${k} in x) ${assign}` : `  ${assign}`);
    }
    lines.push('  return o;', '}');
    functions.push(lines.join('\n'));
    return name;
  }

  function expression(schema: z.core.$ZodType, x: string): string {
    const def = schema._zod.def;
    if (isLeaf(schema)) return x;
    switch (def.type) {
      case 'optional': {
        const inner = (def as z.core.$ZodOptionalDef).innerType;
        return isLeaf(inner) ? x : `(${x} === undefined ? undefined : ${expression(inner, x)})`;
      }
      case 'default': {
        const d = def as z.core.$ZodDefaultDef;
        const value = d.defaultValue;
        if (typeof value === 'function' || value === undefined)
          throw new Error('shaper: unsupported default');
        return `(${x} === undefined ? ${JSON.stringify(value)} : ${expression(d.innerType, x)})`;
      }
      case 'array': {
        const element = (def as z.core.$ZodArrayDef).element;
        if (isLeaf(element)) return `${x}.slice()`;
        if (element._zod.def.type !== 'object') throw new Error('shaper: unsupported array element');
        return `${x}.map(${objectFunction(element)})`;
      }
      case 'object':
        return `${objectFunction(schema)}(${x})`;
      case 'union': {
        // Only unions of one object schema and leaves (e.g. `media | false`).
        const options = (def as z.core.$ZodUnionDef).options;
        const objects = options.filter((o) => !isLeaf(o));
        const object = objects[0];
        if (objects.length !== 1 || object?._zod.def.type !== 'object')
          throw new Error('shaper: unsupported union');
        return `(typeof ${x} === "object" && ${x} !== null ? ${objectFunction(object)}(${x}) : ${x})`;
      }
      default: {
        const written = extra(schema, x);
        if (written === undefined) throw new Error(`shaper: unsupported zod type "${def.type}"`);
        return written;
      }
    }
  }
  return { functions, objectFunction };
}

/** Keywords that only annotate; dropped so the embedded schema constants stay small. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment']);
/** Keywords whose value maps names to schemas (the names themselves are kept). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
/** Keywords whose value is data, not a schema. */
const DATA = new Set(['enum', 'const', 'default', 'required', 'examples']);

/**
 * A JSON Schema without its annotations (`title`, `description`, `examples`, `$comment`), which the
 * standalone code would otherwise embed.
 *
 * @example
 * ```ts
 * ajv.compile(stripAnnotations(schema) as object);
 * ```
 */
export function stripAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripAnnotations);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    if (SCHEMA_MAPS.has(key))
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, stripAnnotations(s)]),
      );
    else out[key] = DATA.has(key) ? value : stripAnnotations(value);
  }
  return out;
}

/**
 * An ajv (draft 2020-12) set up to check what zod checks and to write standalone ES module code:
 * first error only, no messages, no format validation (zod's `pattern` does it), patterns without
 * the `u` flag.
 *
 * @example
 * ```ts
 * const ajv = standaloneAjv();
 * const validate = ajv.compile(stripAnnotations(schema) as object);
 * ```
 */
export function standaloneAjv(): Ajv2020 {
  return new Ajv2020({
    strict: true,
    allErrors: false,
    messages: false,
    validateFormats: false,
    unicodeRegExp: false,
    code: { source: true, esm: true, lines: true },
  });
}

/**
 * The standalone code of `refs` (one compiled function, or export names → schema ids), with ajv's
 * length helper replaced by the package's `codePointLength` (from `../code-points`, counting as zod
 * does) and the error objects dropped, since only the verdict is used (zod explains failures): those
 * set before a `return false` always; those an `anyOf` collects are kept (`anyOfErrors: 'keep'`) or
 * set to `null` (`'null'`, when the code only counts them). Throws when the code would import
 * anything else or when ajv's output no longer has the expected form.
 *
 * @example
 * ```ts
 * const ajv = standaloneAjv();
 * const source = standaloneSource(ajv, ajv.compile(schema), { anyOfErrors: 'keep' });
 * ```
 */
export function standaloneSource(
  ajv: Ajv2020,
  refs: Parameters<typeof standaloneCode>[1],
  options: { anyOfErrors: 'keep' | 'null' },
): string {
  const code = standaloneCode(ajv, refs).replace(
    /const (\w+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/,
    "import { codePointLength as $1 } from '../code-points';",
  );
  if (/\brequire\(/.test(code))
    throw new Error('the standalone validation code must import nothing but code-points');
  const lines = code.split('\n');
  const anyOfError = /^const (err\d+) = \{instancePath.*\};$/;
  const kept = lines
    .filter((line) => !/^validate\d+\.errors = \[\{instancePath.*\}\];$/.test(line))
    .map((line) => (options.anyOfErrors === 'null' ? line.replace(anyOfError, 'const $1 = null;') : line));
  if (
    kept.length === lines.length ||
    kept.some(
      (line) => line.includes('schemaPath') && !(options.anyOfErrors === 'keep' && anyOfError.test(line)),
    )
  )
    throw new Error('unexpected ajv output: cannot drop its error objects');
  return kept.join('\n');
}
