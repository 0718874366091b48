// workerd's byte transform streams: IdentityTransformStream, which passes bytes through
// unchanged (a string is written as its UTF-8; anything but bytes is a TypeError), and
// FixedLengthStream(length), an identity stream that must carry exactly `length` bytes. Both
// are TransformStreams. A FixedLengthStream's readable declares its length, so a Response with
// it as the body is sent with `Content-Length: length` rather than chunked; one byte too many
// or too few errors the stream with workerd's TypeError.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;

  /** Stands for "a FixedLengthStream is constructing" as IdentityTransformStream's 2nd argument. */
  const LIMITED = Symbol("limited");
  /** 2^53: FixedLengthStream lengths are below it. */
  const MAX_LENGTH = 2 ** 53;

  function toBytes(chunk) {
    if (typeof chunk === "string") return internal.utf8.encode(chunk);
    if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) return internal.copyBytes(chunk);
    throw new TypeError(
      "This TransformStream is being used as a byte stream, but received an object of " +
        "non-ArrayBuffer/ArrayBufferView type on its writable side.",
    );
  }

  /** The transformer passing bytes through, refusing more or fewer than `limit` (if not null). */
  function identity(limit) {
    let seen = 0;
    return {
      transform(chunk, controller) {
        const bytes = toBytes(chunk);
        seen += bytes.byteLength;
        if (limit !== null && seen > limit) {
          throw new TypeError("Attempt to write too many bytes through a FixedLengthStream.");
        }
        if (bytes.byteLength > 0) controller.enqueue(bytes);
      },
      flush() {
        if (limit !== null && seen < limit) {
          throw new TypeError("FixedLengthStream did not see all expected bytes before close().");
        }
      },
    };
  }

  /** The writable side's strategy from workerd's `{ highWaterMark }` (in bytes). */
  function writableStrategy(options) {
    const highWaterMark = options?.highWaterMark;
    if (highWaterMark === undefined) return undefined;
    return {
      highWaterMark,
      size: (chunk) => (typeof chunk === "string" ? chunk.length : (chunk?.byteLength ?? 1)),
    };
  }

  /** A FixedLengthStream length as workerd converts it (a number or a bigint). */
  function expectedLength(value) {
    if (value === undefined) {
      throw new TypeError(
        "Failed to construct 'FixedLengthStream': constructor parameter 1 is not of type 'bigint'.",
      );
    }
    let length = typeof value === "bigint" ? value : Number(value);
    if (typeof length === "number") {
      if (!Number.isFinite(length)) {
        throw new TypeError("The value cannot be converted because it is not an integer.");
      }
      length = Math.trunc(length);
    }
    if (length < 0) {
      throw new TypeError(
        "The value cannot be converted because it is negative and this API expects a positive bigint.",
      );
    }
    if (length >= MAX_LENGTH) {
      throw new TypeError("FixedLengthStream requires an integer expected length less than 2^53.");
    }
    return Number(length);
  }

  class IdentityTransformStream extends TransformStream {
    constructor(options = undefined, limited = undefined, limit = null) {
      super(identity(limited === LIMITED ? limit : null), writableStrategy(options));
    }
  }

  class FixedLengthStream extends IdentityTransformStream {
    constructor(length = undefined, options = undefined) {
      const limit = expectedLength(length);
      super(options, LIMITED, limit);
      internal.streams.expectLength(this.readable, limit);
    }
  }

  parts.tagClasses([IdentityTransformStream, FixedLengthStream]);
  internal.exposeGlobals({ IdentityTransformStream, FixedLengthStream });
});
