/**
 * The example fleet: what `npm run synth` (and `npx cdk8s synth`) renders into dist/.
 * A repository of your own looks the same: one function per cluster, each with its inventory.
 */
import { App } from 'cdk8s';
import { GitOps } from 'dvpc';
import { lab } from './lab/index.ts';
import { prod } from './prod/index.ts';

export default function fleet(): App {
  const app = new App();
  lab(app);
  prod(app);
  // Where Argo CD and Flux find dist/: rendered into dist/gitops/.
  new GitOps(app, 'gitops', { repoURL: 'https://git.example.com/platform/virtualization.git', revision: 'main' });
  return app;
}
