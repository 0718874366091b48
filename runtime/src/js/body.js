// The Fetch body mixin shared by Request and Response. As in workerd it is a `Body` class
// whose prototype sits between theirs and Object's (`new Body()` is an illegal constructor).
// A body is none, static bytes, or a ReadableStream; static bytes (a string, a buffer, a
// Blob, a FormData...) stay bytes until someone reads `.body`, so a response built from a
// string never makes a stream.
//
// For later prelude files: `internal.Body` (the base class: `super(state)`), and
// `internal.body`:
//   extract(init) → { state, type }   a BodyInit as a body state and its default Content-Type
//   fromParts(null | Uint8Array | ReadableStream) → state
//   of(requestOrResponse) → state      (TypeError if it has none)
//   none() → state, clone(state) → state (tees a stream), take(state) → the content, marking
//   it used: null | Uint8Array (shared, read-only) | ReadableStream; isUsed(state);
//   headers(init, dictionary) → Headers   the `headers` member of a RequestInit/ResponseInit.
(function (internal) {
  "use strict";

  const USED =
    "Body has already been used. It can only be used once. Use tee() first if you need to read it twice.";
  const EMPTY = new Uint8Array(0);

  /** What a body holds: `bytes` until a stream is asked for, then `stream`; `used` once read. */
  class BodyState {
    constructor(bytes, stream) {
      this.bytes = bytes;
      this.stream = stream;
      this.used = false;
    }
  }

  function isUsed(state) {
    return state.used || (state.stream !== null && internal.streams.isDisturbed(state.stream));
  }

  /** A BodyInit as a body state and the Content-Type it implies (null for none). */
  function extract(init) {
    if (init === undefined || init === null) return { state: none(), type: null };
    if (typeof init === "string") {
      const bytes = internal.utf8.encode(init);
      return { state: new BodyState(bytes, null), type: "text/plain;charset=UTF-8" };
    }
    if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) {
      return { state: new BodyState(internal.copyBytes(init), null), type: null };
    }
    if (init instanceof Blob) {
      return { state: new BodyState(internal.blobBytes(init), null), type: init.type || null };
    }
    if (init instanceof FormData) {
      const { bytes, contentType } = internal.serializeFormData(init);
      return { state: new BodyState(bytes, null), type: contentType };
    }
    if (init instanceof URLSearchParams) {
      return {
        state: new BodyState(internal.utf8.encode(init.toString()), null),
        type: "application/x-www-form-urlencoded;charset=UTF-8",
      };
    }
    if (internal.streams.isReadableStream(init)) {
      if (init.locked) {
        throw new TypeError(
          "This ReadableStream is locked to a reader, and cannot be used as a body.",
        );
      }
      if (internal.streams.isDisturbed(init)) {
        throw new TypeError(
          "This ReadableStream is disturbed (has already been read from), and cannot be used as a body.",
        );
      }
      return { state: new BodyState(null, init), type: null };
    }
    return extract(String(init));
  }

  function none() {
    return new BodyState(null, null);
  }

  function fromParts(body) {
    if (body === null || body === undefined) return none();
    if (body instanceof Uint8Array) return new BodyState(body, null);
    return new BodyState(null, body);
  }

  /** A second state with the same content: bytes are shared, a stream is teed. */
  function clone(state) {
    if (isUsed(state)) throw new TypeError("This ReadableStream is currently locked to a reader,");
    if (state.stream === null) return new BodyState(state.bytes, null);
    const [mine, theirs] = state.stream.tee();
    state.stream = mine;
    return new BodyState(null, theirs);
  }

  /** The content, for handing to a new owner (another Request, the gateway); marks it used. */
  function take(state) {
    if (isUsed(state)) throw new TypeError(USED);
    const content = state.stream ?? state.bytes;
    if (content !== null) state.used = true;
    return content;
  }

  /** A `headers` init member as a new Headers, with workerd's TypeError for a wrong type. */
  function headers(init, dictionary) {
    if (init === undefined) return new Headers();
    if (init === null || (typeof init !== "object" && typeof init !== "function")) {
      throw new TypeError(
        `Incorrect type for the 'headers' field on '${dictionary}': the provided value is ` +
          "not of type 'Headers or Sequence or object'.",
      );
    }
    return new Headers(init);
  }

  /** All the bytes of a body (empty for none); marks it used. */
  async function consume(state) {
    if (isUsed(state)) throw new TypeError(USED);
    if (state.stream !== null) return internal.streams.readAll(state.stream);
    if (state.bytes === null) return EMPTY;
    const bytes = state.bytes;
    state.bytes = null;
    state.used = true;
    return bytes;
  }

  class Body {
    #state;

    constructor(state) {
      if (!(state instanceof BodyState)) throw new TypeError("Illegal constructor");
      this.#state = state;
    }

    get body() {
      const state = this.#state;
      if (state.stream === null && (state.bytes !== null || state.used)) {
        state.stream = internal.streams.fromBytes(state.bytes ?? EMPTY);
        state.bytes = null;
      }
      return state.stream;
    }

    get bodyUsed() {
      return isUsed(this.#state);
    }

    async arrayBuffer() {
      return (await consume(this.#state)).slice().buffer;
    }

    async bytes() {
      return (await consume(this.#state)).slice();
    }

    async text() {
      return internal.utf8.decode(await consume(this.#state));
    }

    async json() {
      return JSON.parse(internal.utf8.decode(await consume(this.#state)));
    }

    async formData() {
      const contentType = this.headers.get("content-type");
      return internal.parseFormData(await consume(this.#state), contentType);
    }

    async blob() {
      const contentType = this.headers.get("content-type");
      const parsed = contentType === null ? null : internal.mimeType.parse(contentType);
      const type = parsed === null ? "" : internal.mimeType.serialize(parsed);
      return internal.makeBlob((await consume(this.#state)).slice(), type);
    }

    static {
      internal.body = {
        extract,
        fromParts,
        none,
        clone,
        take,
        isUsed,
        headers,
        of: (owner) => owner.#state,
      };
    }
  }

  internal.Body = Body;
  internal.exposeGlobals({ Body });
});
