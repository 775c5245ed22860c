/**
 * Running the user's app (the `dvpc synth` app, or a `Testing` factory) so that its mistakes come
 * back as diagnostics with the user's TypeScript line, and only dvpc's own faults as internal
 * errors:
 * - a duplicate construct id (constructs throws a bare Error that names only the parent's id) is
 *   DVP004 with the full construct path, together with what the constructors recorded so far;
 * - an error the app throws itself is an {@link AppError} at the user's line;
 * - on request, the user's line that created each of some construct paths (the ones the checks
 *   reported on): a stack per construct costs about 7 µs and hundreds of bytes, too much for every
 *   one of 140,000 objects, so it is taken only in a second run, only for the paths asked for.
 *
 * Every construct is added to its parent by the `constructs` library's `Node.addChild`; this
 * module wraps that one method while the app is being built, and restores it afterwards.
 */
import { Node, type IConstruct } from 'constructs';
import { DvpcError } from '../core/errors.ts';
import { captureStack, isOwnFile, stackFrames, userLocation, type SourceLocation } from '../core/source.ts';
import { constructDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { recordedProblems } from './base.ts';

/** An error thrown by the user's own code while the app was built: exit 1, with its location. */
export class AppError extends Error {
  constructor(message: string, readonly source: SourceLocation | undefined) {
    super(message);
    this.name = 'AppError';
  }
}

/** The app stopped on a mistake dvpc can name: these diagnostics, the last being the one it stopped on. */
export class AppDiagnostics extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'AppDiagnostics';
  }
}

type AddChild = (this: Node, child: IConstruct, childName: string) => void;

interface Watch {
  /** Construct paths whose creation site is wanted. */
  readonly wanted: ReadonlySet<string> | undefined;
  readonly sites: Map<string, SourceLocation>;
  /** Roots of the trees built, for the problems their constructors recorded. */
  readonly roots: Set<IConstruct>;
}

const DUPLICATE_ID = /^There is already a Construct with name '/;
/** Whether an app is being built under the watch. */
let building = false;
/** A thrown message is shown only as an excerpt: it may quote anything the app read. */
const EXCERPT = 300;

function excerpt(s: string): string {
  return s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s;
}

function watchedAddChild(original: AddChild, watch: Watch): AddChild {
  return function addChild(this: Node, child: IConstruct, childName: string): void {
    if (this.path === '') watch.roots.add(this.root);
    try {
      original.call(this, child, childName);
    } catch (e) {
      if (e instanceof Error && DUPLICATE_ID.test(e.message)) {
        const path = this.path === '' ? childName : `${this.path}/${childName}`;
        const err = new DvpcError('DVP004', `the construct id "${childName}" is used twice in ${this.path === '' ? 'the app' : `"${this.path}"`}`, 'give each construct its own id within its scope (the id is also the default object name)', path);
        err.source = userLocation(e.stack);
        throw err;
      }
      throw e;
    }
    if (watch.wanted) {
      const path = this.path === '' ? childName : `${this.path}/${childName}`;
      if (watch.wanted.has(path)) {
        const site = userLocation(captureStack());
        if (site) watch.sites.set(path, site);
      }
    }
  };
}

/** What the error the app threw becomes: a diagnostic, the app's own error, or (dvpc's fault) itself. */
function classify(e: unknown, watch: Watch): Error {
  const recorded = () => [...watch.roots].flatMap((r) => recordedProblems(r).map(constructDiagnostic));
  if (e instanceof DvpcError) {
    e.source ??= userLocation(e.stack);
    return new AppDiagnostics([...recorded(), constructDiagnostic(e)]);
  }
  if (!(e instanceof Error)) return new AppError(`the app threw ${excerpt(String(e))}`, undefined);
  // Thrown inside dvpc's own code: a fault of dvpc (exit 3). Anywhere else, the app's own error.
  const top = stackFrames(e.stack ?? '')[0];
  if (top !== undefined && isOwnFile(top.file)) return e;
  return new AppError(`${e.name}: ${excerpt(e.message)}`, userLocation(e.stack));
}

/**
 * Builds the app with `build`, watching every construct added. Returns what `build` returned and,
 * for each construct path of `sitesOf`, the user's line that created it. Throws
 * {@link AppDiagnostics} or {@link AppError} for the app's mistakes; anything else is dvpc's.
 */
export async function buildApp<T>(build: () => T | Promise<T>, sitesOf?: ReadonlySet<string>): Promise<{ value: T; sites: Map<string, SourceLocation> }> {
  // One watch at a time: a second, interleaved build would restore the method under the first.
  if (building) throw new Error('buildApp: an app is being built already');
  building = true;
  const proto = Node.prototype as unknown as { addChild?: AddChild };
  const original = proto.addChild;
  const watch: Watch = { wanted: sitesOf && sitesOf.size > 0 ? sitesOf : undefined, sites: new Map(), roots: new Set() };
  // A `constructs` without the method (a future major version) builds the app unwatched.
  if (typeof original === 'function') proto.addChild = watchedAddChild(original, watch);
  try {
    return { value: await build(), sites: watch.sites };
  } catch (e) {
    throw classify(e, watch);
  } finally {
    if (typeof original === 'function') proto.addChild = original;
    building = false;
  }
}

/**
 * The user's line for each diagnostic about a construct: the line that created that construct, or
 * its nearest ancestor (an object a construct makes for itself was created on the user's line
 * that made the construct).
 */
export function withSources(diagnostics: readonly Diagnostic[], sites: ReadonlyMap<string, SourceLocation>): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.source !== undefined || d.constructPath === undefined) return d;
    for (let p = d.constructPath; p.length > 0; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
      const site = sites.get(p);
      if (site) return { ...d, source: site };
    }
    return d;
  });
}

/** The construct paths (and their ancestors) that diagnostics without a source name. */
export function pathsWanted(diagnostics: readonly Diagnostic[]): Set<string> {
  const out = new Set<string>();
  for (const d of diagnostics) {
    if (d.source !== undefined || d.constructPath === undefined) continue;
    for (let p = d.constructPath; p.length > 0 && !out.has(p); p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') out.add(p);
  }
  return out;
}

/**
 * The diagnostics, each about a construct given the user's line that made it, found by building
 * the app once more with `build` while watching for those constructs. When that second run fails
 * (an app that is not deterministic), the diagnostics stay as they were.
 */
export async function attachSources(diagnostics: Diagnostic[], build: () => unknown): Promise<Diagnostic[]> {
  const wanted = pathsWanted(diagnostics);
  if (wanted.size === 0) return diagnostics;
  try {
    const { sites } = await buildApp(build, wanted);
    return withSources(diagnostics, sites);
  } catch {
    return diagnostics;
  }
}
