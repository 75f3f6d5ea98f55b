import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './codes';
import { RULES, type RuleId } from './rules';

const dir = fileURLToPath(new URL('.', import.meta.url));
const titles = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts'))
  .flatMap((f) =>
    [...readFileSync(`${dir}${f}`, 'utf8').matchAll(/\bit(?:\.each\([^)]*\))?\(\s*'([^']+)'/g)].map(
      (m) => m[1] ?? '',
    ),
  );

describe('RULES', () => {
  it('lists every rule id of the specification once, with a summary and who enforces it', () => {
    const spec = [
      'T1',
      'T2',
      'T3',
      'T4',
      'TP1',
      'TP2',
      'TP3',
      'E1',
      'E2',
      'S1',
      'S2',
      'S3',
      'S4',
      'S5',
      'H1',
      'H2',
      'H3',
      'H4',
      'H5',
    ]
      .concat(['B1', 'B2', 'M1', 'M2', 'M3', 'Q1', 'Q2', 'Q3', 'Q4', 'R1', 'R2', 'R3'])
      .map((id) => `P-${id}`);
    expect(Object.keys(RULES)).toEqual(expect.arrayContaining(spec));
    for (const [id, rule] of Object.entries(RULES)) {
      expect(id).toMatch(/^P-[A-Z]+[0-9]+$/);
      expect(rule.summary.length).toBeGreaterThan(20);
      expect(rule.scope.length).toBeGreaterThan(0);
    }
  });

  it('every rule this package enforces is named by at least one test', () => {
    const untested = (Object.keys(RULES) as RuleId[])
      .filter((id) => (RULES[id].scope as readonly string[]).includes('protocol'))
      .filter((id) => !titles.some((title) => new RegExp(`(^|\\W)${id}(\\W|$)`).test(title)));
    expect(untested).toEqual([]);
  });

  it('every error code points at an existing rule', () => {
    for (const code of Object.values(ERROR_CODES)) expect(Object.keys(RULES)).toContain(code.rule);
  });
});
