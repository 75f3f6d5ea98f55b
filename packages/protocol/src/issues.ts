import type * as z from 'zod/mini';

const preview = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

const SIZE_UNITS: Record<string, string> = {
  string: 'characters',
  array: 'items',
  set: 'items',
  file: 'bytes',
};

function bound(
  issue: { origin: string; inclusive?: boolean },
  value: unknown,
  word: 'least' | 'most',
): string {
  const unit = SIZE_UNITS[issue.origin];
  if (unit !== undefined) return `at ${word} ${value} ${unit}`;
  const op = word === 'least' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  return `a number ${op} ${value}`;
}

/**
 * One line for a zod issue: the schema's own message when it has one, else what was expected and
 * what was found. Used for every `invalid_message` this package reports; handy when you validate
 * with the exported schemas yourself (parse with `{ reportInput: true }` to see what was found).
 *
 * @example
 * ```ts
 * const r = commandSchema.safeParse(json, { reportInput: true });
 * if (!r.success) console.log(r.error.issues.map((i) => `${i.path.join('.')}: ${describeIssue(i)}`));
 * ```
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  const found = 'input' in issue ? `, found ${preview(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${found}`;
    case 'too_small':
      return `expected ${bound(issue, issue.minimum, 'least')}${found}`;
    case 'too_big':
      return `expected ${bound(issue, issue.maximum, 'most')}${found}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? `a string matching ${issue.pattern}` : `a ${issue.format}`}${found}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${found}`;
    case 'invalid_union':
      return `expected one of the allowed forms${found}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}${found}`;
    case 'unrecognized_keys':
      return `unexpected keys ${issue.keys.join(', ')}`;
    default:
      return `invalid value${found}`;
  }
}
