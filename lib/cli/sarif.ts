/**
 * SARIF 2.1.0 for GitHub code scanning: one run per cluster, each with its own category
 * (`runs[].automationDetails.id`), because code scanning refuses two runs of one category in an
 * upload and closes the alerts of a category that a later analysis no longer reports. Every run
 * names the tool's version and home page and carries every rule with its help text.
 *
 * Limits code scanning sets (and what happens here): 25,000 results per run are accepted and
 * 5,000 shown, so a run keeps its first 5,000 results, errors first, and says how many it left
 * out; 20 runs per upload, which the pull-request script warns about.
 */
import type { Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { Diagnostic } from '../core/diagnostic.ts';
import { looseReport, type Report } from '../check/index.ts';
import type { SynthResult } from '../synth.ts';
import { CODES, type CodeInfo } from '../core/codes.ts';
import { packageInfo } from './package-info.ts';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One run: the category it is uploaded under and its report. */
export interface SarifRunInput {
  /** `runs[].automationDetails.id`: ends with "/", as code scanning's categories do. */
  readonly category: string;
  readonly report: Report;
}

export interface SarifOptions {
  /**
   * The repository root: result paths are made relative to it (a file outside it gets a file:// URI).
   * @default the working directory
   */
  readonly root?: string;
  /** Where results with no file of their own are shown (the app's entry file), so that code scanning displays them. */
  readonly fallbackFile?: string;
  /**
   * Results kept per run, errors first.
   * @default 5000, what code scanning shows of a run
   */
  readonly maxResults?: number;
}

/** The category of a cluster's run: `dvpc/cluster/<name>/`. */
export function clusterCategory(cluster: string): string {
  return `dvpc/cluster/${cluster}/`;
}
/** The category of what belongs to no cluster: the app itself, the GitOps hand-off. */
export const APP_CATEGORY = 'dvpc/app/';
/** The category of a `dvpc check` run. */
export const CHECK_CATEGORY = 'dvpc/check/';

/** Rules that are not diagnostic codes: the app itself failed. */
const EXTRA_RULES: Record<string, CodeInfo> = {
  'app-error': { severity: 'error', title: 'The app did not run: it failed to load or threw before any check could run' },
};

/** Help per area of codes (the hundreds digit), shown by code scanning beside each alert. */
const AREA_HELP: Record<string, { readonly tag: string; readonly text: string }> = {
  '0': { tag: 'form', text: 'The object does not fit the schema of its kind (the module\'s CRDs and their CEL rules), has an invalid name, or is defined twice; the cluster would reject it at admission. Fix the field named in the result.' },
  '1': { tag: 'network', text: 'Subnets and addresses: the module\'s virtualMachineCIDRs must parse, be aligned, not overlap each other or the cluster\'s pod, service and node networks, and hold every static address; subnets in use must not be removed.' },
  '2': { tag: 'classes', text: 'VirtualMachineClasses and sizing: the class must exist and be able to run on some VM node, and each VM\'s cores, memory and core fraction must fit a sizing policy of its class.' },
  '3': { tag: 'storage', text: 'The StorageClass each disk and image resolves to (spec, then the module default, then the cluster default) must exist, be permitted by the ModuleConfig, and not be deprecated.' },
  '4': { tag: 'references', text: 'Disks, images, snapshots, addresses and Secrets named by another object must exist, otherwise that object waits for them forever; a disk belongs to one VM; a VM has at most 16 block devices.' },
  '5': { tag: 'capacity', text: 'The VMs that must run have to fit the nodes their class can use, with one node of headroom, on NodeGroups with fencing; a VM that cannot live-migrate blocks a drain.' },
  '6': { tag: 'baseline', text: 'Against the previous state: removing a disk loses its data, immutable fields cannot change, volumes cannot shrink, addresses that move break clients. Approve an intended change with `--allow CODE`, the pull-request label `dvpc/allow:CODE`, or the annotation `dvpc/allow: "CODE"` on the object.' },
  '7': { tag: 'secrets', text: 'Secrets in clear in the GitOps path (private keys, passwords, credential Secrets) and supply-chain risks (images over plain http without a checksum, user data cloud-init will not read). Move the secret out of git (a Secret managed outside it) and rotate it.' },
};

function rule(id: string, info: CodeInfo): ReportingDescriptor {
  const area = /^DVP(\d)/.exec(id)?.[1];
  const help = area !== undefined ? AREA_HELP[area] : undefined;
  const needs = info.needs === 'inventory' ? ' It needs the cluster\'s inventory (`--inventory`, or the Cluster\'s `inventory`) and is skipped without one.' : info.needs === 'baseline' ? ' It needs the previous state (`--baseline` or `--baseline-ref`) and is skipped without one.' : '';
  const text = `${info.title}.${help ? ` ${help.text}` : ''}${needs} Each result says which value breaks the rule and how to fix it.`;
  const level = info.severity === 'error' ? 'error' : 'warning';
  return {
    id,
    name: id,
    shortDescription: { text: info.title },
    fullDescription: { text: `${info.title}.` },
    help: { text, markdown: `**${id}**: ${text}` },
    defaultConfiguration: { level },
    properties: { tags: ['dvpc', help?.tag ?? 'app'], precision: 'very-high', 'problem.severity': level },
  };
}

/** `origin/main:dist/prod/disks.yaml`: a file of the baseline read from git (not a drive letter). */
const GIT_FILE = /^(?![A-Za-z]:[\\/])([^:]+):(.+)$/;

/**
 * A diagnostic's file relative to the repository root (`/` separators), or undefined when it lies
 * outside: a file of the baseline read from git (`ref:path`) is already relative to the root.
 */
export function repoRelativePath(file: string, root: string = process.cwd()): string | undefined {
  const fromGit = GIT_FILE.exec(file);
  if (fromGit) return fromGit[2] as string;
  const rel = relative(root, resolve(file));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split('\\').join('/');
}

/** A file as a URI: relative to the repository root, each segment percent-encoded; a file:// URI outside it. */
function artifactUri(file: string, root: string | undefined): string {
  const rel = repoRelativePath(file, root);
  return rel === undefined ? pathToFileURL(resolve(file)).href : rel.split('/').map(encodeURIComponent).join('/');
}

function location(d: Diagnostic, options: SarifOptions): Location[] {
  const file = d.file ?? options.fallbackFile;
  if (file === undefined) return [];
  const logical = d.resource !== undefined ? [{ fullyQualifiedName: `${d.resource}${d.path ? `/${d.path}` : ''}`, kind: 'resource' }] : d.constructPath !== undefined ? [{ fullyQualifiedName: d.constructPath, kind: 'construct' }] : undefined;
  return [{
    physicalLocation: {
      artifactLocation: { uri: artifactUri(file, options.root), ...(repoRelativePath(file, options.root) !== undefined ? { uriBaseId: '%SRCROOT%' } : {}) },
      ...(d.file !== undefined && d.line !== undefined && d.line > 0 ? { region: { startLine: d.line } } : {}),
    },
    ...(logical ? { logicalLocations: logical } : {}),
  }];
}

function result(d: Diagnostic, ruleIndex: ReadonlyMap<string, number>, options: SarifOptions): Result {
  const where = [d.resource, d.path].filter(Boolean).join(' ');
  const construct = d.constructPath !== undefined && d.file === undefined ? ` (construct ${d.constructPath})` : '';
  const properties: Record<string, string> = {};
  if (d.constructPath !== undefined) properties['constructPath'] = d.constructPath;
  if (d.file !== undefined && GIT_FILE.test(d.file)) properties['baselineFile'] = d.file;
  return {
    ruleId: d.code,
    ...(ruleIndex.has(d.code) ? { ruleIndex: ruleIndex.get(d.code) as number } : {}),
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: `${where ? `${where}: ` : ''}${d.message}${construct}\nHint: ${d.hint}` },
    locations: location(d, options),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

function run(input: SarifRunInput, options: SarifOptions): Run {
  const info = packageInfo();
  const used = new Set(input.report.diagnostics.map((d) => d.code));
  const rules = [
    ...Object.entries(CODES).map(([id, c]) => rule(id, c)),
    ...Object.entries(EXTRA_RULES).filter(([id]) => used.has(id)).map(([id, c]) => rule(id, c)),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const max = options.maxResults ?? 5000;
  // Errors first, each group in the report's order, so a cut keeps what fails the change.
  const ordered = [...input.report.diagnostics.filter((d) => d.severity === 'error'), ...input.report.diagnostics.filter((d) => d.severity !== 'error')];
  const kept = ordered.slice(0, max);
  const s = input.report.summary;
  return {
    tool: { driver: { name: 'dvpc', fullName: 'dvpc: Deckhouse Virtualization Platform GitOps compiler', version: info.version, semanticVersion: info.version, informationUri: info.homepage, rules } },
    automationDetails: { id: input.category },
    results: kept.map((d) => result(d, ruleIndex, options)),
    columnKind: 'utf16CodeUnits',
    properties: { summary: { files: s.files, resources: s.resources, errors: s.errors, warnings: s.warnings, skipped: s.skipped }, ...(ordered.length > kept.length ? { resultsLeftOut: ordered.length - kept.length } : {}) },
  };
}

/** A SARIF log of one run per input. */
export function sarifLog(runs: readonly SarifRunInput[], options: SarifOptions = {}): Log {
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: runs.map((r) => run(r, options)),
  };
}

export function formatSarifRuns(runs: readonly SarifRunInput[], options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(runs, options), null, 2)}\n`;
}

/** A synth's runs: one per cluster, and one for what belongs to none (always present, so its old alerts close). */
export function synthRuns(result: SynthResult, allow: ReadonlySet<string>, extra: readonly Diagnostic[] = []): SarifRunInput[] {
  return [
    ...result.clusters.map((c) => ({ category: clusterCategory(c.cluster), report: c.report })),
    { category: APP_CATEGORY, report: looseReport([...result.appDiagnostics, ...extra], allow) },
  ];
}
