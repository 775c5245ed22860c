/**
 * Sizing policies of a VirtualMachineClass, in one shape whatever the class's version, and the
 * module's own rules on them (pkg/common/sizing_policy, the VM mutating and validating webhooks).
 * Shared by the VirtualMachine construct (to render the default coreFraction) and the checks.
 */
import { quantityBytes } from '../core/quantity.ts';

/** One sizing policy with quantities in bytes and core fractions as percentages. */
export interface Policy {
  readonly index: number;
  readonly coresMin: number;
  readonly coresMax: number;
  readonly coresStep: number | undefined;
  readonly memoryMin: bigint | undefined;
  readonly memoryMax: bigint | undefined;
  readonly memoryStep: bigint | undefined;
  readonly perCoreMin: bigint | undefined;
  readonly perCoreMax: bigint | undefined;
  readonly coreFractions: readonly number[];
  /** A percentage, 'Auto', or undefined. */
  readonly defaultCoreFraction: number | 'Auto' | undefined;
}

type Q = string | number | undefined;

/** A sizing policy as written in either version (quantities unparsed, fractions as 5 or "5%"). */
export interface RawPolicy {
  cores?: { min?: number; max?: number; step?: number } | undefined;
  memory?: { min?: Q; max?: Q; step?: Q; perCore?: { min?: Q; max?: Q } | undefined } | undefined;
  coreFractions?: readonly (number | string)[] | undefined;
  defaultCoreFraction?: number | string | undefined;
}

function bytes(q: Q): bigint | undefined {
  if (q === undefined) return undefined;
  const b = quantityBytes(q);
  // The module treats a zero quantity as unset.
  return b === undefined || b === 0n ? undefined : b;
}

/** "20%" or 20 → 20; anything else → undefined. */
export function percent(v: number | string | undefined): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^(100|[1-9][0-9]?)%$/.test(v)) return Number(v.slice(0, -1));
  return undefined;
}

export function normalizePolicies(raw: readonly RawPolicy[] | undefined): Policy[] {
  return (raw ?? []).map((p, index) => ({
    index,
    coresMin: p.cores?.min ?? 0,
    coresMax: p.cores?.max ?? 0,
    coresStep: p.cores?.step && p.cores.step > 0 ? p.cores.step : undefined,
    memoryMin: bytes(p.memory?.min),
    memoryMax: bytes(p.memory?.max),
    memoryStep: bytes(p.memory?.step),
    perCoreMin: bytes(p.memory?.perCore?.min),
    perCoreMax: bytes(p.memory?.perCore?.max),
    coreFractions: (p.coreFractions ?? []).map(percent).filter((n): n is number => n !== undefined),
    defaultCoreFraction: p.defaultCoreFraction === 'Auto' ? 'Auto' : percent(p.defaultCoreFraction),
  }));
}

/** The policy the module picks for a core count: the first whose [min, max] holds it. */
export function matchPolicy(policies: readonly Policy[], cores: number): Policy | undefined {
  return policies.find((p) => p.coresMin <= cores && cores <= p.coresMax);
}

export type DefaultFraction =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'no-policy' }
  | { readonly kind: 'undefined-default'; readonly policy: Policy };

/**
 * What the mutating webhook writes into a VM that gives no coreFraction: the matching policy's
 * defaultCoreFraction, else 100% when the policy allows it (or lists none), else it rejects.
 */
export function defaultCoreFraction(policies: readonly Policy[], cores: number): DefaultFraction {
  if (policies.length === 0) return { kind: 'value', value: '100%' };
  const policy = matchPolicy(policies, cores);
  if (!policy) return { kind: 'no-policy' };
  if (policy.defaultCoreFraction !== undefined) {
    return { kind: 'value', value: policy.defaultCoreFraction === 'Auto' ? 'Auto' : `${policy.defaultCoreFraction}%` };
  }
  if (policy.coreFractions.length > 0 && !policy.coreFractions.includes(100)) return { kind: 'undefined-default', policy };
  return { kind: 'value', value: '100%' };
}

/** The steps `Auto` moves between until the autoscaler has a value (sizing_policy.go). */
const DEFAULT_AUTO_STEPS = [5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 99];

/**
 * The share of each core (percent) a VM runs with: as written, else what the mutating webhook
 * fills in (100% where it would reject); `Auto` as the step closest to 10%, which is what the
 * module uses until the autoscaler recommends a value.
 */
export function effectiveCoreFraction(policies: readonly Policy[], cores: number, written: string | undefined): number {
  let cf = written;
  if (cf === undefined) {
    const d = defaultCoreFraction(policies, cores);
    cf = d.kind === 'value' ? d.value : '100%';
  }
  if (cf !== 'Auto') return Number(cf.replace('%', ''));
  const policy = matchPolicy(policies, cores);
  const steps = (policy?.coreFractions.length ? policy.coreFractions : DEFAULT_AUTO_STEPS).filter((f) => f < 100);
  return steps.reduce((best, f) => (Math.abs(f - 10) < Math.abs(best - 10) ? f : best), steps[0] ?? 100);
}

/** Run policies under which a VM must be running: what capacity has to hold (DVP501, the diff's picture). */
export const MUST_RUN: ReadonlySet<string> = new Set(['AlwaysOn', 'AlwaysOnUnlessStoppedManually']);

/** CPU a VM requests, in millicores: cores × core fraction, rounded up as the scheduler's request is. */
export function requestedMilliCpu(cores: number, fractionPercent: number): bigint {
  return (BigInt(cores) * 1000n * BigInt(fractionPercent) + 99n) / 100n;
}

/** The grid values around `value` on min, min+step, ... (< max) plus max: what to suggest instead. */
export function gridNeighbours(min: bigint, max: bigint, step: bigint, value: bigint): [bigint, bigint] {
  if (value <= min) return [min, min];
  const below = min + ((value - min) / step) * step;
  const above = below + step;
  return [below, above >= max ? max : above];
}

/** Whether a value sits on the grid min, min+step, ... (< max), or equals max. */
export function onGrid(min: bigint, max: bigint, step: bigint, value: bigint): boolean {
  if (value === max) return true;
  return value >= min && (value - min) % step === 0n;
}

/** Sockets the module gives a VM of this many cores (pkg/common/vm CalculateCoresAndSockets). */
export function socketsFor(cores: number): number {
  if (cores <= 16) return 1;
  if (cores <= 32) return 2;
  if (cores <= 64) return 4;
  return 8;
}
