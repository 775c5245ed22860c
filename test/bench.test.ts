/**
 * The benchmark's own machinery: medians, interleaving, flags, the table, and a tiny real run that
 * measures child processes and writes its results outside the source tree unless asked to record.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { interleaved, median, runNode, stats, type Sample } from '../bench/measure.ts';
import { benchOptions, runBench, tableLine } from '../bench/run.ts';
import { cleanup, tempDir } from './helpers.ts';

const root = tempDir();
afterAll(() => cleanup(root));
const RECORDED = join(import.meta.dirname, '..', 'bench', 'results', 'latest.json');

describe('bench', () => {
  it('takes medians, and the worst peak', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const s = (cpuMs: number, maxRssMb: number): Sample => ({ wallMs: cpuMs * 2, cpuMs, maxRssMb });
    expect(stats([s(5, 100), s(1, 300), s(3, 200)])).toEqual({ wallMs: 6, cpuMs: 3, maxRssMb: 300, runs: 3 });
  });

  it('interleaves the runs of the tasks it compares', () => {
    const order: string[] = [];
    const task = (name: string) => () => {
      order.push(name);
      return { wallMs: 1, cpuMs: 1, maxRssMb: 1 };
    };
    const r = interleaved({ a: task('a'), b: task('b'), c: task('c') }, 3);
    expect(order.join('')).toBe('abcabcabc');
    expect(r.b.runs).toBe(3);
  });

  it('reads its flags, and records into the tree only when asked', () => {
    const o = benchOptions(['--quick', '--rows', 'check,startup', '--runs', '5']);
    expect(o).toMatchObject({ quick: true, rows: ['check', 'startup'], runs: 5, scale: 1 });
    expect(o.out).not.toBe(RECORDED);
    expect(benchOptions(['--record']).out).toBe(RECORDED);
    expect(() => benchOptions(['--rows', 'nonsense'])).toThrow(/unknown row/);
    expect(() => benchOptions(['--runs', '0'])).toThrow(/positive/);
    expect(tableLine({ id: 'x', title: 't', measured: 'm', against: 'a', cpuRatio: 0.456, wallRatio: 1, goal: '≤ 1×', met: false, data: {} })).toBe('| t | m | a | 0.46 | 1.00 | ≤ 1× | **no** |');
  });

  it('measures a child process: CPU time and peak memory from the child, wall time from outside', () => {
    const r = runNode(['-e', 'const a = []; for (let i = 0; i < 2e5; i++) a.push({ i }); console.log(a.length)']);
    expect(r.stdout.trim()).toBe('200000');
    expect(r.cpuMs).toBeGreaterThan(0);
    expect(r.maxRssMb).toBeGreaterThan(20);
    expect(r.wallMs).toBeGreaterThan(0);
    expect(() => runNode(['-e', 'process.exit(3)'])).toThrow(/exit 3/);
  });

  it('runs for real on a tiny fleet, and leaves the committed results alone', () => {
    const before = existsSync(RECORDED) ? statSync(RECORDED).mtimeMs : 0;
    const out = join(root, 'bench.json');
    const lines: string[] = [];
    const rows = runBench({ quick: true, rows: ['check', 'classes', 'kustomize'], runs: 1, scale: 0.005, out }, (l) => lines.push(l));
    expect(rows.map((r) => r.id)).toEqual(['check-50', 'classes-50', 'kustomize']);
    for (const r of rows.slice(0, 2)) expect(r.data).not.toEqual({});
    // The reference folder holds every namespaced object of the small fleet (kubectl is optional).
    expect(rows[2]?.measured).toMatch(/largest folder: .* cpu|kubectl not found/);
    expect(lines.some((l) => l.startsWith('| check, 50 VMs in one cluster'))).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8')).rows).toHaveLength(3);
    expect(existsSync(RECORDED) ? statSync(RECORDED).mtimeMs : 0).toBe(before);
  });
});
