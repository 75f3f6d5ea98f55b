import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDataset, listDatasets } from './datasets/index';
import { IndicatorsError } from './errors';
import { Actual, type Dataset, IndicatorDefinition, parseActuals, parseDataset } from './model';

const plan = () => structuredClone(getDataset('gia-lai-2024')) as Dataset & Record<string, unknown>;

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(IndicatorsError.isInstance(error)).toBe(true);
    return [...(error as IndicatorsError).issues];
  }
  throw new Error('expected an IndicatorsError, nothing was thrown');
}

describe('parseDataset', () => {
  it('accepts the shipped dataset and returns it unchanged', () => {
    const ds = getDataset('gia-lai-2024');
    expect(listDatasets()).toEqual(['gia-lai-2024']);
    expect(parseDataset(JSON.parse(JSON.stringify(ds)))).toEqual(ds);
  });

  it('names the path of a negative target value', () => {
    const ds = plan();
    ds.targets[3]!.value = -1;
    expect(issuesOf(() => parseDataset(ds))).toEqual([
      { path: 'targets.3.value', message: expect.stringContaining('>=0') },
    ]);
  });

  it('rejects a target on an unknown indicator and a year outside the plan', () => {
    const ds = plan();
    ds.targets[0]!.indicator = 'commune_radios';
    ds.targets[1]!.year = 2030;
    const issues = issuesOf(() => parseDataset(ds));
    expect(issues.map((i) => i.path)).toEqual(['targets.0.indicator', 'targets.1.year']);
    expect(issues[0]!.message).toContain('found "commune_radios"');
    expect(issues[1]!.message).toContain('found 2030');
  });

  it('rejects duplicate targets and unknown denominators', () => {
    const ds = plan();
    ds.targets.push({ ...ds.targets[0]! });
    const ict = ds.indicators.find((d) => d.id === 'commune_radio_ict')!;
    ict.denominator = { indicator: 'radio' };
    const issues = issuesOf(() => parseDataset(ds));
    expect(issues.map((i) => i.path)).toEqual([
      'indicators.1.denominator.indicator',
      `targets.${ds.targets.length - 1}`,
    ]);
  });

  it('rejects a unit code that the dataset does not list', () => {
    const ds = plan();
    ds.targets[7]!.unitCode = '699';
    expect(issuesOf(() => parseDataset(ds))).toEqual([
      { path: 'targets.7.unitCode', message: 'expected a unit listed in "units", found 699' },
    ]);
  });

  it('rejects a denominator cycle', () => {
    const ds = plan();
    ds.indicators[0]!.denominator = { indicator: 'commune_radio_ict' };
    const issues = issuesOf(() => parseDataset(ds));
    expect(issues.some((i) => i.message.includes('cycle'))).toBe(true);
  });

  it('says what it expected for a malformed unit code', () => {
    const ds = plan();
    ds.targets[0]!.unitCode = '6222';
    const [issue] = issuesOf(() => parseDataset(ds));
    expect(issue).toEqual({
      path: 'targets.0.unitCode',
      message: expect.stringContaining('2 (province), 3 (district) or 5'),
    });
  });

  it('never crashes on arbitrary input: it returns a dataset or throws IndicatorsError with paths', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseDataset(value);
        } catch (error) {
          if (!IndicatorsError.isInstance(error)) throw error;
          expect(error.code).toBe('invalid_dataset');
          expect(error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports a typed error for random corruptions of the real dataset', () => {
    const base = JSON.parse(JSON.stringify(getDataset('gia-lai-2024')));
    const fields = ['value', 'year', 'unitCode', 'indicator'] as const;
    fc.assert(
      fc.property(
        fc.nat({ max: base.targets.length - 1 }),
        fc.constantFrom(...fields),
        fc.oneof(fc.string(), fc.double(), fc.constant(undefined), fc.boolean()),
        (index, field, junk) => {
          const ds = structuredClone(base);
          ds.targets[index][field] = junk;
          try {
            parseDataset(ds);
          } catch (error) {
            if (!IndicatorsError.isInstance(error)) throw error;
            expect(
              error.issues.every(
                (i) => i.path.startsWith(`targets.${index}`) || i.path.startsWith('targets.'),
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('IndicatorDefinition', () => {
  it('requires a denominator for rates and applies defaults', () => {
    const base = { id: 'x', refs: [], name: { vi: 'x', en: 'x' }, counts: 'district', source: 's' } as const;
    expect(IndicatorDefinition.safeParse({ ...base, kind: 'rate' }).success).toBe(false);
    const def = IndicatorDefinition.parse({ ...base, kind: 'rate', denominator: { universe: 'district' } });
    expect(def).toMatchObject({ counted: 'units', decimals: 1, rounding: 'half_up' });
    expect(
      IndicatorDefinition.safeParse({ ...base, kind: 'count', denominator: { universe: 'district' } })
        .success,
    ).toBe(false);
  });
});

describe('parseActuals', () => {
  it('defaults the status to normal and ties null to missing', () => {
    expect(
      parseActuals([{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 3 }])[0]!.status,
    ).toBe('normal');
    expect(Actual.safeParse({ indicator: 'a', unitCode: '622', year: 2024, value: null }).success).toBe(
      false,
    );
    expect(
      Actual.safeParse({ indicator: 'a', unitCode: '622', year: 2024, value: null, status: 'missing' })
        .success,
    ).toBe(true);
    const issues = issuesOf(() =>
      parseActuals([{ indicator: 'a', unitCode: '622', year: 2024, value: 0, status: 'missing' }]),
    );
    expect(issues).toEqual([{ path: '0.value', message: 'expected null for status "missing", found 0' }]);
  });

  it('never crashes on arbitrary input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseActuals(value);
        } catch (error) {
          if (!IndicatorsError.isInstance(error)) throw error;
          expect(error.code).toBe('invalid_actuals');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('IndicatorsError', () => {
  it('is recognised across copies through its marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@nguon/indicators/error')]: true });
    expect(IndicatorsError.isInstance(foreign)).toBe(true);
    expect(IndicatorsError.isInstance(new Error('x'))).toBe(false);
    const e = new IndicatorsError('unknown_dataset', 'no', { cause: 1 });
    expect([e.code, e.cause, e.name]).toEqual(['unknown_dataset', 1, 'IndicatorsError']);
  });

  it('is thrown for an unknown dataset id', () => {
    expect(() => getDataset('gia-lai-2023')).toThrow(
      /expected a dataset id among "gia-lai-2024", found "gia-lai-2023"/,
    );
  });
});
