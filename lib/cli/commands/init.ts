/**
 * `dvpc init [DIR]`: a GitOps repository that uses dvpc, ready for `npm install && npm run synth`:
 * package.json, tsconfig.json, cdk8s.yaml, stacks/ with one cluster, inventory/ with how to capture
 * it, the pull-request workflow, .gitignore and a README. The files come from the package's
 * templates/init/ folder (the workflow is the package's own .github/workflows/dvpc.yml); nothing
 * is overwritten: when any of them exists, init names them and writes nothing.
 */
import { packageRoot } from '../package-info.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { parse, stringFlag, type Command, type Io } from '../args.ts';

const usage = `Usage: dvpc init [DIR] [--cluster NAME]

Creates a GitOps repository in DIR (default: the current folder) that uses dvpc:
package.json (dvpc, cdk8s, constructs, cdk8s-plus-28, typescript, vitest), tsconfig.json,
cdk8s.yaml, stacks/ with one cluster, inventory/ with how to capture it, a test, the
pull-request workflow (.github/workflows/dvpc.yml), .gitignore and a README. Existing files are
never overwritten: init names them and writes nothing.

Then: npm install && npm run synth

Options:
  --cluster NAME  the cluster's name: its folder in stacks/, inventory/ and dist/ (default lab)

Exit codes: 0 created, 1 a file exists already (nothing written), 2 usage error.
`;

/** The package's root: templates/ and the workflow live there, in the sources and in the build. */
const ROOT = packageRoot();
const TEMPLATES = join(ROOT, 'templates', 'init');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'dvpc.yml');

/** Template names that npm would not ship under their real name. */
const RENAMED: Record<string, string> = { gitignore: '.gitignore' };

const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

interface PackageJson {
  name: string;
  version: string;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The versions the new repository depends on: dvpc itself, and what dvpc is built and tested with. */
function devDependencies(own: PackageJson): Record<string, string> {
  const tested = own.devDependencies ?? {};
  const out: Record<string, string> = { dvpc: `^${own.version}` };
  for (const name of ['cdk8s', 'cdk8s-plus-28', 'constructs', 'typescript', '@types/node', 'vitest']) {
    const range = tested[name] ?? own.peerDependencies?.[name];
    if (range !== undefined) out[name] = range;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A valid npm package name from the folder's name. */
function packageName(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '');
  return name.length > 0 ? name : 'gitops';
}

/** `prod-eu` → `prodEu`: the function that builds the cluster. */
function identifier(cluster: string): string {
  return cluster.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Every template file, by the path it gets in the new repository. */
function templateFiles(vars: Record<string, string>): Map<string, string> {
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => vars[key] ?? m);
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
        continue;
      }
      const rel = relative(TEMPLATES, p).split('\\').join('/').replace(/__cluster__/g, vars['cluster'] ?? '');
      const target = rel.split('/').map((part) => RENAMED[part] ?? part).join('/');
      out.set(target, fill(readFileSync(p, 'utf8')));
    }
  };
  walk(TEMPLATES);
  return out;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { cluster: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError(`init takes one DIR (got ${positionals.join(' ')})`);
  const dir = positionals[0] ?? '.';
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file, not a folder`);
  const cluster = stringFlag(values, 'cluster') ?? 'lab';
  if (!CLUSTER_NAME.test(cluster)) throw new UsageError(`--cluster ${cluster}: a cluster name is a DNS-1123 label starting with a letter (lower-case letters, digits and "-")`);

  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const name = packageName(dir);
  const files = templateFiles({ name, cluster, clusterIdent: identifier(cluster) });
  const pkg = { name, private: true, type: 'module', description: 'Virtual machines of the Deckhouse Virtualization Platform, rendered by dvpc', scripts: { synth: 'dvpc synth', test: 'tsc -p . && vitest run' }, devDependencies: devDependencies(own) };
  files.set('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  files.set('.github/workflows/dvpc.yml', readFileSync(WORKFLOW, 'utf8'));

  const existing = [...files.keys()].filter((rel) => existsSync(join(dir, rel))).sort();
  if (existing.length > 0) {
    io.err(`dvpc: init writes nothing: ${existing.length === 1 ? 'this file exists' : 'these files exist'} in ${dir}: ${existing.join(', ')}\n  hint: init a new folder (dvpc init DIR), or move them away\n`);
    return 1;
  }
  for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text, { flag: 'wx' });
  }
  io.err(`created a dvpc repository in ${dir} (cluster ${cluster}): ${files.size} files\nnext: ${dir === '.' ? '' : `cd ${dir} && `}npm install && npm run synth\n`);
  return 0;
}

export const command: Command = { usage, run };
