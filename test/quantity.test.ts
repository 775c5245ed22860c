import { describe, expect, it } from 'vitest';
import { formatBytes, parseQuantity, quantityBytes, toMilli } from '../lib/core/quantity.ts';

describe('quantities', () => {
  it.each([
    ['50G', 50_000_000_000n],
    ['512Mi', 536_870_912n],
    ['1.5Gi', 1_610_612_736n],
    ['1Ki', 1024n],
    ['10', 10n],
    ['1e3', 1000n],
    ['0.5', 1n], // rounded up to a whole byte, as Kubernetes does
    ['100m', 1n],
    ['1Ti', 1_099_511_627_776n],
  ])('%s is exactly %d bytes', (text, bytes) => {
    expect(quantityBytes(text)).toBe(bytes);
  });

  it('keeps millicores exact', () => {
    expect(toMilli(parseQuantity('250m')!)).toBe(250n);
    expect(toMilli(parseQuantity('1.5')!)).toBe(1500n);
    expect(toMilli(parseQuantity(2)!)).toBe(2000n);
  });

  it.each(['4GB', '1.5.5Gi', '', 'Gi', '1e1.5', '12 Gi', '9999999999999999999999Ei'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it('formats bytes with the largest exact binary suffix', () => {
    expect(formatBytes(1_610_612_736n)).toBe('1536Mi');
    expect(formatBytes(8n * 2n ** 30n)).toBe('8Gi');
    expect(formatBytes(1000n)).toBe('1000');
  });
});
