/**
 * `dvpc inventory capture`: the inventory folder (SPEC §3) from a live cluster, through kubectl.
 * Every kind is listed first; only when all are in does the folder change, in one swap, so a
 * failed or interrupted capture leaves the previous inventory as it was. Files of the folder that
 * capture does not write (a README) are kept.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SetupError, UsageError } from '../../core/errors.ts';
import type { Json } from '../../core/json.ts';
import { absentKind, CAPTURE_KINDS, captured, captureHeader } from '../../inventory/capture.ts';
import { emitDocuments } from '../../render/yaml-emit.ts';
import { writeTreeAtomically } from '../../render/write.ts';
import { noPositionals, parse, stringFlag, type Command, type Io } from '../args.ts';
import { Progress } from '../progress.ts';

const usage = `Usage: dvpc inventory capture --out DIR [--context NAME] [--kubeconfig FILE]

Captures the inventory of a cluster (what dvpc checks the desired state against) with kubectl:
Nodes, StorageClasses, StorageProfiles, NodeGroups, the cluster configuration (decoded from its
Secret), the static cluster configuration, VirtualMachineClasses, VirtualMachineIPAddressLeases,
the ModuleConfig virtualization and the VirtualMachines. One file per kind, sorted, without
managedFields, versions, timestamps and status that changes by the minute: capturing an
unchanged cluster again changes no byte. A kind the cluster does not have is skipped with a
note. DIR is replaced in one step, keeping its other files.

Options:
  --out DIR          the inventory folder to write (e.g. inventory/prod)
  --context NAME     the kubeconfig context (default: the current one)
  --kubeconfig FILE  the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)

Exit codes: 0 captured, 1 kubectl failed (nothing written), 2 usage error or no kubectl.
`;

/** A kubectl listing failed for a reason other than a kind the cluster does not have. */
class KubectlFailed extends Error {}

/** kubectl output can be large: a cluster of 50,000 VMs prints hundreds of megabytes. */
const MAX_OUTPUT = 2 * 1024 * 1024 * 1024;
/** How much of kubectl's error output a message quotes. */
const EXCERPT = 400;

function kubectl(args: readonly string[], global: readonly string[]): { ok: true; stdout: string } | { ok: false; stderr: string } {
  const r = spawnSync('kubectl', [...global, ...args], { encoding: 'utf8', maxBuffer: MAX_OUTPUT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new SetupError('kubectl is not installed (or not on PATH): dvpc inventory capture lists the cluster with it');
    throw new KubectlFailed(`kubectl ${args.join(' ')} could not run: ${r.error.message}`);
  }
  return r.status === 0 ? { ok: true, stdout: r.stdout } : { ok: false, stderr: `${r.stderr}`.trim() || `exit code ${r.status}` };
}

/** Files under DIR that capture does not write, kept across the swap. */
function keptFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const ours = new Set(CAPTURE_KINDS.map((k) => k.file));
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p).split('\\').join('/');
      if (statSync(p).isDirectory()) walk(p);
      else if (!ours.has(rel)) out.set(rel, readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

async function capture(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, context: { type: 'string' }, kubeconfig: { type: 'string' } });
  noPositionals('inventory capture', positionals);
  const out = stringFlag(values, 'out');
  if (out === undefined) throw new UsageError('inventory capture needs --out DIR');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`);
  const kubeconfig = stringFlag(values, 'kubeconfig');
  if (kubeconfig !== undefined && !existsSync(kubeconfig)) throw new UsageError(`kubeconfig ${kubeconfig} does not exist`);
  const context = stringFlag(values, 'context');
  const global = [...(kubeconfig !== undefined ? ['--kubeconfig', kubeconfig] : []), ...(context !== undefined ? ['--context', context] : [])];

  const progress = new Progress(io);
  try {
    return captureWith(out, global, io, progress);
  } finally {
    progress.done();
  }
}

function captureWith(out: string, global: readonly string[], io: Io, progress: Progress): number {
  const files = keptFiles(out);
  const summary: string[] = [];
  try {
    for (const kind of CAPTURE_KINDS) {
      progress.step(`listing ${kind.title}`);
      const r = kubectl([...kind.args, '-o', 'json'], global);
      if (!r.ok) {
        const absent = absentKind(r.stderr);
        if (absent === undefined) throw new KubectlFailed(`kubectl ${kind.args.join(' ')} failed: ${excerpt(r.stderr)}`);
        io.err(`dvpc: skipped ${kind.title}: ${absent}\n`);
        continue;
      }
      let objects;
      try {
        objects = captured(kind, r.stdout);
      } catch (e) {
        throw new KubectlFailed(`kubectl ${kind.args.join(' ')} printed what dvpc cannot read: ${excerpt((e as Error).message)}`);
      }
      files.set(kind.file, `${captureHeader(kind)}${emitDocuments(objects as { [key: string]: Json }[])}`);
      summary.push(`${kind.file} (${objects.length})`);
    }
  } catch (e) {
    if (!(e instanceof KubectlFailed)) throw e;
    progress.done();
    io.err(`dvpc: ${e.message}\n  hint: check the context (kubectl config current-context) and that your user may list these kinds; ${out} was left as it was\n`);
    return 1;
  }
  progress.step(`writing ${out}`);
  writeTreeAtomically(out, files);
  progress.done();
  io.err(`captured into ${out}: ${summary.join(', ')}\n`);
  return 0;
}

function excerpt(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > EXCERPT ? `${one.slice(0, EXCERPT)}…` : one;
}

/** The subcommands of `dvpc inventory`. */
const SUBCOMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = { capture };

async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('inventory needs a subcommand: dvpc inventory capture --out DIR');
  const handler = SUBCOMMANDS[sub];
  if (!handler) throw new UsageError(`unknown subcommand "inventory ${sub}" (there is: capture)`);
  return handler(rest, io);
}

export const command: Command = { usage, run };
