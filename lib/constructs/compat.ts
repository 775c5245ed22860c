/**
 * One copy of `constructs`. dvpc's constructs join the user's construct tree, which only works
 * when both are built on the same copy of the library: with two (dvpc linked with its own
 * node_modules, or installed with --legacy-peer-deps beside another version), the tree breaks
 * deep inside the library ("scope.node._scopes is not iterable"). This names both copies and
 * says how to get one, before anything is built on the wrong one.
 */
import { Construct, type IConstruct } from 'constructs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import { SetupError } from '../core/errors.ts';

const RTTI = Symbol.for('jsii.rtti');

/** The version a copy of `constructs` declares on its Construct class. */
function versionOf(cls: unknown): string | undefined {
  for (let c = cls; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const rtti = Object.getOwnPropertyDescriptor(c, RTTI)?.value as { fqn?: string; version?: string } | undefined;
    if (rtti?.fqn === 'constructs.Construct') return rtti.version;
  }
  return undefined;
}

/** The package folder of `constructs` as resolved from a file or folder, if it resolves. */
function copyFrom(from: string | URL): string | undefined {
  try {
    const entry = createRequire(from).resolve('constructs');
    const at = entry.lastIndexOf(`${sep}node_modules${sep}constructs${sep}`);
    return at < 0 ? dirname(entry) : entry.slice(0, at + `${sep}node_modules${sep}constructs`.length);
  } catch {
    return undefined;
  }
}

function peerRange(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies?: Record<string, string> };
    return pkg.peerDependencies?.[name] ?? 'its peer range';
  } catch {
    return 'its peer range';
  }
}

/** The scope, when it is a construct of dvpc's copy of `constructs`; a clear error otherwise. */
export function oneConstructsCopy<T extends IConstruct>(scope: T): T {
  if (scope instanceof Construct || !Construct.isConstruct(scope)) return scope;
  const ours = copyFrom(new URL(import.meta.url));
  const theirs = copyFrom(join(process.cwd(), 'package.json'));
  const appCopy = `${versionOf((scope as object).constructor) ?? 'unknown version'}${theirs !== undefined && theirs !== ours ? `, ${theirs}` : ''}`;
  const dvpcCopy = `${versionOf(Construct) ?? 'unknown version'}${ours !== undefined ? `, ${ours}` : ''}`;
  throw new SetupError(
    `two copies of the "constructs" library are loaded: the app's scope is a Construct of one (${appCopy}), dvpc's constructs use another (${dvpcCopy}).\n`
    + `  dvpc declares cdk8s, constructs and cdk8s-plus-28 as peer dependencies so that the project has one copy of each: make the project's versions satisfy dvpc's ranges (constructs ${peerRange('constructs')}, cdk8s ${peerRange('cdk8s')}), then reinstall and dedupe (npm install && npm dedupe). Do not install dvpc with --legacy-peer-deps, or link it with a node_modules of its own.`,
  );
}
