/**
 * The Markdown diff's pictures (issue 10): per cluster, a capacity table (requested against
 * available CPU and memory per class, before → after) and a class × node table. The Markdown is
 * checked for the shape GitHub needs, and every figure against values computed here from the YAML
 * and the inventory with nothing of dvpc's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { JsonPatch, type ApiObject } from 'cdk8s';
import fleet from '../stacks/main.ts';
import { Cluster, VirtualMachine } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { main } from '../lib/cli/main.ts';
import { cleanup, tempDir } from './helpers.ts';

const root = tempDir();
afterAll(() => cleanup(root));
const BEFORE = join(root, 'before');
const AFTER = join(root, 'after');
synthesize(fleet(), { outdir: BEFORE });
{
  // The change under review: three more web VMs on `standard`, and `compute` leaves prod-worker-7.
  const app = fleet();
  const prod = app.charts.find((c) => c instanceof Cluster && (c as Cluster).clusterName === 'prod') as Cluster;
  for (const n of ['21', '22', '23']) {
    new VirtualMachine(prod.node.findChild('web'), `web-${n}`, { vmClass: 'standard', cores: 2, coreFraction: '20%', memory: '4Gi', disks: [{ name: 'root', size: '20Gi' }] });
  }
  (prod.node.findChild('host') as ApiObject).addJsonPatch(JsonPatch.add('/spec/nodeSelector/matchExpressions/-', { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['prod-worker-7'] }));
  synthesize(app, { outdir: AFTER });
}

async function markdown(...args: string[]): Promise<string> {
  const out: string[] = [];
  await main(['diff', '--baseline', join(BEFORE, 'prod'), join(AFTER, 'prod'), '--format', 'markdown', ...args], { out: (s) => void out.push(s), err: () => undefined, colour: false });
  return out.join('');
}

/** Cells of a GitHub table row: split on `|` not escaped, without the outer pipes. */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every table of a Markdown text, checked for the shape GFM renders (else the test fails). */
function tables(md: string): string[][][] {
  const lines = md.split('\n');
  const out: string[][][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('|')) continue;
    const block: string[] = [];
    while (lines[i]?.startsWith('|')) block.push(lines[i++] as string);
    expect(lines[i - block.length - 1] ?? '', 'a table starts after a blank line').toBe('');
    const [head, delimiter, ...rows] = block.map(cells);
    expect(delimiter?.every((c) => /^:?-{3,}:?$/.test(c)), block[1]).toBe(true);
    for (const r of rows) expect(r.length, `${block[0]}\n${r.join('|')}`).toBe(head?.length);
    expect(delimiter?.length).toBe(head?.length);
    out.push([head as string[], ...rows]);
  }
  return out;
}

describe('the Markdown is well-formed for GitHub', () => {
  it('tables have one delimiter row and equal cells; details blocks close; Markdown inside them has blank lines', async () => {
    const md = await markdown('--inventory', 'stacks/prod/inventory');
    expect(tables(md).length).toBeGreaterThanOrEqual(5);
    expect(md.match(/<details/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    // GitHub renders Markdown inside <details> only after a blank line, and needs one before </details>.
    for (const m of md.matchAll(/<details[^>]*><summary>[^<]*<\/summary>\n(.)/g)) expect(m[1]).toBe('\n');
    for (const m of md.matchAll(/(.)\n<\/details>/g)) expect(m[1]).toBe('\n');
    expect((md.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

// ---- figures computed here, from the YAML and the inventory -------------------------------

type Doc = Record<string, any>;

function yamlDocs(dir: string): Doc[] {
  const out: Doc[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlDocs(p));
    else if (name.endsWith('.yaml') && name !== 'kustomization.yaml') out.push(...parseAllDocuments(readFileSync(p, 'utf8')).map((d) => d.toJS() as Doc));
  }
  return out;
}

const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const bytes = (q: string) => {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`quantity ${q}`);
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1);
};

function matches(sel: Doc | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  const okLabels = Object.entries(sel['matchLabels'] ?? {}).every(([k, v]) => labels[k] === v);
  return okLabels && (sel['matchExpressions'] ?? []).every((e: Doc) => {
    if (e['operator'] === 'In') return (e['values'] as string[]).includes(labels[e['key']] as string);
    if (e['operator'] === 'NotIn') return !(e['values'] as string[]).includes(labels[e['key']] as string);
    if (e['operator'] === 'Exists') return e['key'] in labels;
    return !(e['key'] in labels);
  });
}

const nodes = (parse(readFileSync('stacks/prod/inventory/nodes.yaml', 'utf8')) as { items: Doc[] }).items;
const vmNodes = nodes.filter((n) => !n['spec']?.unschedulable && !(n['spec']?.taints ?? []).some((t: Doc) => t['effect'] === 'NoSchedule' || t['effect'] === 'NoExecute'));

/** Per class: VMs that must run, their CPU (cores × fraction) and memory, and the nodes' allocatable. */
function expected(dir: string) {
  const docs = yamlDocs(dir);
  const out = new Map<string, { vms: number; cpu: number; memory: number; nodes: string[]; availCpu: number; availMemory: number }>();
  for (const c of docs.filter((d) => d['kind'] === 'VirtualMachineClass')) {
    const selected = vmNodes.filter((n) => matches(c['spec'].nodeSelector, n['metadata'].labels));
    out.set(c['metadata'].name, {
      vms: 0, cpu: 0, memory: 0,
      nodes: selected.map((n) => n['metadata'].name).sort(),
      availCpu: selected.reduce((s, n) => s + Number(n['status'].allocatable.cpu), 0),
      availMemory: selected.reduce((s, n) => s + bytes(n['status'].allocatable.memory), 0),
    });
  }
  for (const vm of docs.filter((d) => d['kind'] === 'VirtualMachine')) {
    if (!['AlwaysOn', 'AlwaysOnUnlessStoppedManually', undefined].includes(vm['spec'].runPolicy)) continue;
    const c = out.get(vm['spec'].virtualMachineClassName);
    if (!c) continue;
    c.vms += 1;
    c.cpu += Math.ceil((vm['spec'].cpu.cores * Number(String(vm['spec'].cpu.coreFraction).replace('%', ''))) * 10) / 1000;
    c.memory += bytes(vm['spec'].memory.size);
  }
  return out;
}

/** "1.5Ti" → bytes (the table's memory, as a person reads it). */
const readBytes = (s: string) => {
  const m = /^([\d.]+)(Ki|Mi|Gi|Ti)?$/.exec(s);
  if (!m) throw new Error(`figure ${s}`);
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1);
};
const pair = (cell: string) => {
  const [a, b] = cell.split(' → ');
  return { before: a as string, after: (b ?? a) as string };
};

describe('the pictures show what the model holds', () => {
  it('capacity per class: VMs that must run, CPU and memory requested against the class\'s nodes, before → after', async () => {
    const md = await markdown('--inventory', 'stacks/prod/inventory');
    const capacity = tables(md).find((t) => t[0]?.[0] === 'class');
    expect(capacity?.[0]).toEqual(['class', 'VMs that must run', 'CPU requested', 'of available', 'memory requested', 'of available']);
    const before = expected(join(BEFORE, 'prod'));
    const after = expected(join(AFTER, 'prod'));
    expect(capacity?.slice(1).map((r) => r[0])).toEqual([...after.keys()].sort().map((c) => `\`${c}\``));
    for (const row of capacity?.slice(1) ?? []) {
      const name = (row[0] as string).replaceAll('`', '');
      const b = before.get(name);
      const a = after.get(name);
      if (!a || !b) throw new Error(name);
      expect(pair(row[1] as string)).toEqual({ before: String(b.vms), after: String(a.vms) });
      const cpu = pair(row[2] as string);
      expect(Number(cpu.before)).toBeCloseTo(b.cpu, 2);
      expect(Number(cpu.after)).toBeCloseTo(a.cpu, 2);
      const [availCpu, cpuBar] = (row[3] as string).split('<br>') as [string, string];
      const ac = pair(availCpu.replace(' cores', ''));
      expect([Number(ac.before), Number(ac.after)]).toEqual([b.availCpu, a.availCpu]);
      expect(pair(cpuBar).after).toMatch(new RegExp(` ${Math.round((a.cpu / a.availCpu) * 100)}%$`));
      const mem = pair(row[4] as string);
      expect(readBytes(mem.before)).toBe(b.memory);
      expect(readBytes(mem.after)).toBe(a.memory);
      const [availMem] = (row[5] as string).split('<br>') as [string];
      const am = pair(availMem);
      expect(Math.abs(readBytes(am.after) - a.availMemory) / a.availMemory).toBeLessThan(0.03);
    }
    // The change is visible: three more VMs on standard.
    expect(capacity?.find((r) => r[0] === '`standard`')?.[1]).toBe(`${before.get('standard')?.vms} → ${(before.get('standard')?.vms ?? 0) + 3}`);
  });

  it('class × node: which nodes each class can use, and what the change adds or takes away', async () => {
    const md = await markdown('--inventory', 'stacks/prod/inventory');
    const table = tables(md).find((t) => t[0]?.[0] === 'node');
    const before = expected(join(BEFORE, 'prod'));
    const after = expected(join(AFTER, 'prod'));
    const classes = (table?.[0] ?? []).slice(1).map((c) => c.replaceAll('`', ''));
    expect(classes).toEqual([...after.keys()].sort());
    const allNodes = [...new Set([...after.values(), ...before.values()].flatMap((c) => c.nodes))].sort();
    expect(table?.slice(1).map((r) => (r[0] as string).replaceAll('`', ''))).toEqual(allNodes);
    for (const row of table?.slice(1) ?? []) {
      const node = (row[0] as string).replaceAll('`', '');
      classes.forEach((c, i) => {
        const was = before.get(c)?.nodes.includes(node);
        const is = after.get(c)?.nodes.includes(node);
        expect(row[i + 1], `${c} on ${node}`).toBe(was && is ? '✅' : is ? '➕' : was ? '➖' : '');
      });
    }
    expect(table?.find((r) => r[0] === '`prod-worker-7`')?.slice(1)).toEqual(['➖', '✅']);
    // A change of nodes opens the table.
    expect(md).toMatch(/<details open><summary>Nodes each class can use \(8 nodes, changed by this change\)<\/summary>/);
  });

  it('without an inventory: what is requested, and a note that what nodes give is unknown', async () => {
    const md = await markdown();
    expect(md).toContain('_No inventory given: what the nodes can give is unknown; `--inventory DIR` adds it._');
    const capacity = tables(md).find((t) => t[0]?.[0] === 'class');
    expect(capacity?.slice(1).every((r) => r[3] === '—' && r[5] === '—')).toBe(true);
    expect(tables(md).find((t) => t[0]?.[0] === 'node')).toBeUndefined();
  });
});
