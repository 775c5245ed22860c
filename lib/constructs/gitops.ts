/**
 * The GitOps hand-off: where Argo CD and Flux find the rendered clusters. Declared once on the
 * App; `synth` renders it into `<outdir>/gitops/` from the folders it actually wrote. Mistakes in
 * the props (a URL Flux cannot clone, a tag that is not a git name, a password in the URL) are
 * recorded and reported with everything else, never thrown.
 */
import { Construct } from 'constructs';
import { DvpcError } from '../core/errors.ts';
import { gitOpsProblems, type GitOpsProps } from '../render/gitops.ts';
import { reportProblem } from './base.ts';

export type { GitOpsProps, ArgoCdProps, ArgoCdDestination, FluxProps, GitCredentials, GitRevision } from '../render/gitops.ts';

export class GitOps extends Construct {
  readonly props: GitOpsProps;

  constructor(scope: Construct, id: string, props: GitOpsProps) {
    super(scope, id);
    this.props = props;
    for (const p of gitOpsProblems(props)) reportProblem(this, new DvpcError('DVP002', p.detail, p.hint, this.node.path, p.field));
  }
}
