/**
 * The app that `npm run synth` renders into dist/: one function per cluster, each in its folder
 * of stacks/. Add a cluster by adding a folder and a line here.
 */
import { App } from 'cdk8s';
import { {{clusterIdent}} } from './{{cluster}}/index.js';

export default function fleet(): App {
  const app = new App();
  {{clusterIdent}}(app);
  return app;
}
