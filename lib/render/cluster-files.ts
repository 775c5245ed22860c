/**
 * A cluster's rendered objects placed into `<cluster>/...` folders and files (SPEC §4), each
 * object turned into the Resource the model checks, with the file it lands in and, only when a
 * diagnostic asks, the line of a field. The YAML text itself is emitted only when it is wanted.
 */
import { join } from 'node:path';
import { toResource, type JsonObject, type Origin, type Resource } from '../core/resource.ts';
import { pathKey, type FieldPath, type Json } from '../core/json.ts';
import { layout, screenPlacement, type PlacedObject } from './layout.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { folderReferences } from './order.ts';
import { emitDocuments, kustomizationFile, lineMaps } from './yaml-emit.ts';


/** Lines of a rendered file, computed only when a diagnostic asks for one. */
class RenderedFile {
  private maps: Map<string, number>[] | undefined;
  constructor(readonly path: string, readonly docs: JsonObject[]) {}
  line(index: number, path: FieldPath): number | undefined {
    this.maps ??= lineMaps(this.docs as { [key: string]: Json }[]);
    const map = this.maps[index];
    if (!map) return undefined;
    // The field itself, or the nearest enclosing field that exists.
    for (let n = path.length; n >= 0; n--) {
      const line = map.get(pathKey(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  }
}

/**
 * Where a rendered object comes from: its construct, and once the cluster is laid out, the file
 * it lands in and the lines of its fields.
 */
export class PlacedOrigin implements Origin {
  private rendered: RenderedFile | undefined;
  private index = 0;
  constructor(readonly constructPath: string | undefined) {}
  /** Records the file the object lands in, and its position among the file's documents. */
  place(rendered: RenderedFile, index: number): void {
    this.rendered = rendered;
    this.index = index;
  }
  get file(): string {
    return this.rendered?.path ?? '';
  }
  line(path: FieldPath): number | undefined {
    return this.rendered?.line(this.index, path);
  }
}

/** A rendered object of a cluster: the Resource the model checks, placed in a file by `placeCluster`. */
export interface CollectedObject extends Resource, PlacedObject {
  readonly origin: PlacedOrigin;
}

/** A rendered object as a Resource (identity read by `toResource`), from its construct. */
export function collectedObject(body: JsonObject, constructPath: string | undefined, defaultNamespace: string): CollectedObject {
  return toResource(body, new PlacedOrigin(constructPath), defaultNamespace) as CollectedObject;
}

export interface PlacedCluster {
  /** The YAML of every file, by path relative to the output folder; empty unless asked for. */
  readonly files: Map<string, string>;
  /** How many files the cluster renders into, kustomization.yaml files included. */
  readonly fileCount: number;
  /** Every object, placed in the file it lands in (shown under `outdirShown`). */
  readonly resources: CollectedObject[];
  /** Which folders each folder's objects reference (render/order's folderReferences). */
  readonly references: Map<string, string[]>;
  /** Objects whose namespace, kind or name cannot become a path (DVP003): never laid out. */
  readonly unplaceable: Diagnostic[];
}

export interface PlaceOptions {
  readonly clusterName: string;
  /** The output folder as diagnostics name it. */
  readonly outdirShown: string;
  /** Whether to write the YAML text (`app.synth()`'s checks need only the files' names and lines). */
  readonly emit: boolean;
}

/** Places a cluster's objects into files, giving each its file-accurate origin. */
export function placeCluster(objects: readonly CollectedObject[], options: PlaceOptions): PlacedCluster {
  const files = new Map<string, string>();
  const resources: CollectedObject[] = [];
  let fileCount = 0;
  // An object whose namespace, kind or name cannot become a path is reported (DVP003), never laid out.
  const { placeable, diagnostics: unplaceable } = screenPlacement(objects, (o) => o.origin.constructPath);
  const folders = layout(placeable);
  for (const folder of folders) {
    for (const file of folder.files) {
      const rel = `${options.clusterName}/${folder.path}/${file.name}`;
      const docs = file.objects.map((o) => o.body);
      const rendered = new RenderedFile(join(options.outdirShown, rel), docs);
      file.objects.forEach((o, i) => {
        o.origin.place(rendered, i);
        resources.push(o);
      });
      if (options.emit) files.set(rel, emitDocuments(docs as { [key: string]: Json }[]));
      fileCount++;
    }
    if (options.emit) files.set(`${options.clusterName}/${folder.path}/kustomization.yaml`, kustomizationFile(folder.files.map((f) => f.name)));
    fileCount++;
  }
  return { files, fileCount, resources, references: folderReferences(folders), unplaceable };
}
