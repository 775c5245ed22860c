/**
 * Network (DVP101–DVP108): VM subnets, static addresses, leases. The module's webhooks check most
 * of this on update of the ModuleConfig and on create of an address claim; dvpc checks it before
 * commit, and also node networks, which the module does not.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { CidrIndex, alignedText, contains, findOverlaps, formatAddress, overlaps, parseAddress, parseCidr, type Cidr } from '../model/network-util.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { vmSpecs } from '../model/vm-specs.ts';
import type { ModuleConfigObject } from '../schema/module-config.ts';

const CIDRS = ['spec', 'settings', 'virtualMachineCIDRs'] as const;

interface DesiredCidrs {
  readonly resource: Resource;
  /** As written; undefined entries did not parse. */
  readonly cidrs: (Cidr | undefined)[];
  readonly texts: string[];
}

/** The desired ModuleConfig's CIDR list (raw, so that a list the schema rejects is still read). */
function desiredCidrs(model: ClusterModel): DesiredCidrs | undefined {
  const mc = model.moduleConfig();
  if (!mc) return undefined;
  const settings = (mc.resource.body['spec'] as { settings?: { virtualMachineCIDRs?: unknown } } | undefined)?.settings;
  const list = Array.isArray(settings?.virtualMachineCIDRs) ? settings.virtualMachineCIDRs : [];
  const texts = list.map((c) => (typeof c === 'string' ? c : String(c)));
  return { resource: mc.resource, texts, cidrs: texts.map(parseCidr) };
}

function checkCidrs(model: ClusterModel, desired: DesiredCidrs): Diagnostic[] {
  const out: Diagnostic[] = [];
  const r = desired.resource;
  desired.texts.forEach((text, i) => {
    const c = desired.cidrs[i];
    if (!c) {
      out.push(diagnose('DVP101', r, [...CIDRS, i], `"${text}" is not a CIDR (address/prefix, e.g. 10.66.10.0/24)`, 'write the subnet as its network address and prefix length'));
    } else if (c.family === 6) {
      out.push(diagnose('DVP101', r, [...CIDRS, i], `"${text}" is an IPv6 subnet, but the module's address management is IPv4 only (a lease is named ip-a-b-c-d; no address of it could ever be leased)`, 'give the VMs an IPv4 subnet'));
    } else if (!c.aligned) {
      out.push(diagnose('DVP101', r, [...CIDRS, i], `"${text}" is not aligned to its mask: the network of /${c.prefix} starts at ${formatAddress(c.family, c.first)}`, `write ${alignedText(c)} (the module allocates from the address as written, so an unaligned start skips addresses)`));
    }
  });
  const parsed = desired.cidrs.map((c, i) => ({ c, i })).filter((x): x is { c: Cidr; i: number } => x.c !== undefined);
  const reported = new Set<number>();
  for (const [a, b] of findOverlaps(parsed.map((x) => x.c))) {
    const earlier = parsed[a] as { c: Cidr; i: number };
    const later = parsed[b] as { c: Cidr; i: number };
    if (reported.has(later.i)) continue;
    reported.add(later.i);
    out.push(diagnose('DVP102', r, [...CIDRS, later.i], `subnet ${later.c.text} overlaps subnet ${earlier.c.text} (virtualMachineCIDRs[${earlier.i}])`, 'remove one of them or make them disjoint'));
  }
  return out;
}

/** DVP103: VM subnets against the pod and service subnets, node networks and node addresses. */
function checkAgainstCluster(model: ClusterModel, desired: DesiredCidrs): Diagnostic[] {
  const inv = model.inventory;
  if (!inv) return [];
  const out: Diagnostic[] = [];
  const r = desired.resource;
  const others: { what: string; cidr: Cidr }[] = [];
  const podSubnet = inv.podSubnetCIDR ? parseCidr(inv.podSubnetCIDR) : undefined;
  const serviceSubnet = inv.serviceSubnetCIDR ? parseCidr(inv.serviceSubnetCIDR) : undefined;
  if (podSubnet) others.push({ what: `the pod subnet ${podSubnet.text}`, cidr: podSubnet });
  if (serviceSubnet) others.push({ what: `the service subnet ${serviceSubnet.text}`, cidr: serviceSubnet });
  for (const n of inv.nodeNetworks) {
    const c = parseCidr(n);
    if (c) others.push({ what: `the node network ${c.text}`, cidr: c });
  }
  const nodeAddresses: { node: string; type: string; address: string; family: 4 | 6; value: bigint }[] = [];
  for (const node of inv.nodes) {
    for (const a of node.addresses) {
      if (a.type !== 'InternalIP' && a.type !== 'ExternalIP') continue;
      const p = parseAddress(a.address);
      if (p) nodeAddresses.push({ node: node.name, type: a.type, address: a.address, ...p });
    }
  }
  desired.cidrs.forEach((c, i) => {
    if (!c) return;
    for (const o of others) {
      if (overlaps(c, o.cidr)) {
        out.push(diagnose('DVP103', r, [...CIDRS, i], `subnet ${c.text} overlaps ${o.what}`, 'choose a VM subnet outside the pod, service and node networks'));
      }
    }
    const held = nodeAddresses.find((a) => contains(c, a.family, a.value));
    if (held) {
      out.push(diagnose('DVP103', r, [...CIDRS, i], `subnet ${c.text} holds the ${held.type} ${held.address} of node ${held.node}`, 'choose a VM subnet that holds no node address'));
    }
  });
  return out;
}

interface Claim {
  readonly resource: Resource;
  readonly ip: string;
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** DVP104–DVP106 on the address claims. */
function checkClaims(model: ClusterModel, desired: DesiredCidrs | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const index = desired ? new CidrIndex(desired.cidrs) : undefined;
  const claims: Claim[] = [];
  for (const r of model.ofKind('VirtualMachineIPAddress')) {
    const spec = model.valid<{ spec?: { type: string; staticIP?: string } }>(r)?.spec;
    if (!spec) continue;
    if (spec.type === 'Static' && spec.staticIP === undefined) {
      out.push(diagnose('DVP104', r, ['spec', 'type'], 'type Static needs spec.staticIP', 'set staticIP, or use type Auto'));
      continue;
    }
    if (spec.type === 'Auto' && spec.staticIP !== undefined) {
      out.push(diagnose('DVP104', r, ['spec', 'staticIP'], `type Auto cannot have staticIP ${spec.staticIP}`, 'use type Static for a fixed address, or remove staticIP'));
      continue;
    }
    if (spec.staticIP === undefined) continue;
    const addr = parseAddress(spec.staticIP);
    if (!addr || addr.family !== 4) {
      out.push(diagnose('DVP104', r, ['spec', 'staticIP'], `"${spec.staticIP}" is not a valid IPv4 address`, 'write a dotted-quad IPv4 address such as 10.66.10.20 (the module leases IPv4 only)'));
      continue;
    }
    claims.push({ resource: r, ip: spec.staticIP, ...addr });
    if (!index || !desired) continue;
    const hit = index.find(addr.family, addr.value);
    if (!hit) {
      out.push(diagnose('DVP104', r, ['spec', 'staticIP'], `${spec.staticIP} lies in no virtualMachineCIDR (${desired.texts.join(', ') || 'none configured'})`, 'pick an address inside one of the VM subnets, or add its subnet to the ModuleConfig'));
    } else if (hit.cidr.first === addr.value || hit.cidr.last === addr.value) {
      out.push(diagnose('DVP105', r, ['spec', 'staticIP'], `${spec.staticIP} is the ${hit.cidr.first === addr.value ? 'first' : 'last'} address of ${hit.cidr.text}, which the module reserves`, `pick an address between ${formatAddress(4, hit.cidr.first + 1n)} and ${formatAddress(4, hit.cidr.last - 1n)}`));
    }
  }
  // DVP106: claims sorted by address; equal neighbours collide (reported on the later in dvpc order).
  const sorted = [...claims].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as Claim;
    const b = sorted[i] as Claim;
    if (a.value !== b.value) continue;
    const [earlier, later] = model.resources.indexOf(a.resource) < model.resources.indexOf(b.resource) ? [a, b] : [b, a];
    out.push(diagnose('DVP106', later.resource, ['spec', 'staticIP'], `${later.ip} is also claimed by VirtualMachineIPAddress ${earlier.resource.namespace}/${earlier.resource.name}`, 'give each claim its own address'));
  }
  const leases = new Map<string, { name: string; claim: { name: string; namespace: string } | undefined }>();
  for (const l of model.inventory?.leases ?? []) if (l.ip && !l.released) leases.set(l.ip, l);
  for (const c of claims) {
    const lease = leases.get(formatAddress(4, c.value));
    if (!lease) continue;
    const holder = lease.claim;
    if (holder && holder.name === c.resource.name && holder.namespace === c.resource.namespace) continue;
    out.push(diagnose('DVP106', c.resource, ['spec', 'staticIP'], `${c.ip} is already leased (VirtualMachineIPAddressLease ${lease.name}) to ${holder ? `${holder.namespace}/${holder.name}` : 'another claim'}`, 'pick a free address; the module rejects a claim on an address that is allocated and not released'));
  }
  return out;
}

/** DVP107: removing a subnet that holds leases or the baseline's static addresses, or clearing the list. */
function checkRemovals(model: ClusterModel, desired: DesiredCidrs): Diagnostic[] {
  const out: Diagnostic[] = [];
  const r = desired.resource;
  const index = new CidrIndex(desired.cidrs);
  const previous: { source: string; list: string[] }[] = [];
  const live = model.inventory?.moduleConfig;
  if (live) {
    const list = (model.valid<ModuleConfigObject>(live)?.spec.settings?.virtualMachineCIDRs) ?? [];
    if (list.length > 0) previous.push({ source: 'the live ModuleConfig of the inventory', list });
  }
  for (const b of model.baseline ?? []) {
    if (b.kind !== 'ModuleConfig' || b.name !== 'virtualization') continue;
    const list = (b.body['spec'] as { settings?: { virtualMachineCIDRs?: unknown } } | undefined)?.settings?.virtualMachineCIDRs;
    if (Array.isArray(list) && list.length > 0) previous.push({ source: 'the baseline', list: list.map(String) });
  }
  if (desired.texts.length === 0) {
    for (const p of previous) {
      out.push(diagnose('DVP107', r, ['spec', 'settings'], `virtualMachineCIDRs was set in ${p.source} (${p.list.join(', ')}) and is cleared here; the module never allows clearing it`, 'keep the subnets (at least those with addresses in use)'));
    }
    return out;
  }
  for (const lease of model.inventory?.leases ?? []) {
    if (!lease.ip || lease.released) continue;
    const a = parseAddress(lease.ip);
    if (!a || index.find(a.family, a.value)) continue;
    out.push(diagnose('DVP107', r, [...CIDRS], `${lease.ip} is leased (VirtualMachineIPAddressLease ${lease.name}${lease.claim ? `, held by ${lease.claim.namespace}/${lease.claim.name}` : ''}) but lies in no virtualMachineCIDR of this list: its subnet was removed while in use`, 'put the subnet back, or release the address first'));
  }
  for (const b of model.baseline ?? []) {
    if (b.kind !== 'VirtualMachineIPAddress') continue;
    const ip = (b.body['spec'] as { staticIP?: unknown } | undefined)?.staticIP;
    const a = typeof ip === 'string' ? parseAddress(ip) : undefined;
    if (!a || index.find(a.family, a.value)) continue;
    out.push(diagnose('DVP107', r, [...CIDRS], `the baseline's static address ${String(ip)} (VirtualMachineIPAddress ${b.namespace}/${b.name}) lies in no virtualMachineCIDR of this list: its subnet was removed while in use`, 'put the subnet back, or move the address first'));
  }
  return out;
}

/** DVP108: IPAM needed while no subnets are configured. */
function checkIpamNeeded(model: ClusterModel): Diagnostic[] {
  const settings = model.settings();
  if (!settings || (settings.settings.virtualMachineCIDRs?.length ?? 0) > 0) return [];
  const out: Diagnostic[] = [];
  const where = settings.source === 'manifest' ? 'the ModuleConfig' : "the inventory's live ModuleConfig";
  for (const { resource: r, spec, at } of vmSpecs(model)) {
    if (spec.virtualMachineIPAddressName !== undefined) {
      out.push(diagnose('DVP108', r, [...at, 'virtualMachineIPAddressName'], `the VM names an address claim but ${where} configures no virtualMachineCIDRs`, 'add virtualMachineCIDRs to the ModuleConfig'));
    } else if (!spec.networks || spec.networks.length === 0) {
      out.push(diagnose('DVP108', r, [...at], `the VM has no spec.networks, so it needs an address from IPAM, but ${where} configures no virtualMachineCIDRs`, 'add virtualMachineCIDRs to the ModuleConfig, or give the VM non-Main networks'));
    } else if (spec.networks.some((n) => n.type === 'Main')) {
      out.push(diagnose('DVP108', r, [...at, 'networks', spec.networks.findIndex((n) => n.type === 'Main')], `the Main network needs IPAM, but ${where} configures no virtualMachineCIDRs`, 'add virtualMachineCIDRs to the ModuleConfig'));
    }
  }
  for (const r of model.ofKind('VirtualMachineIPAddress')) {
    out.push(diagnose('DVP108', r, ['spec'], `address claims are forbidden while ${where} configures no virtualMachineCIDRs`, 'add virtualMachineCIDRs to the ModuleConfig'));
  }
  return out;
}

/** Without a ModuleConfig in the manifests, claims are checked against the live subnets. */
function liveCidrs(model: ClusterModel): DesiredCidrs | undefined {
  const live = model.inventory?.moduleConfig;
  const list = live ? model.valid<ModuleConfigObject>(live)?.spec.settings?.virtualMachineCIDRs : undefined;
  if (!live || !list) return undefined;
  return { resource: live, texts: list, cidrs: list.map(parseCidr) };
}

export function checkNetwork(model: ClusterModel): Diagnostic[] {
  const desired = desiredCidrs(model);
  const out: Diagnostic[] = [];
  if (desired) out.push(...checkCidrs(model, desired), ...checkAgainstCluster(model, desired), ...checkRemovals(model, desired));
  append(out, checkClaims(model, desired ?? liveCidrs(model)));
  append(out, checkIpamNeeded(model));
  return out;
}
