/**
 * The GitOps hand-off: where Argo CD and Flux find the rendered clusters. Declared once on the
 * App; `synth` renders it into `dist/gitops/` from the folders it actually wrote.
 */
import { Construct } from 'constructs';
import { DvpcError } from '../errors.ts';

export interface GitOpsProps {
  /** The Git repository Argo CD and Flux pull from (https or ssh URL). */
  readonly repoURL: string;
  /**
   * Branch, tag or commit to follow.
   * @default "main"
   */
  readonly revision?: string;
  /**
   * Where the output folder sits in that repository.
   * @default "dist"
   */
  readonly path?: string;
  /**
   * Argo CD: its namespace, project, and each cluster's destination (a cluster name known to Argo CD, or an API server URL).
   * @default namespace "argocd", project "default", destination name = the cluster's name
   */
  readonly argocd?: {
    readonly namespace?: string;
    readonly project?: string;
    readonly destinations?: Readonly<Record<string, { readonly name?: string; readonly server?: string }>>;
  };
  /**
   * Flux: its namespace, the GitRepository's name, and the reconcile interval.
   * @default namespace "flux-system", source "dvpc", interval "10m"
   */
  readonly flux?: {
    readonly namespace?: string;
    readonly sourceName?: string;
    readonly interval?: string;
  };
}

export class GitOps extends Construct {
  readonly props: GitOpsProps;

  constructor(scope: Construct, id: string, props: GitOpsProps) {
    super(scope, id);
    if (!/^(https?:\/\/|ssh:\/\/|git@)/.test(props.repoURL)) {
      throw new DvpcError('DVP002', `repoURL "${props.repoURL}" is not a Git URL`, 'use an https://, ssh:// or git@ URL', this.node.path, 'repoURL');
    }
    this.props = props;
  }
}
