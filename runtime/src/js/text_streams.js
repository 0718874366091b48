// TextEncoderStream and TextDecoderStream (WHATWG Encoding), transform streams over the
// global TextEncoder and TextDecoder, which are looked up when a stream is made.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;

  const REPLACEMENT_UTF8 = new Uint8Array([0xef, 0xbf, 0xbd]);

  class TextEncoderStream {
    #transform;
    constructor() {
      const encoder = new globalThis.TextEncoder();
      // A high surrogate at the end of a chunk waits for the low one in the next.
      let pending = "";
      this.#transform = parts.createTransform({
        transform(chunk, controller) {
          let text = pending + String(chunk);
          pending = "";
          const last = text.charCodeAt(text.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pending = text[text.length - 1];
            text = text.slice(0, -1);
          }
          if (text !== "") controller.enqueue(encoder.encode(text));
          return Promise.resolve();
        },
        flush(controller) {
          if (pending !== "") controller.enqueue(REPLACEMENT_UTF8.slice());
          return Promise.resolve();
        },
      });
    }
    get encoding() {
      return "utf-8";
    }
    get readable() {
      return this.#transform.readable.object;
    }
    get writable() {
      return this.#transform.writable.object;
    }
  }

  class TextDecoderStream {
    #transform;
    #decoder;
    constructor(label = "utf-8", options = undefined) {
      const decoder = (this.#decoder = new globalThis.TextDecoder(label, options));
      this.#transform = parts.createTransform({
        transform(chunk, controller) {
          const text = decoder.decode(chunk, { stream: true });
          if (text !== "") controller.enqueue(text);
          return Promise.resolve();
        },
        flush(controller) {
          const text = decoder.decode();
          if (text !== "") controller.enqueue(text);
          return Promise.resolve();
        },
      });
    }
    get encoding() {
      return this.#decoder.encoding;
    }
    get fatal() {
      return this.#decoder.fatal;
    }
    get ignoreBOM() {
      return this.#decoder.ignoreBOM;
    }
    get readable() {
      return this.#transform.readable.object;
    }
    get writable() {
      return this.#transform.writable.object;
    }
  }

  parts.tagClasses([TextEncoderStream, TextDecoderStream]);
  internal.exposeGlobals({ TextEncoderStream, TextDecoderStream });
});
