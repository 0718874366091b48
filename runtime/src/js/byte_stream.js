// Readable byte streams (WHATWG Streams, `type: "bytes"`): ReadableByteStreamController,
// ReadableStreamBYOBRequest and the reads of BYOB readers into the caller's views. Enqueued
// chunks are transferred (their buffer is detached, as in workerd). Adds
// `setUpByteController`, `byobRead` and `byteEnqueue(controller, view, transfer)` to
// `internal.streamParts`.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;
  const { rejected, build, takeAttached } = parts;

  const invalidated = () => new TypeError("This BYOB request has been invalidated.");

  class ReadableByteStreamController {
    #record;
    constructor() {
      const attached = takeAttached();
      if (attached === null) throw new TypeError("Illegal constructor");
      this.#record = attached;
    }
    get byobRequest() {
      return currentByobRequest(this.#record);
    }
    get desiredSize() {
      return parts.readableDesiredSize(this.#record);
    }
    close() {
      const controller = this.#record;
      if (!parts.canCloseOrEnqueue(controller)) throw new TypeError("This ReadableStream is closed.");
      byteClose(controller);
    }
    enqueue(chunk) {
      const controller = this.#record;
      let view = chunk;
      if (chunk instanceof ArrayBuffer) view = new Uint8Array(chunk);
      else if (!ArrayBuffer.isView(chunk)) {
        throw new TypeError(
          "Failed to execute 'enqueue' on 'ReadableByteStreamController': parameter 1 is not of type 'BufferSource'.",
        );
      }
      if (view.byteLength === 0) throw new TypeError("Cannot enqueue a zero-length ArrayBuffer.");
      if (!parts.canCloseOrEnqueue(controller)) throw new TypeError("Unable to enqueue");
      byteEnqueue(controller, view, true);
    }
    error(reason = undefined) {
      byteError(this.#record, reason);
    }
  }

  class ReadableStreamBYOBRequest {
    #record;
    constructor() {
      const attached = takeAttached();
      if (attached === null) throw new TypeError("Illegal constructor");
      this.#record = attached;
    }
    get view() {
      return this.#record.view;
    }
    respond(bytesWritten) {
      const request = this.#record;
      if (request.controller === null) throw invalidated();
      respond(request.controller, Number(bytesWritten));
    }
    respondWithNewView(view) {
      const request = this.#record;
      if (!ArrayBuffer.isView(view)) {
        throw new TypeError(
          "Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest': parameter 1 is not of type 'ArrayBufferView'.",
        );
      }
      if (request.controller === null) throw invalidated();
      const descriptor = request.controller.pendingPullIntos[0];
      if (descriptor.byteOffset + descriptor.bytesFilled !== view.byteOffset) {
        throw new RangeError("The region specified by view does not match byobRequest.");
      }
      if (descriptor.bytesFilled + view.byteLength > descriptor.byteLength) {
        throw new RangeError("The view is larger than the byobRequest.");
      }
      descriptor.buffer = view.buffer;
      respond(request.controller, view.byteLength);
    }
  }

  function setUpByteController(stream, start, pull, cancelAlgorithm, highWaterMark, chunkSize) {
    const controller = parts.newController(stream, pull, cancelAlgorithm, highWaterMark, {
      byte: true,
      autoAllocateChunkSize: chunkSize,
      pendingPullIntos: [],
      byobRequest: null,
      callPullIfNeeded: byteCallPullIfNeeded,
      error: byteError,
      pullSteps: bytePullSteps,
      cancelSteps: byteCancelSteps,
      releaseSteps: byteReleaseSteps,
    });
    controller.object = build(ReadableByteStreamController, controller);
    parts.startController(controller, start);
  }

  // The buffer of `view`, detached from it when `transfer` is set.
  function takeBuffer(view, transfer) {
    if (view.buffer.detached) throw new TypeError("The chunk's ArrayBuffer is detached.");
    return transfer ? view.buffer.transfer() : view.buffer;
  }

  function byteEnqueue(controller, chunk, transfer) {
    const { byteOffset, byteLength } = chunk;
    const view = new Uint8Array(takeBuffer(chunk, transfer), byteOffset, byteLength);
    invalidateByobRequest(controller);
    const reader = controller.stream.reader;
    if (reader !== null && !reader.byob && reader.requests.length > 0) {
      // An auto-allocated buffer waiting for this read is not needed any more.
      if (controller.pendingPullIntos.length > 0) controller.pendingPullIntos.shift();
      reader.requests.shift().chunk(view);
    } else {
      parts.enqueueValue(controller, view, view.byteLength);
      if (reader !== null && reader.byob) processPullIntosUsingQueue(controller);
    }
    byteCallPullIfNeeded(controller);
  }

  function byteClose(controller) {
    if (controller.queueTotalSize > 0) {
      controller.closeRequested = true;
      return;
    }
    const first = controller.pendingPullIntos[0];
    if (first !== undefined && first.bytesFilled % first.elementSize !== 0) {
      const error = new TypeError("Insufficient bytes to fill elements in the given buffer");
      byteError(controller, error);
      throw error;
    }
    closeNow(controller);
  }

  // Closes the stream; BYOB reads still waiting end with their (empty) views.
  function closeNow(controller) {
    const stream = controller.stream;
    parts.clearReadableAlgorithms(controller);
    invalidateByobRequest(controller);
    parts.closeStream(stream);
    const pending = controller.pendingPullIntos;
    controller.pendingPullIntos = [];
    const reader = stream.reader;
    if (reader === null || !reader.byob) return;
    for (const descriptor of pending) commit(controller, descriptor, reader);
  }

  function byteError(controller, reason) {
    if (controller.stream.state !== "readable") return;
    invalidateByobRequest(controller);
    controller.pendingPullIntos = [];
    parts.resetQueue(controller);
    parts.clearReadableAlgorithms(controller);
    parts.errorStream(controller.stream, reason);
  }

  function byteCallPullIfNeeded(controller) {
    if (!parts.canCloseOrEnqueue(controller) || !controller.started) return;
    const reader = controller.stream.reader;
    const wanted =
      (reader !== null && reader.requests.length > 0) || parts.readableDesiredSize(controller) > 0;
    parts.pullIfNeeded(controller, wanted);
  }

  // A default reader's read: the next whole chunk.
  function bytePullSteps(controller, request) {
    if (controller.queueTotalSize > 0) {
      const chunk = parts.dequeueValue(controller);
      afterQueueDrain(controller);
      request.chunk(chunk);
      return;
    }
    const size = controller.autoAllocateChunkSize;
    if (size !== undefined) {
      controller.pendingPullIntos.push(descriptorFor(new Uint8Array(size), 1, "default"));
    }
    controller.stream.reader.requests.push(request);
    byteCallPullIfNeeded(controller);
  }

  function afterQueueDrain(controller) {
    if (controller.queueTotalSize === 0 && controller.closeRequested) closeNow(controller);
    else byteCallPullIfNeeded(controller);
  }

  function byteCancelSteps(controller, reason) {
    invalidateByobRequest(controller);
    controller.pendingPullIntos = [];
    parts.resetQueue(controller);
    const result = controller.cancel(reason);
    parts.clearReadableAlgorithms(controller);
    return result;
  }

  // A released reader's waiting reads are gone; the source may still answer the first.
  function byteReleaseSteps(controller) {
    const first = controller.pendingPullIntos[0];
    if (first === undefined) return;
    first.readerType = "none";
    controller.pendingPullIntos = [first];
  }

  function descriptorFor(view, minimumElements, readerType) {
    const elementSize = view.BYTES_PER_ELEMENT ?? 1;
    return {
      buffer: view.buffer,
      byteOffset: view.byteOffset,
      byteLength: view.byteLength,
      bytesFilled: 0,
      minimumFill: minimumElements * elementSize,
      elementSize,
      ctor: view instanceof DataView ? DataView : Object.getPrototypeOf(view).constructor,
      readerType,
    };
  }

  // A BYOB reader's read into `view`.
  function byobRead(reader, view, options) {
    if (!ArrayBuffer.isView(view)) {
      return rejected(
        new TypeError(
          "Failed to execute 'read' on 'ReadableStreamBYOBReader': parameter 1 is not of type 'ArrayBufferView'.",
        ),
      );
    }
    if (view.byteLength === 0) {
      return rejected(
        new TypeError(
          'You must call read() on a "byob" reader with a positive-sized TypedArray object.',
        ),
      );
    }
    const elementSize = view.BYTES_PER_ELEMENT ?? 1;
    const min = options?.min === undefined ? 1 : Number(options.min);
    if (!(min > 0) || min * elementSize > view.byteLength) {
      return rejected(new RangeError("options.min must be positive and fit in the view."));
    }
    const stream = reader.stream;
    if (stream === null) {
      return rejected(new TypeError("This ReadableStream reader has been released."));
    }
    stream.disturbed = true;
    if (stream.state === "errored") return rejected(stream.storedError);
    const request = new parts.ReadRequest();
    const { byteOffset, byteLength } = view;
    let buffer;
    try {
      buffer = takeBuffer(view, true);
    } catch (error) {
      return rejected(error);
    }
    const moved =
      view instanceof DataView
        ? new DataView(buffer, byteOffset, byteLength)
        : new (Object.getPrototypeOf(view).constructor)(buffer, byteOffset, byteLength / elementSize);
    pullInto(stream.controller, descriptorFor(moved, min, "byob"), request);
    return request.promise;
  }

  function pullInto(controller, descriptor, request) {
    const stream = controller.stream;
    const reader = stream.reader;
    if (controller.pendingPullIntos.length > 0) {
      controller.pendingPullIntos.push(descriptor);
      reader.requests.push(request);
      return;
    }
    if (stream.state === "closed") {
      request.close(new descriptor.ctor(descriptor.buffer, descriptor.byteOffset, 0));
      return;
    }
    if (controller.queueTotalSize > 0) {
      if (fillFromQueue(controller, descriptor)) {
        const filled = viewOf(descriptor);
        afterQueueDrain(controller);
        request.chunk(filled);
        return;
      }
      if (controller.closeRequested) {
        const error = new TypeError("Insufficient bytes to fill elements in the given buffer");
        byteError(controller, error);
        request.error(error);
        return;
      }
    }
    controller.pendingPullIntos.push(descriptor);
    reader.requests.push(request);
    byteCallPullIfNeeded(controller);
  }

  // Copies queued bytes into the descriptor; true once it holds its minimum fill.
  function fillFromQueue(controller, descriptor) {
    const elementSize = descriptor.elementSize;
    const toCopy = Math.min(controller.queueTotalSize, descriptor.byteLength - descriptor.bytesFilled);
    const maxFilled = descriptor.bytesFilled + toCopy;
    const aligned = maxFilled - (maxFilled % elementSize);
    let remaining = toCopy;
    let ready = false;
    if (aligned >= descriptor.minimumFill) {
      remaining = aligned - descriptor.bytesFilled;
      ready = true;
    }
    const target = new Uint8Array(descriptor.buffer, descriptor.byteOffset);
    while (remaining > 0) {
      const head = parts.peekValue(controller);
      const count = Math.min(remaining, head.byteLength);
      target.set(count === head.byteLength ? head : head.subarray(0, count), descriptor.bytesFilled);
      if (count === head.byteLength) {
        parts.dequeueValue(controller);
      } else {
        controller.queue[controller.head] = head.subarray(count);
        controller.sizes[controller.head] -= count;
        controller.queueTotalSize -= count;
      }
      descriptor.bytesFilled += count;
      remaining -= count;
    }
    return ready;
  }

  function processPullIntosUsingQueue(controller) {
    const pending = controller.pendingPullIntos;
    while (pending.length > 0 && controller.queueTotalSize > 0) {
      const descriptor = pending[0];
      if (!fillFromQueue(controller, descriptor)) return;
      pending.shift();
      commit(controller, descriptor, controller.stream.reader);
    }
  }

  function viewOf(descriptor) {
    const length = descriptor.bytesFilled / descriptor.elementSize;
    return new descriptor.ctor(descriptor.buffer, descriptor.byteOffset, length);
  }

  // Answers the oldest waiting read with what the descriptor holds.
  function commit(controller, descriptor, reader) {
    if (descriptor.readerType === "none" || reader === null) return;
    const request = reader.requests.shift();
    if (request === undefined) return;
    const view = viewOf(descriptor);
    if (controller.stream.state === "closed") request.close(view);
    else request.chunk(view);
  }

  function currentByobRequest(controller) {
    if (controller.byobRequest === null && controller.pendingPullIntos.length > 0) {
      const first = controller.pendingPullIntos[0];
      const view = new Uint8Array(
        first.buffer,
        first.byteOffset + first.bytesFilled,
        first.byteLength - first.bytesFilled,
      );
      const record = { controller, view };
      controller.byobRequest = { record, object: build(ReadableStreamBYOBRequest, record) };
    }
    return controller.byobRequest?.object ?? null;
  }

  function invalidateByobRequest(controller) {
    const current = controller.byobRequest;
    if (current === null) return;
    current.record.controller = null;
    current.record.view = null;
    controller.byobRequest = null;
  }

  function respond(controller, bytesWritten) {
    const descriptor = controller.pendingPullIntos[0];
    const stream = controller.stream;
    if (stream.state === "closed") {
      if (bytesWritten !== 0) {
        throw new TypeError("bytesWritten must be 0 when calling respond() on a closed stream");
      }
    } else if (
      !(bytesWritten > 0) ||
      descriptor.bytesFilled + bytesWritten > descriptor.byteLength
    ) {
      throw new RangeError("bytesWritten out of range");
    }
    invalidateByobRequest(controller);
    if (stream.state === "closed") {
      controller.pendingPullIntos.shift();
      commit(controller, descriptor, stream.reader);
      return;
    }
    descriptor.bytesFilled += bytesWritten;
    if (descriptor.readerType === "none") {
      controller.pendingPullIntos.shift();
      const filled = new Uint8Array(descriptor.buffer, descriptor.byteOffset, descriptor.bytesFilled);
      parts.enqueueValue(controller, filled.slice(), filled.byteLength);
      processPullIntosUsingQueue(controller);
    } else if (descriptor.bytesFilled >= descriptor.minimumFill) {
      controller.pendingPullIntos.shift();
      const remainder = descriptor.bytesFilled % descriptor.elementSize;
      if (remainder > 0) {
        const end = descriptor.byteOffset + descriptor.bytesFilled;
        const rest = new Uint8Array(descriptor.buffer.slice(end - remainder, end));
        parts.enqueueValue(controller, rest, remainder);
        descriptor.bytesFilled -= remainder;
      }
      commit(controller, descriptor, stream.reader);
      processPullIntosUsingQueue(controller);
    }
    byteCallPullIfNeeded(controller);
  }

  parts.tagClasses([ReadableByteStreamController, ReadableStreamBYOBRequest]);
  internal.exposeGlobals({ ReadableByteStreamController, ReadableStreamBYOBRequest });
  Object.assign(parts, { setUpByteController, byobRead, byteEnqueue, byteClose });
});
