// Streamed responses: a ReadableStream producing chunks with pauses between them, a stream
// piped through a TransformStream and TextEncoderStream, a stream of known length, and a
// request body read as a stream.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ticks(count, pause) {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i === count) {
        controller.close();
        return;
      }
      await sleep(pause);
      controller.enqueue(encoder.encode(`chunk ${i++} of ${count}\n`));
    },
  });
}

function upper() {
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk.toUpperCase());
    },
    flush(controller) {
      controller.enqueue("-- END --\n");
    },
  });
}

export default {
  async fetch(request) {
    const { pathname, searchParams } = new URL(request.url);
    switch (pathname) {
      case "/ticks": {
        const count = Number(searchParams.get("n") ?? 5);
        return new Response(ticks(count, 20), { headers: { "content-type": "text/plain" } });
      }
      case "/transform": {
        const body = ticks(4, 10)
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(upper())
          .pipeThrough(new TextEncoderStream());
        return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
      }
      case "/big": {
        // 64 chunks of 4 KiB, each a different byte.
        let i = 0;
        const body = new ReadableStream({
          pull(controller) {
            if (i === 64) return controller.close();
            controller.enqueue(new Uint8Array(4096).fill(65 + (i++ % 26)));
          },
        });
        return new Response(body);
      }
      case "/fixed-length": {
        const { readable, writable } = new FixedLengthStream(12);
        const writer = writable.getWriter();
        (async () => {
          await writer.write(new TextEncoder().encode("hello "));
          await sleep(10);
          await writer.write(new TextEncoder().encode("world!"));
          await writer.close();
        })();
        return new Response(readable);
      }
      case "/identity": {
        const { readable, writable } = new TransformStream();
        (async () => {
          const writer = writable.getWriter();
          for (const word of ["one ", "two ", "three"]) {
            await writer.write(new TextEncoder().encode(word));
            await sleep(5);
          }
          await writer.close();
        })();
        return new Response(readable);
      }
      case "/empty-stream":
        return new Response(new ReadableStream({ start: (c) => c.close() }));
      case "/count-body": {
        // Reads the request body as a stream and reports what arrived (no body: null).
        if (request.body === null) return Response.json({ body: null });
        const reader = request.body.getReader();
        let bytes = 0;
        let sum = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          for (const b of value) sum = (sum + b) % 65521;
        }
        return Response.json({ bytes, sum });
      }
      default:
        return new Response("no such stream", { status: 404 });
    }
  },
};
