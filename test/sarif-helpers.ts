/**
 * What SARIF must satisfy to be uploaded to GitHub code scanning: the official SARIF 2.1.0 schema
 * (test/fixtures/sarif/), and the rules the upload adds on top, mirrored from github/codeql-action
 * v4.36.2 (src/upload-lib.ts, src/sarif/index.ts) and GitHub's documented limits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
// A CommonJS module: its class is module.exports and module.exports.default alike.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(schema);

export interface SarifRun {
  tool: { driver: { name: string; fullName?: string; version?: string; semanticVersion?: string; guid?: string; informationUri?: string; rules?: { id: string; help?: { text?: string; markdown?: string }; shortDescription?: { text: string } }[] } };
  automationDetails?: { id?: string };
  results?: { ruleId?: string; ruleIndex?: number; level?: string; message: { text?: string }; locations?: { physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string }; region?: { startLine?: number } }; logicalLocations?: { fullyQualifiedName?: string }[] }[]; properties?: Record<string, unknown> }[];
  properties?: Record<string, unknown>;
}
export interface SarifLog {
  version: string;
  runs: SarifRun[];
}

/** Where the log breaks the SARIF 2.1.0 schema. */
export function schemaProblems(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/**
 * Where several SARIF files, uploaded together (upload-sarif given a folder), break code
 * scanning's rules: no two runs of one tool and category (codeql-action refuses to combine runs
 * whose tool name, full name, version, semantic version, guid and automationDetails.id are all
 * equal), a category per run that ends with "/" (the action appends one; without it the server
 * reads the last part as a run id, so `dvpc/prod` and `dvpc/lab` would be one category `dvpc/`),
 * at most 20 runs per upload and 25,000 results per run, every result's rule among the run's
 * rules, an absolute informationUri.
 */
export function codeScanningProblems(logs: readonly SarifLog[]): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  const categories = new Set<string>();
  const runs = logs.flatMap((l) => l.runs);
  if (runs.length > 20) problems.push(`${runs.length} runs in one upload (at most 20)`);
  for (const run of runs) {
    const d = run.tool.driver;
    const id = run.automationDetails?.id;
    const key = JSON.stringify({ name: d.name, fullName: d.fullName, version: d.version, semanticVersion: d.semanticVersion, guid: d.guid, automationId: id });
    if (keys.has(key)) problems.push(`two runs of one tool and category: ${key}`);
    keys.add(key);
    const category = id === undefined ? '(none)' : id.endsWith('/') ? id : id.slice(0, id.lastIndexOf('/') + 1);
    if (categories.has(category)) problems.push(`two runs of category ${category}`);
    categories.add(category);
    if (id === undefined || !id.endsWith('/')) problems.push(`run category ${String(id)} does not end with "/"`);
    if (d.version === undefined) problems.push('no tool version');
    try {
      if (!/^https?:$/.test(new URL(d.informationUri ?? '').protocol)) problems.push(`informationUri ${d.informationUri}`);
    } catch {
      problems.push(`informationUri ${String(d.informationUri)} is not a URL`);
    }
    const rules = d.rules ?? [];
    for (const r of rules) if (!r.help?.text || !r.help.markdown) problems.push(`rule ${r.id} has no help`);
    if ((run.results ?? []).length > 25000) problems.push(`${run.results?.length} results in a run (at most 25,000)`);
    for (const r of run.results ?? []) {
      const i = r.ruleIndex;
      if (!rules.some((x) => x.id === r.ruleId) || (i !== undefined && rules[i]?.id !== r.ruleId)) problems.push(`result of unknown rule ${String(r.ruleId)}`);
      for (const l of r.locations ?? []) {
        const uri = l.physicalLocation?.artifactLocation?.uri ?? '';
        if (uri === '' || /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/') || /[\s\\]/.test(uri)) problems.push(`artifact uri "${uri}" is not relative to the repository`);
      }
    }
  }
  return problems;
}
