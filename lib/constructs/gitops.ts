/**
 * The GitOps hand-off: where Argo CD and Flux find the rendered clusters. Declared once on the
 * App; `synth` renders it into `dist/gitops/` from the folders it actually wrote.
 */
import { Construct } from 'constructs';
import { DvpcError } from '../core/errors.ts';
import type { GitOpsProps } from '../render/gitops.ts';

export type { GitOpsProps };

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
