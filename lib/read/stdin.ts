/**
 * Standard input as one more manifest file (`helm template ... | dvpc check -`): read whole, but
 * no further than the size limit of a file, and shown in diagnostics as `<stdin>`.
 */

/** How diagnostics name standard input. */
export const STDIN_NAME = '<stdin>';

/** Standard input's text, or why it cannot be read. */
export type StdinText = { readonly text: string } | { readonly problem: string };

/** Reads a stream to its end as UTF-8, stopping (and closing it) once it exceeds `limit` bytes. */
export async function readStream(stream: AsyncIterable<Uint8Array | string>, limit: number): Promise<StdinText> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.byteLength;
    // Leaving the loop closes the stream: nothing more is read.
    if (size > limit) return { problem: `standard input is larger than ${limit / 1024 / 1024} MiB; no manifest stream is this large` };
    chunks.push(bytes);
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { problem: 'standard input is not UTF-8 text' };
  }
}
