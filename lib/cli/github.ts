/**
 * What GitHub Actions reads from a step: workflow commands that become annotations on the pull
 * request, and Markdown for the job summary and the pull-request comment. Everything here quotes
 * input (diagnostic messages hold short excerpts of manifests, which anyone can write), so that
 * no message starts a workflow command of its own, mentions a user or injects HTML.
 */
import type { Diagnostic } from '../core/diagnostic.ts';

/** Data of a workflow command: `%`, CR and LF escaped, so one message stays one command. */
function commandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property of a workflow command: also `:` and `,`, which separate properties. */
function commandProperty(s: string): string {
  return commandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=F,line=L,title=T::message`: an annotation on the file and line (or on the run, without a file). */
export function annotation(d: Diagnostic, file: string | undefined): string {
  const props: string[] = [];
  if (file !== undefined) props.push(`file=${commandProperty(file)}`);
  if (file !== undefined && d.file !== undefined && d.line !== undefined) props.push(`line=${d.line}`);
  props.push(`title=${commandProperty(`${d.code}${d.resource ? ` ${d.resource}` : ''}${d.path ? ` ${d.path}` : ''}`)}`);
  const construct = d.constructPath !== undefined ? ` (construct ${d.constructPath})` : '';
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${commandData(`${d.message}${construct}\nHint: ${d.hint}`)}\n`;
}

/** A plain annotation with no diagnostic behind it (a stale dist/, an ignored label). */
export function plainAnnotation(level: 'error' | 'warning' | 'notice', title: string, message: string): string {
  return `::${level} title=${commandProperty(title)}::${commandData(message)}\n`;
}

// Markdown that input cannot take over lives in core, where diff and drain use it too.
export { mdCode, mdText } from '../core/markdown.ts';
