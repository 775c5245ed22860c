/**
 * One cluster: one cdk8s Chart, rendered into `dist/<name>/`. Every other dvpc construct lives
 * inside a Cluster (directly, or inside a Project of it).
 */
import { Chart } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { DvpcError } from '../core/errors.ts';
import { DNS1123_LABEL } from '../schema/common.ts';
import { reportProblem } from './base.ts';
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
}

export class Cluster extends Chart {
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

  constructor(scope: Construct, id: string, props: ClusterProps = {}) {
    super(oneConstructsCopy(scope), id, { disableResourceNameHashes: true });
    this.clusterName = props.name ?? id;
    if (!DNS1123_LABEL.test(this.clusterName)) {
      reportProblem(this, new DvpcError('DVP003', `cluster name "${this.clusterName}" is not a DNS-1123 label`, 'use lower-case letters, digits and "-"', this.node.path, 'name'));
    }
    this.defaultNamespace = props.defaultNamespace ?? 'default';
    const inv = props.inventory;
    this.inventoryDir = inv === undefined ? undefined : inv instanceof URL ? fileURLToPath(inv) : inv;
  }
}
