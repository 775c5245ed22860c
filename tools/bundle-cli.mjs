// Part of `npm run build`, after tsc: bundles each command module that runs no code of the
// user's (every command but synth) with its dependencies (zod, yaml, ipaddr.js) into a few files.
// Node's module loader spends most of a small `dvpc check` resolving and reading the ~200 files
// of the unbundled graph; bundled, `dvpc check` of one VM starts in half the time.
//
// synth and ci stay unbundled: they run the user's app, which imports `dvpc` (build/index.js), and the
// constructs it builds must be the very classes synth inspects. cdk8s, constructs,
// cdk8s-plus-28 (peer dependencies, one copy shared with the app) and tsx stay external.
// The bundles replace tsc's output in place, so the command table of lib/cli/main.ts finds them.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const COMMANDS = join(import.meta.dirname, '..', 'build', 'cli', 'commands');
const UNBUNDLED = new Set(['synth.js', 'ci.js']);

const entryPoints = readdirSync(COMMANDS).filter((f) => f.endsWith('.js') && !UNBUNDLED.has(f)).map((f) => join(COMMANDS, f));
await build({
  entryPoints,
  outdir: COMMANDS,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Maps lead a stack (DVPC_DEBUG=1) back to dvpc's TypeScript; their sources are not copied in,
  // as the dependencies' would be several megabytes.
  sourcemap: true,
  sourcesContent: false,
  external: ['cdk8s', 'constructs', 'cdk8s-plus-28', 'tsx', 'tsx/*'],
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __dvpcRequire } from 'node:module'; const require = __dvpcRequire(import.meta.url);" },
  logLevel: 'warning',
});
