/**
 * Markdown that input cannot take over. Pull-request comments, job summaries and maintenance
 * tickets quote names and messages that come from a change anyone may send: they must not open
 * HTML, mention people, add links or images, or break out of a table cell or a code span.
 */

/** Text safe inside Markdown, a table cell included: no HTML, no emphasis or links, no mentions, one line. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/([\\`*_[\]#~!])/g, '\\$1')
    .replace(/@/g, '@&#8203;');
}

/** Inline code that the text itself cannot close (GitHub still reads Markdown inside `<code>`, hence mdText). */
export function mdCode(s: string): string {
  return `<code>${mdText(s)}</code>`;
}

/**
 * A code span for a name or value: nothing inside a code span is read as Markdown or HTML, so only
 * what could end it needs care: a backtick (the fence is made longer than any run of backticks
 * in the text), a line break, and, in a table, a pipe (GitHub splits cells before it reads spans).
 */
export function codeSpan(s: string, inTable = false): string {
  let text = s.replace(/[\r\n]+/g, ' ');
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  if (longest === 0) return `\`${text}\``;
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${text} ${fence}`;
}
