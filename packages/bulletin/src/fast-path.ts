// The fast accept path of parseBulletin: the ajv standalone validator generated from the JSON Schema
// checks every field's shape, the cross-field rules (shared with the zod refinements) run on the
// typed value, and generated code builds the output the way zod builds it
// (src/generated/bulletin-shaper.js). Anything refused here goes through zod, so results and error
// messages are zod's; the property tests in fast-path.test.ts compare both paths.
import { NOT_JSON, shapeBulletin } from './generated/bulletin-shaper';
import { validate } from './generated/bulletin-validator';
import { bulletinRulesPass } from './rules';
import type { Bulletin } from './schema';

/** The bulletin zod would return for `input`, or undefined when zod must decide (and explain). */
export function fastParseBulletin(input: unknown): Bulletin | undefined {
  if (!validate(input)) return undefined;
  if (!bulletinRulesPass(input as Bulletin)) return undefined;
  try {
    return shapeBulletin(input) as Bulletin;
  } catch (error) {
    if (error === NOT_JSON) return undefined;
    throw error;
  }
}
