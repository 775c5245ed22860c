/**
 * `dvpc synth` type-checks the user's TypeScript app before trusting what it renders: a misspelt
 * optional prop (`runPolcy: 'Manual'`) type-checks nowhere but in tsc, and would otherwise render
 * the default in silence.
 *
 * It runs the project's own compiler (`tsc` of the `typescript` package the app's project
 * resolves) as a child process, over the app and what it imports, with the project's
 * tsconfig.json: a configuration in node_modules/.cache/dvpc extends it and names only the app,
 * so a type error in a test file does not stop a synth (where that cannot be written, the whole
 * project is checked). The child runs while the app is built.
 *
 * Every type error is DVP002 (the typed API's props are the schema of the objects they render),
 * at the TypeScript file and line, with TypeScript's own code (TS2561) opening the message.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { SetupError } from '../core/errors.ts';
import { severityOf } from '../core/codes.ts';
import type { Diagnostic } from '../core/diagnostic.ts';

/** The code a type error carries. */
export const TYPE_ERROR_CODE = 'DVP002';

/** A type error's message is shown only as an excerpt: it may quote any literal of the app. */
const EXCERPT = 300;

export interface TypeCheck {
  readonly diagnostics: Diagnostic[];
  /** Why the check did not run, when it did not (no tsconfig.json). */
  readonly skipped?: string;
}

/** The nearest tsconfig.json at or above a folder. */
function findTsconfig(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const f = join(d, 'tsconfig.json');
    if (existsSync(f)) return f;
    if (dirname(d) === d) return undefined;
  }
}

/** The project's `tsc`: the script of the `typescript` package resolved from the project. */
function findCompiler(projectDir: string): { bin: string; packageDir: string } {
  let pkgJson: string;
  try {
    pkgJson = createRequire(join(projectDir, 'package.json')).resolve('typescript/package.json');
  } catch {
    throw new SetupError(
      `dvpc synth type-checks the TypeScript app with the project's own TypeScript compiler, and none is installed in ${projectDir}: run "npm install --save-dev typescript" (or skip the check with --no-typecheck)`,
    );
  }
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { bin?: string | Record<string, string> };
  const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['tsc'];
  if (rel === undefined) throw new SetupError(`the typescript package at ${dirname(pkgJson)} has no tsc: reinstall it (or skip the check with --no-typecheck)`);
  return { bin: join(dirname(pkgJson), rel), packageDir: dirname(pkgJson) };
}

/** `file(line,col): error TS1234: message`, as `tsc --pretty false` prints it. */
const LINE = /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
/** An error about no file (a bad tsconfig option). */
const GLOBAL = /^error (TS\d+): (.*)$/;

function excerpt(s: string): string {
  return s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s;
}

const HINT = 'fix the type error (the editor shows it too); `dvpc synth --no-typecheck` renders without this check';

/** The diagnostics of tsc's output. Continuation lines (indented) elaborate the error above them and are left out. */
export function parseTscOutput(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw);
    if (m) {
      out.push({ code: TYPE_ERROR_CODE, severity: severityOf(TYPE_ERROR_CODE), message: excerpt(`${m[4]}: ${m[5]}`), hint: HINT, file: m[1], line: Number(m[2]) });
      continue;
    }
    const g = GLOBAL.exec(raw);
    if (g) out.push({ code: TYPE_ERROR_CODE, severity: severityOf(TYPE_ERROR_CODE), message: excerpt(`${g[1]}: ${g[2]}`), hint: HINT });
  }
  return out;
}

/** Runs a command to its end; its output and exit code. */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/**
 * Type-checks the app with the project's compiler. Throws {@link SetupError} when the project has
 * no TypeScript compiler.
 */
export async function typeCheck(appFile: string): Promise<TypeCheck> {
  const app = resolve(appFile);
  const tsconfig = findTsconfig(dirname(app));
  if (tsconfig === undefined) return { diagnostics: [], skipped: `no tsconfig.json in ${dirname(app)} or above it` };
  const compiler = findCompiler(dirname(tsconfig));
  const config = appConfig(tsconfig, app, compiler.packageDir);
  try {
    // Without a configuration of its own (node_modules not writable), the whole project.
    const { code, output } = await run(process.execPath, [compiler.bin, '-p', config ?? tsconfig, ...(config ? [] : ['--noEmit']), '--pretty', 'false']);
    const diagnostics = parseTscOutput(output);
    if (code !== 0 && diagnostics.length === 0) {
      throw new SetupError(`the type check (${compiler.bin}) failed without reporting a type error: ${excerpt(output.trim()) || `exit code ${code}`} (skip it with --no-typecheck)`);
    }
    return { diagnostics };
  } finally {
    if (config) rmSync(config, { force: true });
  }
}

/**
 * A configuration that extends the project's and names only the app, in node_modules/.cache/dvpc
 * of the project (else of the folder holding the compiler), so that `types` and @types resolve
 * from there as they do for the project. Undefined when it cannot be written.
 */
function appConfig(tsconfig: string, app: string, compilerDir: string): string | undefined {
  const own = join(dirname(tsconfig), 'node_modules');
  const cache = join(existsSync(own) ? own : dirname(compilerDir), '.cache', 'dvpc');
  const config = join(cache, `tsconfig.typecheck-${process.pid}.json`);
  try {
    mkdirSync(cache, { recursive: true });
    writeFileSync(config, `${JSON.stringify({
      extends: tsconfig,
      compilerOptions: { noEmit: true, incremental: false, composite: false, emitDeclarationOnly: false },
      files: [app],
      include: [],
    }, null, 2)}\n`);
    return config;
  } catch {
    return undefined;
  }
}
