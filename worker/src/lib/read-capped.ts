/**
 * Reads a body stream whole, up to `maxBytes`: null (and the stream cancelled) past it, so a
 * sender that lies about its length, or sends none, is still cut at the limit.
 *
 * @example
 * const bytes = await readCapped(request.body, 32 * 1024);
 * if (bytes === null) throw tooLarge();
 */
export async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
