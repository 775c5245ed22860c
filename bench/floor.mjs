// The parse floor: read every *.yaml file under a folder and parse it with the `yaml` package's
// document API (parseAllDocuments, then toJS), as a program that does nothing else would.
// Plain JavaScript, so that it starts like the compiled dvpc does.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

function files(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

let docs = 0;
for (const f of files(process.argv[2])) for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) {
  d.toJS();
  docs++;
}
process.stdout.write(`${docs}\n`);
