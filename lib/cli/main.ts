/**
 * `dvpc`: the command line. Each command lives in its own module, loaded only when it runs, so
 * that `dvpc --help` or a small `dvpc check` does not pay for loading cdk8s and every schema.
 *
 * Exit codes (SPEC §2): 0 no error, 1 an error remains, 2 a usage error, 3 an internal error
 * (reported in one line; DVPC_DEBUG=1 adds the stack). Bad input never prints a stack trace.
 */
import { DvpcError, SetupError, UsageError } from '../core/errors.ts';
import { formatSource } from '../core/source.ts';
import { processIo, type Command, type Io } from './args.ts';
import { packageInfo } from './package-info.ts';

/** The commands with the one line `dvpc --help` shows for each; `load` imports the module. */
const COMMANDS: Record<string, { readonly summary: string; readonly load: () => Promise<{ command: Command }> }> = {
  synth: { summary: 'render every cluster of the app into dist/, running every check', load: () => import('./commands/synth.ts') },
  check: { summary: 'check manifests (files or folders of YAML/JSON) as one cluster', load: () => import('./commands/check.ts') },
  classes: { summary: 'derive VirtualMachineClasses from a node inventory', load: () => import('./commands/classes.ts') },
  diff: { summary: 'what a change does to each cluster, dangerous changes marked', load: () => import('./commands/diff.ts') },
  drain: { summary: 'what draining nodes does to the VMs on them, before the maintenance window', load: () => import('./commands/drain.ts') },
  ci: { summary: 'what the pull-request workflow runs: synth, SARIF per cluster, annotations, comment', load: () => import('./commands/ci.ts') },
  inventory: { summary: "capture a cluster's inventory with kubectl (inventory capture --out DIR)", load: () => import('./commands/inventory.ts') },
  init: { summary: 'create a GitOps repository that uses dvpc', load: () => import('./commands/init.ts') },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `dvpc: a compiler for Deckhouse Virtualization Platform GitOps repositories

Usage: dvpc COMMAND [OPTIONS]

Commands:
${lines.join('\n')}

  dvpc COMMAND --help   the command's own usage and options
  dvpc --version        the version

Exit codes: 0 no error, 1 an error remains, 2 usage error, 3 internal error.
`;
}

/** The package's version, read from its package.json. */
export function version(): string {
  return packageInfo().version;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      io.err(help());
      return 2;
    }
    if (first === '--help' || first === '-h') {
      io.out(help());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.out(`${version()}\n`);
      return 0;
    }
    // `dvpc help` and `dvpc help COMMAND`, as people type them.
    const [name, args] = first === 'help' ? [rest[0], rest[0] === undefined ? undefined : ['--help']] : [first, rest];
    if (name === undefined) {
      io.out(help());
      return 0;
    }
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command "${name}"`);
    const { command } = await entry.load();
    if (args?.includes('--help') || args?.includes('-h')) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(args ?? [], io);
  } catch (e) {
    return reportFailure(e, io);
  }
}

/**
 * The kind of a thrown error, by name: the commands other than synth are bundled with their own
 * copies of dvpc's modules (tools/bundle-cli.mjs), so their error classes are not this module's.
 */
function isError<T extends Error>(e: unknown, cls: abstract new (...args: never[]) => T): e is T {
  return e instanceof cls || (e instanceof Error && e.name === cls.name);
}

function reportFailure(e: unknown, io: Io): number {
  if (isError(e, UsageError)) {
    io.err(`dvpc: ${e.message}\nRun "dvpc --help" (or "dvpc COMMAND --help") for usage.\n`);
    return 2;
  }
  if (isError(e, SetupError)) {
    io.err(`dvpc: setup error: ${e.message}\n`);
    return 2;
  }
  if (isError(e, DvpcError)) {
    const where = e.constructPath ? `${e.constructPath}${e.field ? ` ${e.field}` : ''}: ` : '';
    const source = e.source ? ` (${formatSource(e.source)})` : '';
    io.err(`dvpc: error ${e.code} ${where}${e.detail}${source}\n  hint: ${e.hint}\n`);
    return 1;
  }
  // Whatever else goes wrong is dvpc's fault: one line, and the stack only when asked for.
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`dvpc: internal error: ${err.message}\n${process.env['DVPC_DEBUG'] ? `${err.stack ?? ''}\n` : 'Set DVPC_DEBUG=1 to see where it happened, and report it.\n'}`);
  return 3;
}
