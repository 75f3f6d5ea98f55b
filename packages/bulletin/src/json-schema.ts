import * as z from 'zod';
import {
  ApprovalSchema,
  BroadcastWindowSchema,
  BulletinContentSchema,
  BulletinSchema,
  MediaRefSchema,
  ScheduleSchema,
  TargetsSchema,
} from './schema';

/**
 * The public schemas by the name of their JSON Schema file (`schema/<name>.json`).
 *
 * @example
 * ```ts
 * Object.keys(BULLETIN_SCHEMAS); // ['bulletin', 'bulletin-content', 'media-ref', …]
 * ```
 */
export const BULLETIN_SCHEMAS = {
  bulletin: BulletinSchema,
  'bulletin-content': BulletinContentSchema,
  'media-ref': MediaRefSchema,
  targets: TargetsSchema,
  schedule: ScheduleSchema,
  'broadcast-window': BroadcastWindowSchema,
  approval: ApprovalSchema,
} as const;

/**
 * The name of a public schema, see {@link BULLETIN_SCHEMAS}.
 *
 * @example
 * ```ts
 * const name: BulletinSchemaName = 'media-ref';
 * ```
 */
export type BulletinSchemaName = keyof typeof BULLETIN_SCHEMAS;

/**
 * A JSON Schema document (draft 2020-12) as a plain object.
 *
 * @example
 * ```ts
 * const doc: JsonSchemaDocument = bulletinJsonSchema('bulletin');
 * ```
 */
export type JsonSchemaDocument = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of one public schema, generated from the zod schema. It checks
 * structure, types, formats and patterns; the cross-field rules (unique languages, emergency
 * requirements, time order, script of the text…) exist only in zod, so validate with
 * `parseBulletin` where you can.
 *
 * @example
 * ```ts
 * const schema = bulletinJsonSchema('bulletin');
 * schema.$id; // 'urn:nguon:bulletin:bulletin'
 * ```
 */
export function bulletinJsonSchema(name: BulletinSchemaName): JsonSchemaDocument {
  const generated = z.toJSONSchema(BULLETIN_SCHEMAS[name], {
    target: 'draft-2020-12',
    io: 'input',
  }) as JsonSchemaDocument;
  const { $schema, ...rest } = generated;
  return { $schema, $id: `urn:nguon:bulletin:${name}`, ...rest };
}

/**
 * Every public JSON Schema by name (what `schema/*.json` in the package holds).
 *
 * @example
 * ```ts
 * for (const [name, schema] of Object.entries(bulletinJsonSchemas())) console.log(name, schema.title);
 * ```
 */
export function bulletinJsonSchemas(): Record<BulletinSchemaName, JsonSchemaDocument> {
  const out = {} as Record<BulletinSchemaName, JsonSchemaDocument>;
  for (const name of Object.keys(BULLETIN_SCHEMAS) as BulletinSchemaName[])
    out[name] = bulletinJsonSchema(name);
  return out;
}
