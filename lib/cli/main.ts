/**
 * `dvpc`: synth, check, classes, diff. Exit codes (SPEC §2): 0 no error, 1 an error remains,
 * 2 a usage error. Bad input never prints a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from 'cdk8s';
import { DvpcError, UsageError } from '../errors.ts';
import { diagnosticLine, formatReport, mergeReports, type Format } from './format.ts';
import { synthesize } from '../synth.ts';
import { checkPaths } from './check.ts';
import { CODES } from '../check/codes.ts';
import type { Report } from '../check/index.ts';
import { loadInventory } from '../inventory/load.ts';
import { deriveClasses, derivationText, derivedManifests } from '../classes/derive.ts';
import { emitDocuments, type Json } from '../render/yaml-emit.ts';
import { loadBaseline, loadResources } from '../front/resources.ts';
import { clusterOfFile, diffCluster } from '../diff/diff.ts';
import { diffJson, diffMarkdown, diffText } from '../diff/format.ts';
import type { Resource } from '../model/resource.ts';
import { basename } from 'node:path';

const HELP = `dvpc: a compiler for Deckhouse Virtualization Platform GitOps repositories

Usage:
  dvpc synth [--app FILE] [--outdir DIR] [--baseline DIR | --baseline-ref REF] [--allow CODES]
             [--format text|json|sarif]
      Render every Cluster of the app (default stacks/main.ts) into DIR (default dist/,
      or $CDK8S_OUTDIR), running every check. On any error nothing is written.
  dvpc check PATH... [--inventory DIR] [--baseline PATH | --baseline-ref REF] [--namespace NS]
                     [--allow CODES] [--format text|json|sarif]
      Check manifests (files or folders of *.yaml, *.yml, *.json) as one cluster's
      desired state. Namespaced objects without a namespace are in NS (default "default").
  dvpc classes --inventory DIR [--group-by LABEL] [--format yaml|text]
      Derive Discovery classes from a node inventory: one per group of VM nodes (by the
      node's CPU model, or by LABEL) and one universal class. As text: each class's nodes,
      the CPU features the module will discover, and what the classes add or lack.
  dvpc diff --baseline PATH | --baseline-ref REF  PATH... [--inventory DIR] [--allow CODES]
                     [--format text|json|markdown]
      What the change does to each cluster: objects added, removed and changed field by
      field, and each dangerous change marked with its code (DVP107, DVP601-DVP604).
  dvpc help
      This text.

Options:
  --inventory DIR   the cluster as it is (kubectl get -o yaml of nodes, StorageClasses, ...)
  --baseline PATH   the previous state (a folder of manifests; for synth, the previous dist/),
                    for the destructive-change checks (DVP107, DVP601-DVP604)
  --baseline-ref REF  the previous state read from git at REF (e.g. origin/main): the same paths
  --allow CODES     comma-separated codes whose errors become warnings (e.g. DVP601,DVP603)
  --format FMT      text (default), json (SPEC §6), or sarif (SARIF 2.1.0)

Exit codes: 0 no error, 1 at least one error, 2 usage error.
`;

type Flags = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Flags, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function formatOf(v: unknown): Format {
  const f = v ?? 'text';
  if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${String(f)}"`);
  return f;
}

function allowOf(v: unknown): Set<string> {
  if (v === undefined) return new Set();
  const codes = String(v).split(',').map((c) => c.trim().toUpperCase()).filter((c) => c.length > 0);
  for (const c of codes) if (!(c in CODES)) throw new UsageError(`--allow: unknown code ${c}`);
  return new Set(codes);
}

function mustExist(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
}

interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly colour: boolean;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  colour: process.stdout.isTTY === true && !process.env['NO_COLOR'],
};

async function loadApp(file: string): Promise<App> {
  mustExist(file, 'app');
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  const exported = mod.default;
  const app = typeof exported === 'function' ? await (exported as () => App | Promise<App>)() : exported;
  if (app === undefined || app === null || typeof (app as App).synth !== 'function') {
    throw new UsageError(`${file} must export default a cdk8s App or a function that returns one`);
  }
  return app as App;
}

async function runSynth(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    app: { type: 'string' }, outdir: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' },
    baseline: { type: 'string' }, 'baseline-ref': { type: 'string' },
  });
  const baseline = values['baseline'] as string | undefined;
  if (baseline !== undefined) mustExist(baseline, 'baseline');
  if (positionals.length > 0) throw new UsageError(`synth takes no positional arguments (got ${positionals.join(' ')})`);
  const format = formatOf(values['format']);
  const app = await loadApp(String(values['app'] ?? 'stacks/main.ts'));
  const result = synthesize(app, { outdir: values['outdir'] as string | undefined, allow: allowOf(values['allow']), baseline, baselineRef: values['baseline-ref'] as string | undefined });
  const report: Report = mergeReports(result.clusters.map((c) => c.report));
  const title = result.written ? undefined : 'synth failed: dist/ was left as it was';
  if (format !== 'text' || report.diagnostics.length > 0 || !result.written) io.out(formatReport(report, format, io.colour, title));
  if (format === 'text' && result.written) {
    io.err(`synthesized ${result.clusters.map((c) => c.cluster).join(', ')}: ${result.files.size} files, ${report.summary.resources} objects\n`);
  }
  return report.summary.errors > 0 ? 1 : 0;
}

async function runCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    inventory: { type: 'string' }, baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, namespace: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('check needs at least one PATH');
  for (const p of positionals) mustExist(p, 'PATH');
  const inventory = values['inventory'] as string | undefined;
  if (inventory !== undefined) mustExist(inventory, 'inventory');
  const baseline = values['baseline'] as string | undefined;
  if (baseline !== undefined) mustExist(baseline, 'baseline');
  const format = formatOf(values['format']);
  const report = checkPaths(positionals, {
    inventory,
    baseline,
    baselineRef: values['baseline-ref'] as string | undefined,
    namespace: (values['namespace'] as string | undefined) ?? 'default',
    allow: allowOf(values['allow']),
  });
  io.out(formatReport(report, format, io.colour));
  return report.summary.errors > 0 ? 1 : 0;
}

async function runClasses(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { inventory: { type: 'string' }, 'group-by': { type: 'string' }, format: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`classes takes no positional arguments (got ${positionals.join(' ')})`);
  const dir = values['inventory'] as string | undefined;
  if (dir === undefined) throw new UsageError('classes needs --inventory DIR');
  mustExist(dir, 'inventory');
  const format = values['format'] ?? 'yaml';
  if (format !== 'yaml' && format !== 'text') throw new UsageError(`--format must be yaml or text, not "${String(format)}"`);
  const inventory = loadInventory(dir);
  for (const d of inventory.diagnostics) io.err(diagnosticLine(d));
  const derivation = deriveClasses(inventory, { groupBy: values['group-by'] as string | undefined });
  if (format === 'text') {
    io.out(derivationText(derivation, inventory));
  } else {
    io.out(emitDocuments(derivedManifests(derivation) as { [key: string]: Json }[]));
    for (const p of derivation.problems) io.err(`dvpc: cannot derive: ${p}\n`);
  }
  return derivation.problems.length > 0 || inventory.diagnostics.length > 0 ? 1 : 0;
}

function groupByCluster(resources: readonly Resource[], fallback: string): Map<string, Resource[]> {
  const m = new Map<string, Resource[]>();
  for (const r of resources) {
    const c = clusterOfFile(r.origin.file, fallback);
    const list = m.get(c);
    if (list) list.push(r);
    else m.set(c, [r]);
  }
  return m;
}

async function runDiff(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, inventory: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' }, namespace: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('diff needs at least one PATH');
  for (const p of positionals) mustExist(p, 'PATH');
  const baseline = values['baseline'] as string | undefined;
  const baselineRef = values['baseline-ref'] as string | undefined;
  if (baseline === undefined && baselineRef === undefined) throw new UsageError('diff needs --baseline PATH or --baseline-ref REF');
  if (baseline !== undefined) mustExist(baseline, 'baseline');
  const inventory = values['inventory'] as string | undefined;
  if (inventory !== undefined) mustExist(inventory, 'inventory');
  const format = values['format'] ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'markdown') throw new UsageError(`--format must be text, json or markdown, not "${String(format)}"`);
  const namespace = (values['namespace'] as string | undefined) ?? 'default';
  const fallback = basename(positionals[0] as string);
  const desired = loadResources(positionals, namespace);
  const base = loadBaseline(positionals, { baseline, baselineRef }, namespace) ?? { resources: [], diagnostics: [] };
  for (const d of [...desired.diagnostics, ...base.diagnostics]) io.err(diagnosticLine(d));
  const after = groupByCluster(desired.resources, fallback);
  const before = groupByCluster(base.resources, fallback);
  const inv = inventory !== undefined ? loadInventory(inventory) : undefined;
  const allow = allowOf(values['allow']);
  const clusters = [...new Set([...after.keys(), ...before.keys()])].sort();
  const diffs = clusters.map((c) => diffCluster(c, after.get(c) ?? [], before.get(c) ?? [], { inventory: inv, allow }));
  io.out(format === 'json' ? diffJson(diffs) : format === 'markdown' ? diffMarkdown(diffs) : diffText(diffs));
  const errors = diffs.reduce((n, d) => n + d.diagnostics.filter((x) => x.severity === 'error').length, 0);
  return errors > 0 || desired.diagnostics.length > 0 ? 1 : 0;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'synth':
        return await runSynth(rest, io);
      case 'check':
        return await runCheck(rest, io);
      case 'classes':
        return await runClasses(rest, io);
      case 'diff':
        return await runDiff(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`dvpc: ${e.message}\nRun "dvpc help" for usage.\n`);
      return 2;
    }
    if (e instanceof DvpcError) {
      if (command !== 'synth') {
        io.err(`dvpc: ${e.code} ${e.detail}\n  hint: ${e.hint}\n`);
        return 1;
      }
      io.err(`${e.constructPath ?? '(app)'}\n  error ${e.code}  ${e.field ? `${e.field}: ` : ''}${e.detail}\n  hint: ${e.hint}\nsynth failed: dist/ was left as it was\n`);
      return 1;
    }
    // Whatever else goes wrong is reported in one line; DVPC_DEBUG=1 shows the stack.
    const err = e as Error;
    io.err(`dvpc: ${err instanceof RangeError ? 'the input is too large or too deeply nested to process' : 'internal error'}: ${err.message}\n${process.env['DVPC_DEBUG'] ? `${err.stack ?? ''}\n` : ''}`);
    return 2;
  }
}
