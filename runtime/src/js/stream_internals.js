// What the Request/Response/fetch prelude needs from streams, shared as `internal.streams`:
//   readAll(stream) → Promise<Uint8Array>: locks the stream and concatenates its chunks
//     (ArrayBuffers or views); rejects with a TypeError if the stream is locked, is not a
//     ReadableStream or yields anything else (and then cancels it).
//   fromBytes(u8) → ReadableStream: a byte stream of `u8` then closed, of known length (as a
//     body's stream is on workerd). Its reads hand out `u8`'s memory without a copy: the
//     caller must not change `u8` afterwards.
//   isDisturbed(stream) → boolean: the stream has been read from or cancelled.
//   isReadableStream(value) → boolean.
//   expectLength(stream, length): the stream will yield exactly `length` bytes (its tees too).
//   expectedLength(stream) → number | null: what `expectLength` said, if anything.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;

  function toBytes(chunk) {
    if (chunk instanceof Uint8Array) return chunk;
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    throw new TypeError("This ReadableStream did not return bytes.");
  }

  async function readAll(stream) {
    const record = parts.readableRecord(stream);
    if (record === undefined) throw new TypeError("The body is not a ReadableStream.");
    if (record.reader !== null) {
      throw new TypeError("This ReadableStream is currently locked to a reader.");
    }
    const reader = parts.acquireReader(record, false);
    const chunks = [];
    let total = 0;
    for (;;) {
      const request = new parts.ReadRequest();
      parts.readWith(reader, request);
      const { value, done } = await request.promise;
      if (done) break;
      let bytes;
      try {
        bytes = toBytes(value);
      } catch (error) {
        parts.markHandled(parts.cancelReadable(record, error));
        throw error;
      }
      chunks.push(bytes);
      total += bytes.byteLength;
    }
    if (chunks.length === 1) return chunks[0];
    const all = new Uint8Array(total);
    let at = 0;
    for (const bytes of chunks) {
      all.set(bytes, at);
      at += bytes.byteLength;
    }
    return all;
  }

  function fromBytes(u8) {
    let stream = null;
    const pull = () => {
      const controller = stream.controller;
      if (u8.byteLength > 0) parts.byteEnqueue(controller, u8, false);
      parts.byteClose(controller);
      return Promise.resolve();
    };
    stream = parts.createByteReadable(() => undefined, pull, () => Promise.resolve());
    parts.expectedLengths.set(stream, u8.byteLength);
    return stream.object;
  }

  internal.streams = {
    readAll,
    fromBytes,
    isDisturbed: (stream) => parts.readableRecord(stream)?.disturbed ?? false,
    isReadableStream: (value) => parts.readableRecord(value) !== undefined,
    expectLength: (stream, length) => parts.expectedLengths.set(parts.readableRecord(stream), length),
    expectedLength: (stream) => parts.expectedLengths.get(parts.readableRecord(stream)) ?? null,
  };
});
