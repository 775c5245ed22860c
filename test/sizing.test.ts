/** The module's sizing rules in one place: default and effective core fractions, grids, sockets. */
import { describe, expect, it } from 'vitest';
import { defaultCoreFraction, effectiveCoreFraction, gridNeighbours, normalizePolicies, onGrid, socketsFor } from '../lib/model/sizing.ts';

const policies = normalizePolicies([
  { cores: { min: 1, max: 4 }, coreFractions: [5, 10, 20, 50, 100] },
  { cores: { min: 5, max: 8 }, coreFractions: [20, 50], defaultCoreFraction: 50 },
  { cores: { min: 9, max: 16 }, coreFractions: [25, 50] },
  { cores: { min: 17, max: 32 } },
]);

describe('core fractions', () => {
  it('defaults as the mutating webhook does', () => {
    expect(defaultCoreFraction(policies, 2)).toEqual({ kind: 'value', value: '100%' });
    expect(defaultCoreFraction(policies, 6)).toEqual({ kind: 'value', value: '50%' });
    expect(defaultCoreFraction(policies, 10)).toMatchObject({ kind: 'undefined-default' });
    expect(defaultCoreFraction(policies, 20)).toEqual({ kind: 'value', value: '100%' });
    expect(defaultCoreFraction(policies, 40)).toEqual({ kind: 'no-policy' });
    expect(defaultCoreFraction([], 40)).toEqual({ kind: 'value', value: '100%' });
  });

  it('takes the written value, the default, or for Auto the step nearest 10%', () => {
    expect(effectiveCoreFraction(policies, 2, '20%')).toBe(20);
    expect(effectiveCoreFraction(policies, 6, undefined)).toBe(50);
    expect(effectiveCoreFraction(policies, 2, 'Auto')).toBe(10);
    expect(effectiveCoreFraction(policies, 10, 'Auto')).toBe(25);
    expect(effectiveCoreFraction(policies, 20, 'Auto')).toBe(10); // the module's default grid 5..99
  });
});

describe('grids and topology', () => {
  it('allows min + k·step below max, and max itself', () => {
    expect(onGrid(1n, 10n, 4n, 5n)).toBe(true);
    expect(onGrid(1n, 10n, 4n, 10n)).toBe(true);
    expect(onGrid(1n, 10n, 4n, 7n)).toBe(false);
    expect(gridNeighbours(1n, 10n, 4n, 7n)).toEqual([5n, 9n]);
    expect(gridNeighbours(1n, 10n, 4n, 9n + 1n)).toEqual([9n, 10n]);
  });

  it('spreads cores over sockets as the module does', () => {
    expect([16, 17, 32, 33, 64, 65].map(socketsFor)).toEqual([1, 2, 2, 4, 4, 8]);
  });
});
