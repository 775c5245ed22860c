/**
 * One cluster: one cdk8s Chart, rendered into `dist/<name>/`. Every other dvpc construct lives
 * inside a Cluster (directly, or inside a Project of it).
 *
 * The Cluster renders its objects together (sync waves are computed for all of them at once) and
 * registers a cdk8s validation that runs the checker on them, so that the plain cdk8s path
 * (`app.synth()`) writes the same annotations and fails on the same errors as `dvpc synth`.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { reportProblem } from './base.ts';
import { fileURLToPath } from 'node:url';
import { DvpcError } from '../core/errors.ts';
import { DNS1123_LABEL } from '../schema/common.ts';
import type { Additions } from '../render/annotations.ts';
import type { IObjectRenderer } from './base.ts';
import { ClusterRendering } from './rendering.ts';
import { ClusterValidation } from './validation.ts';
import { oneConstructsCopy } from './compat.ts';

export interface ClusterProps {
  /**
   * The cluster's name: the folder `dist/<name>/` its manifests land in.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * The cluster's inventory folder (SPEC §3: nodes, StorageClasses, leases, ...) that `synth`
   * checks the desired state against. A relative path is taken from the working directory.
   * @default no inventory: checks that need one are skipped and reported as skipped
   */
  readonly inventory?: string | URL;
  /**
   * The namespace that namespaced objects outside any Project land in.
   * @default "default"
   */
  readonly defaultNamespace?: string;
  /**
   * The edition of the virtualization module the cluster runs: `CE`, or `EE` for every other
   * edition. It decides whether VMs with ReadWriteOnce disks can live-migrate (DVP504): CE
   * refuses them, the others copy the disks. No object in the cluster states it.
   * @default what the inventory shows (the module's webhooks, the VMs' Migratable reasons), else CE
   */
  readonly edition?: 'CE' | 'EE';
  /**
   * Whether the cluster must have an inventory with its nodes. When set, a missing inventory (or
   * one without a Node) is an error instead of a list of skipped checks, so that CI cannot
   * silently lose the checks that need it (placement, capacity, storage, subnets against nodes).
   * @default false
   */
  readonly requireInventory?: boolean;
}

export class Cluster extends Chart implements IObjectRenderer {
  /** `instanceof` by the prototype chain (cdk8s's Chart answers it for any Chart). */
  static override [Symbol.hasInstance](o: unknown): o is Cluster {
    return Function.prototype[Symbol.hasInstance].call(this, o);
  }

  /** Finds the Cluster a construct belongs to. */
  static find(c: IConstruct): Cluster {
    for (const s of [...c.node.scopes].reverse()) if (s instanceof Cluster) return s as Cluster;
    throw new DvpcError('DVP002', 'this construct is not inside a Cluster', 'create it with a Cluster (or a Project of one) as its scope', c.node.path);
  }

  /** The cluster's name and output folder. */
  readonly clusterName: string;
  /** Absolute path of the inventory folder, if any. */
  readonly inventoryDir: string | undefined;
  /** Namespace of namespaced objects created outside any Project. */
  readonly defaultNamespace: string;
  /** The module's edition when set (see ClusterProps.edition). */
  readonly edition: 'CE' | 'EE' | undefined;
  /** Whether a missing inventory is an error (see ClusterProps.requireInventory). */
  readonly requireInventory: boolean;
  /** How the cluster's objects render together (used by synth and by each object's toJson). */
  readonly rendering: ClusterRendering;

  constructor(scope: Construct, id: string, props: ClusterProps = {}) {
    super(oneConstructsCopy(scope), id, { disableResourceNameHashes: true });
    this.clusterName = props.name ?? id;
    if (!DNS1123_LABEL.test(this.clusterName)) {
      reportProblem(this, new DvpcError('DVP003', `cluster name "${this.clusterName}" is not a DNS-1123 label`, 'use lower-case letters, digits and "-"', this.node.path, 'name'));
    } else if (this.clusterName === 'gitops') {
      // dist/gitops/ is the hand-off's folder: dvpc check reads a top folder of that name as hand-off
      // objects, so a cluster there would be checked as the wrong thing, with or without a GitOps construct.
      reportProblem(this, new DvpcError('DVP003', 'cluster name "gitops" is reserved: dist/gitops/ holds the GitOps hand-off', 'give the cluster another name', this.node.path, 'name'));
    }
    this.defaultNamespace = props.defaultNamespace ?? 'default';
    this.edition = props.edition;
    this.requireInventory = props.requireInventory ?? false;
    const inv = props.inventory;
    this.inventoryDir = inv === undefined ? undefined : inv instanceof URL ? fileURLToPath(inv) : inv;
    this.rendering = new ClusterRendering(this);
    // app.synth() and cdk8s synth run the checker through this validation before writing anything.
    const validation = new ClusterValidation(this);
    this.node.addValidation({ validate: () => validation.validate() });
  }

  /** dvpc's additions (sync wave, prune protection) to one of the cluster's objects. */
  additionsOf(o: ApiObject): Additions {
    return this.rendering.additionsOf(o);
  }
}

function clusterOf(c: IConstruct): Cluster | undefined {
  for (const s of [...c.node.scopes].reverse()) if (s instanceof Cluster) return s as Cluster;
  return undefined;
}

function describe(c: IConstruct): string {
  return ApiObject.isApiObject(c) ? `${c.kind} "${c.name}"` : `construct ${c.node.path}`;
}

/**
 * A construct handed to another as a reference (a class, a disk, an image, an address) must be of
 * the same Cluster: each Cluster renders into its own folder and is applied on its own, so the
 * reference renders as a bare name that the other cluster may not have, or may give to another
 * object (a same-named class whose policies then differ from the ones the VM was sized by).
 * Records `code` on `user`, naming both clusters.
 */
export function referToSameCluster(user: IConstruct, target: unknown, code: string, field: string): void {
  if (!Construct.isConstruct(target)) return;
  const mine = clusterOf(user);
  const theirs = clusterOf(target);
  if (!mine || !theirs || mine === theirs) return;
  reportProblem(user, new DvpcError(
    code,
    `${describe(target)} belongs to cluster "${theirs.clusterName}", but ${describe(user)} is in cluster "${mine.clusterName}": a reference across clusters renders as a bare name that cluster "${mine.clusterName}" may not have, or may give to another object`,
    `create the object in cluster "${mine.clusterName}" as well (each Cluster renders into its own dist/<name>/ and is applied on its own)`,
    user.node.path,
    field,
  ));
}
