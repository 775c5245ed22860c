/**
 * Kubernetes resource quantities ("50G", "512Mi", "1.5Gi", "250m"), parsed exactly, once, here.
 *
 * A quantity is held as a count of nano-units in a bigint, which is the finest precision
 * Kubernetes keeps: "1.5Gi" is exactly 1610612736 bytes and "0.1" is exactly 100m, with no
 * floating-point rounding anywhere. Callers turn it into bytes or millicores with the rounding
 * Kubernetes uses (up).
 */

/**
 * The quantity grammar of the CRDs' `pattern` (k8s.io/apimachinery), stricter in one place:
 * the exponent must be an integer, as resource.ParseQuantity requires.
 */
const QUANTITY_RE =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

/** The pattern every quantity field of the CRDs carries (also used by the zod schemas). */
export const QUANTITY_PATTERN =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

const BINARY_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Kubernetes caps quantities at int64; anything above is not a quantity the API server keeps. */
const MAX_NANOS = (2n ** 63n - 1n) * 10n ** 9n;

/** An exact quantity: `nanos` nano-units (1 byte = 1e9 nanos, 1 core = 1e9 nanos). */
export interface Quantity {
  readonly nanos: bigint;
}

/**
 * Parses a quantity written as a string or a plain integer (int-or-string fields).
 * Returns undefined for anything Kubernetes would not parse.
 */
export function parseQuantity(input: string | number): Quantity | undefined {
  if (typeof input === 'string') {
    // Fleets repeat a handful of sizes ("2Gi", "20Gi") hundreds of thousands of times.
    if (memo.has(input)) return memo.get(input);
    const q = parseQuantityText(input);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(input, q);
    return q;
  }
  return parseQuantityText(input);
}

const MEMO_LIMIT = 10_000;
const memo = new Map<string, Quantity | undefined>();

function parseQuantityText(input: string | number): Quantity | undefined {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) return undefined;
    return { nanos: BigInt(input) * 10n ** 9n };
  }
  const m = QUANTITY_RE.exec(input);
  if (!m) return undefined;
  const [, sign, mantissa = '', binSuffix, decSuffix, exponent] = m;
  const [intPart = '', fracPart = ''] = mantissa.split('.');
  const digits = BigInt((intPart + fracPart) || '0');
  let exp10 = 9 - fracPart.length;
  let exp2 = 0;
  if (binSuffix) exp2 = BINARY_EXP[binSuffix] ?? 0;
  if (decSuffix) exp10 += DECIMAL_EXP[decSuffix] ?? 0;
  if (exponent !== undefined) {
    const e = Number(exponent);
    if (!Number.isSafeInteger(e) || Math.abs(e) > 40) return undefined;
    exp10 += e;
  }
  let nanos = digits * 2n ** BigInt(exp2);
  if (exp10 >= 0) {
    nanos *= 10n ** BigInt(exp10);
  } else {
    // Precision below a nano-unit is rounded up, as Kubernetes does.
    const div = 10n ** BigInt(-exp10);
    nanos = (nanos + div - 1n) / div;
  }
  if (nanos > MAX_NANOS) return undefined;
  return { nanos: sign === '-' ? -nanos : nanos };
}

/** Whole bytes (or whole units), rounded up as resource.Quantity.Value() does. */
export function toUnits(q: Quantity): bigint {
  const unit = 10n ** 9n;
  if (q.nanos >= 0n) return (q.nanos + unit - 1n) / unit;
  return -((-q.nanos + unit - 1n) / unit);
}

/** Millicores (or milli-units), rounded up as resource.Quantity.MilliValue() does. */
export function toMilli(q: Quantity): bigint {
  const unit = 10n ** 6n;
  if (q.nanos >= 0n) return (q.nanos + unit - 1n) / unit;
  return -((-q.nanos + unit - 1n) / unit);
}

/** Bytes of a quantity string, or undefined when it does not parse. */
export function quantityBytes(input: string | number): bigint | undefined {
  const q = parseQuantity(input);
  return q === undefined ? undefined : toUnits(q);
}

/** Writes a byte count for people: the largest binary suffix that divides it, else plain bytes. */
export function formatBytes(bytes: bigint): string {
  if (bytes === 0n) return '0';
  for (const [suffix, exp] of [['Ei', 60], ['Pi', 50], ['Ti', 40], ['Gi', 30], ['Mi', 20], ['Ki', 10]] as const) {
    const unit = 2n ** BigInt(exp);
    if (bytes % unit === 0n) return `${bytes / unit}${suffix}`;
  }
  // Not a whole binary unit: show one decimal in the nearest unit a person reads easily.
  const abs = bytes < 0n ? -bytes : bytes;
  for (const [suffix, exp] of [['Gi', 30], ['Mi', 20], ['Ki', 10]] as const) {
    const unit = 2n ** BigInt(exp);
    if (abs >= unit) return `${(Number(bytes) / Number(unit)).toFixed(2)}${suffix}`;
  }
  return `${bytes}`;
}

/**
 * A byte count as people read capacity: the largest binary unit it reaches, with one decimal when
 * not whole ("251.6Gi" for a node's "263847352Ki"), so that figures of one message compare at a glance.
 */
export function humanBytes(bytes: bigint): string {
  const abs = bytes < 0n ? -bytes : bytes;
  for (const [suffix, exp] of [['Ei', 60], ['Pi', 50], ['Ti', 40], ['Gi', 30], ['Mi', 20], ['Ki', 10]] as const) {
    const unit = 2n ** BigInt(exp);
    if (abs < unit) continue;
    if (bytes % unit === 0n) return `${bytes / unit}${suffix}`;
    return `${(Number(bytes) / Number(unit)).toFixed(1)}${suffix}`;
  }
  return `${bytes}`;
}
