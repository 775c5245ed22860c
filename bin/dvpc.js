#!/usr/bin/env node
// dvpc's command line: the compiled JavaScript in build/ (npm run build; `npm ci` builds it).
// TypeScript is compiled only for the user's app, by `dvpc synth`, never for dvpc itself.
// DVPC_DEBUG=1 shows the stack of an internal error, mapped to dvpc's TypeScript sources.
if (process.env.DVPC_DEBUG) process.setSourceMapsEnabled(true);
// A reader that stops early (`dvpc check ... | head`) closes the pipe: that ends the run quietly,
// as it does for any command-line tool, instead of an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
let cli;
try {
  cli = await import('../build/cli/main.js');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('/build/cli/main.js')) {
    process.stderr.write('dvpc: the package is not built (build/ is missing): run "npm run build" in its folder\n');
    process.exit(3);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv.slice(2));
