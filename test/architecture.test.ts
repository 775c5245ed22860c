/**
 * The house's floors: data flows one way (read → model → checks → render → constructs → synth →
 * command line), so a module may import only from floors below its own, or from its own folder.
 * This test reads every import of lib/ and names any that runs back up.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const LIB = join(import.meta.dirname, '..', 'lib');

/** Floor of each top-level folder (or file) of lib/. Equal floors may not import each other. */
const FLOORS: Record<string, number> = {
  core: 0,
  schema: 1,
  read: 1,
  inventory: 2,
  model: 3,
  check: 4,
  classes: 5,
  diff: 5,
  // The drain plan: reads the model and its migration analysis; the CLI and the typed API call it.
  drain: 5,
  front: 5,
  render: 5,
  constructs: 6,
  'synth.ts': 7,
  'testing.ts': 8,
  cli: 9,
  'index.ts': 10,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function roomOf(file: string): string {
  return relative(LIB, file).split(/[\\/]/)[0] as string;
}

describe('layering of lib/', () => {
  const all = files(LIB);

  it('gives every folder of lib/ a floor', () => {
    const rooms = [...new Set(all.map(roomOf))].sort();
    expect(rooms.filter((r) => FLOORS[r] === undefined)).toEqual([]);
  });

  it('has no import that runs back up, or sideways between rooms of one floor', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = roomOf(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = normalize(join(dirname(file), m[1] as string));
        const to = roomOf(target);
        if (to === from) continue;
        if ((FLOORS[to] ?? 99) >= (FLOORS[from] ?? 0)) violations.push(`${relative(LIB, file)} imports ${relative(LIB, target)} (${from} is floor ${FLOORS[from]}, ${to} is floor ${FLOORS[to]})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
