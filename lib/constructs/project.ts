/**
 * A project: a Namespace (rendered with cdk8s-plus-28) whose children are placed in it.
 */
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import type { INamespaceScope } from './base.ts';

export interface ProjectProps {
  /**
   * The namespace name.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Labels of the Namespace.
   * @default no labels
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Namespace.
   * @default no annotations
   */
  readonly annotations?: Record<string, string>;
}

export class Project extends Construct implements INamespaceScope {
  /** The namespace every object created inside this project lands in. */
  readonly namespaceName: string;
  /** The rendered Namespace. */
  readonly namespace: kplus.Namespace;

  constructor(scope: Construct, id: string, props: ProjectProps = {}) {
    super(scope, id);
    this.namespaceName = props.name ?? id;
    this.namespace = new kplus.Namespace(this, 'Namespace', {
      metadata: { name: this.namespaceName, labels: props.labels, annotations: props.annotations },
    });
  }
}
