// The fast accept path of the catalogue: ajv standalone validators generated from the JSON Schemas
// (src/generated/validators.js) check the shapes, the cross-field rules (shared with the zod
// refinements) run on the typed value, and generated code builds the output the way zod builds it
// (src/generated/shapers.js: unknown fields dropped, defaults filled in). Anything refused here goes
// through zod, so results and error messages are zod's; fast-path.test.ts compares both paths on
// valid and broken messages.
import type * as z from 'zod/mini';
import { ackHasCode, endAtIsAfterStartAt, expIsAfterTs, includesVersion1 } from './cross-field';
import { commandShapers, eventShapers, presenceShaper } from './generated/shapers';
import { commandValidators, eventValidators, presence as presenceValidator } from './generated/validators';
import {
  COMMAND_SCHEMAS,
  type CommandOf,
  type CommandType,
  EVENT_SCHEMAS,
  type EventOf,
  type Presence,
  presenceSchema,
} from './messages';
import type { EventType } from './topics';

const REPORT = { reportInput: true } as const;

type Rules = (value: never) => boolean;

// The refinements of messages.ts, by message type (fast-path.test.ts checks that none is missing).
const COMMAND_RULES: Partial<Record<CommandType, Rules>> = {
  'bulletin.deliver': (c: CommandOf<'bulletin.deliver'>) => endAtIsAfterStartAt(c.body.playout),
};
const EVENT_RULES: Partial<Record<EventType, Rules>> = {
  ack: (e: EventOf<'ack'>) => ackHasCode(e.body),
  hello: (e: EventOf<'hello'>) => includesVersion1(e.body.protocols),
};

/** What zod's `safeParse` returns. */
export type Parsed<T> =
  | { success: true; data: T; error?: undefined }
  | { success: false; data?: undefined; error: z.core.$ZodError };

/**
 * `COMMAND_SCHEMAS[type].safeParse(value, { reportInput: true })`, faster for valid commands.
 */
export function safeParseCommand<T extends CommandType>(type: T, value: unknown): Parsed<CommandOf<T>> {
  const schema = COMMAND_SCHEMAS[type];
  const validate = commandValidators[type];
  const rules = COMMAND_RULES[type];
  if (
    validate?.(value) &&
    expIsAfterTs(value as CommandOf<T>) &&
    (rules === undefined || rules(value as never))
  )
    return { success: true, data: commandShapers[type]!(value) as CommandOf<T> };
  return schema.safeParse(value, REPORT) as Parsed<CommandOf<T>>;
}

/** `EVENT_SCHEMAS[type].safeParse(value, { reportInput: true })`, faster for valid events. */
export function safeParseEventOf<T extends EventType>(type: T, value: unknown): Parsed<EventOf<T>> {
  const schema = EVENT_SCHEMAS[type];
  const validate = eventValidators[type];
  const rules = EVENT_RULES[type];
  if (validate?.(value) && (rules === undefined || rules(value as never)))
    return { success: true, data: eventShapers[type]!(value) as EventOf<T> };
  return schema.safeParse(value, REPORT) as Parsed<EventOf<T>>;
}

/** `presenceSchema.safeParse(value, { reportInput: true })`, faster for valid presence. */
export function safeParsePresence(value: unknown): Parsed<Presence> {
  if (presenceValidator(value)) return { success: true, data: presenceShaper(value) as Presence };
  return presenceSchema.safeParse(value, REPORT);
}
