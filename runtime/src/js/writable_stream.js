// WritableStream, WritableStreamDefaultWriter and WritableStreamDefaultController (WHATWG
// Streams). The algorithms work on plain records (one per stream, writer and controller); the
// public objects hold their record in a private field. Adds to `internal.streamParts`:
// `writableRecord(value)` (the record of a WritableStream, or undefined), `acquireWriter`,
// `writerWrite`, `writerCloseWithErrorPropagation`, `writerRelease`, `writableAbort`,
// `writableCloseQueuedOrInFlight`, `createWritable(sink algorithms...)` and
// `writableErrorIfNeeded`, for pipes and transform streams.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;
  const { deferred, rejected, markHandled, invoke, method, build, takeAttached } = parts;

  const lockedError = () => new TypeError("This WritableStream is currently locked to a writer.");
  const releasedError = () => new TypeError("This WritableStream writer has been released.");
  const closedError = () => new TypeError("This WritableStream has been closed.");
  // Queued after the chunks when the stream is closed.
  const CLOSE = Symbol("close");

  let recordOf;
  let writerRecordOf;

  class WritableStream {
    #record;
    constructor(underlyingSink = undefined, strategy = undefined) {
      const attached = takeAttached();
      if (attached !== null) {
        this.#record = attached;
        attached.object = this;
        return;
      }
      const sink = underlyingSink ?? {};
      if (sink.type !== undefined) throw new RangeError("Invalid type is specified");
      const start = method(sink, "start", "UnderlyingSink");
      const write = method(sink, "write", "UnderlyingSink");
      const close = method(sink, "close", "UnderlyingSink");
      const abort = method(sink, "abort", "UnderlyingSink");
      const highWaterMark = parts.highWaterMark(strategy, 1);
      const size = parts.sizeFunction(strategy);
      this.#record = newStream(this);
      setUpController(
        this.#record,
        (controller) => (start === undefined ? undefined : start.call(sink, controller)),
        write === undefined ? () => Promise.resolve() : (chunk, c) => invoke(sink, write, chunk, c),
        close === undefined ? () => Promise.resolve() : () => invoke(sink, close),
        abort === undefined ? () => Promise.resolve() : (reason) => invoke(sink, abort, reason),
        highWaterMark,
        size,
      );
    }
    get locked() {
      return this.#record.writer !== null;
    }
    abort(reason = undefined) {
      if (this.#record.writer !== null) return rejected(lockedError());
      return abort(this.#record, reason);
    }
    close() {
      const stream = this.#record;
      if (stream.writer !== null) return rejected(lockedError());
      if (closeQueuedOrInFlight(stream)) return rejected(closedError());
      return close(stream);
    }
    getWriter() {
      return build(WritableStreamDefaultWriter, acquireWriter(this.#record));
    }
    static {
      recordOf = (value) => (value !== null && typeof value === "object" && #record in value ? value.#record : undefined);
    }
  }

  class WritableStreamDefaultWriter {
    #record;
    constructor(stream) {
      const attached = takeAttached();
      if (attached !== null) {
        this.#record = attached;
        attached.object = this;
        return;
      }
      const record = recordOf(stream);
      if (record === undefined) {
        throw new TypeError(
          "Failed to construct 'WritableStreamDefaultWriter': constructor parameter 1 is not of type 'WritableStream'.",
        );
      }
      this.#record = acquireWriter(record);
      this.#record.object = this;
    }
    get closed() {
      return this.#record.closed.promise;
    }
    get ready() {
      return this.#record.ready.promise;
    }
    get desiredSize() {
      const stream = this.#record.stream;
      if (stream === null) throw releasedError();
      if (stream.state === "errored" || stream.state === "erroring") return null;
      if (stream.state === "closed") return 0;
      return desiredSize(stream.controller);
    }
    abort(reason = undefined) {
      const stream = this.#record.stream;
      if (stream === null) return rejected(releasedError());
      return abort(stream, reason);
    }
    close() {
      const stream = this.#record.stream;
      if (stream === null) return rejected(releasedError());
      if (closeQueuedOrInFlight(stream)) return rejected(closedError());
      return close(stream);
    }
    releaseLock() {
      if (this.#record.stream !== null) writerRelease(this.#record);
    }
    write(chunk = undefined) {
      return writerWrite(this.#record, chunk);
    }
    static {
      writerRecordOf = (writer) => writer.#record;
    }
  }

  class WritableStreamDefaultController {
    #record;
    constructor() {
      const attached = takeAttached();
      if (attached === null) throw new TypeError("Illegal constructor");
      this.#record = attached;
    }
    get signal() {
      return this.#record.abortController.signal;
    }
    error(reason = undefined) {
      const controller = this.#record;
      if (controller.stream.state === "writable") controllerError(controller, reason);
    }
  }

  function newStream(object) {
    return {
      object,
      state: "writable",
      storedError: undefined,
      writer: null,
      controller: null,
      writeRequests: [],
      inFlightWriteRequest: null,
      closeRequest: null,
      inFlightCloseRequest: null,
      pendingAbortRequest: null,
      backpressure: false,
    };
  }

  // Sets up the controller of `stream` with sink algorithms returning promises.
  function setUpController(stream, start, write, close, abortSink, highWaterMark, size) {
    const controller = {
      stream,
      object: null,
      started: false,
      strategyHWM: highWaterMark,
      strategySize: size,
      write,
      close,
      abort: abortSink,
      abortController: new AbortController(),
      onWriteDone: () => writeDone(controller),
      onWriteFailed: (reason) => writeFailed(controller, reason),
    };
    parts.resetQueue(controller);
    controller.object = build(WritableStreamDefaultController, controller);
    stream.controller = controller;
    updateBackpressure(stream, desiredSize(controller) <= 0);
    let started;
    try {
      started = Promise.resolve(start(controller.object));
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      () => {
        controller.started = true;
        advanceQueueIfNeeded(controller);
      },
      (reason) => {
        controller.started = true;
        dealWithRejection(stream, reason);
      },
    );
  }

  // A writable stream (its record) whose sink is given as algorithms returning promises (for
  // TransformStream).
  function createWritable(start, write, close, abortSink, highWaterMark, size) {
    const stream = newStream(null);
    build(WritableStream, stream);
    setUpController(stream, start, write, close, abortSink, highWaterMark, size);
    return stream;
  }

  function desiredSize(controller) {
    return controller.strategyHWM - controller.queueTotalSize;
  }

  function acquireWriter(stream) {
    if (stream.writer !== null) throw lockedError();
    const writer = { stream, object: null, ready: deferred(), readySettled: false, closed: deferred() };
    stream.writer = writer;
    const state = stream.state;
    if (state === "writable") {
      // Under backpressure, ready stays pending until it lifts.
      if (closeQueuedOrInFlight(stream) || !stream.backpressure) resolveReady(writer);
    } else if (state === "erroring") {
      rejectReady(writer, stream.storedError);
    } else if (state === "closed") {
      resolveReady(writer);
      writer.closed.resolve();
    } else {
      rejectReady(writer, stream.storedError);
      writer.closed.reject(stream.storedError);
      markHandled(writer.closed.promise);
    }
    return writer;
  }

  function abort(stream, reason) {
    if (stream.state === "closed" || stream.state === "errored") return Promise.resolve();
    stream.controller.abortController.abort(reason);
    const state = stream.state;
    if (state === "closed" || state === "errored") return Promise.resolve();
    if (stream.pendingAbortRequest !== null) return stream.pendingAbortRequest.promise.promise;
    const wasAlreadyErroring = state === "erroring";
    const request = { promise: deferred(), reason: wasAlreadyErroring ? undefined : reason, wasAlreadyErroring };
    stream.pendingAbortRequest = request;
    if (!wasAlreadyErroring) startErroring(stream, reason);
    return request.promise.promise;
  }

  function close(stream) {
    const state = stream.state;
    if (state === "closed" || state === "errored") {
      return rejected(new TypeError("This WritableStream has been closed."));
    }
    const request = deferred();
    stream.closeRequest = request;
    const writer = stream.writer;
    if (writer !== null && stream.backpressure && state === "writable") resolveReady(writer);
    const controller = stream.controller;
    parts.enqueueValue(controller, CLOSE, 0);
    advanceQueueIfNeeded(controller);
    return request.promise;
  }

  function closeQueuedOrInFlight(stream) {
    return stream.closeRequest !== null || stream.inFlightCloseRequest !== null;
  }

  function dealWithRejection(stream, error) {
    if (stream.state === "writable") startErroring(stream, error);
    else finishErroring(stream);
  }

  function startErroring(stream, reason) {
    const controller = stream.controller;
    stream.state = "erroring";
    stream.storedError = reason;
    const writer = stream.writer;
    if (writer !== null) rejectReady(writer, reason);
    if (!hasOperationInFlight(stream) && controller.started) finishErroring(stream);
  }

  function finishErroring(stream) {
    stream.state = "errored";
    parts.resetQueue(stream.controller);
    const error = stream.storedError;
    const requests = stream.writeRequests;
    stream.writeRequests = [];
    for (const request of requests) request.reject(error);
    const abortRequest = stream.pendingAbortRequest;
    if (abortRequest === null) {
      rejectCloseAndClosedIfNeeded(stream);
      return;
    }
    stream.pendingAbortRequest = null;
    if (abortRequest.wasAlreadyErroring) {
      abortRequest.promise.reject(error);
      rejectCloseAndClosedIfNeeded(stream);
      return;
    }
    const controller = stream.controller;
    const aborted = controller.abort(abortRequest.reason);
    clearAlgorithms(controller);
    aborted.then(
      () => {
        abortRequest.promise.resolve();
        rejectCloseAndClosedIfNeeded(stream);
      },
      (reason) => {
        abortRequest.promise.reject(reason);
        rejectCloseAndClosedIfNeeded(stream);
      },
    );
  }

  function hasOperationInFlight(stream) {
    return stream.inFlightWriteRequest !== null || stream.inFlightCloseRequest !== null;
  }

  function rejectCloseAndClosedIfNeeded(stream) {
    if (stream.closeRequest !== null) {
      stream.closeRequest.reject(stream.storedError);
      stream.closeRequest = null;
    }
    const writer = stream.writer;
    if (writer !== null) {
      writer.closed.reject(stream.storedError);
      markHandled(writer.closed.promise);
    }
  }

  function resolveReady(writer) {
    writer.ready.resolve();
    writer.readySettled = true;
  }

  // Rejects the ready promise, replacing it first if it has settled already.
  function rejectReady(writer, reason) {
    if (writer.readySettled) writer.ready = deferred();
    writer.ready.reject(reason);
    markHandled(writer.ready.promise);
    writer.readySettled = true;
  }

  function updateBackpressure(stream, backpressure) {
    const writer = stream.writer;
    if (writer !== null && backpressure !== stream.backpressure) {
      if (backpressure) {
        writer.ready = deferred();
        writer.readySettled = false;
      } else {
        resolveReady(writer);
      }
    }
    stream.backpressure = backpressure;
  }

  function writerWrite(writer, chunk) {
    const stream = writer.stream;
    if (stream === null) return rejected(releasedError());
    const controller = stream.controller;
    let size = 1;
    if (controller.strategySize !== undefined) {
      try {
        size = controller.strategySize(chunk);
      } catch (error) {
        errorIfNeeded(controller, error);
        size = 1;
      }
    }
    const state = stream.state;
    if (state === "errored" || state === "erroring") return rejected(stream.storedError);
    if (closeQueuedOrInFlight(stream) || state === "closed") return rejected(closedError());
    const request = deferred();
    stream.writeRequests.push(request);
    try {
      parts.enqueueValue(controller, chunk, size);
    } catch (error) {
      errorIfNeeded(controller, error);
      return request.promise;
    }
    if (!closeQueuedOrInFlight(stream) && stream.state === "writable") {
      updateBackpressure(stream, desiredSize(controller) <= 0);
    }
    advanceQueueIfNeeded(controller);
    return request.promise;
  }

  function writerCloseWithErrorPropagation(writer) {
    const stream = writer.stream;
    const state = stream.state;
    if (closeQueuedOrInFlight(stream) || state === "closed") return Promise.resolve();
    if (state === "errored") return rejected(stream.storedError);
    return close(stream);
  }

  function writerRelease(writer) {
    const stream = writer.stream;
    const error = releasedError();
    rejectReady(writer, error);
    if (stream.state === "writable" || stream.state === "erroring") {
      writer.closed.reject(error);
    } else {
      writer.closed = deferred();
      writer.closed.reject(error);
    }
    markHandled(writer.closed.promise);
    stream.writer = null;
    writer.stream = null;
  }

  function controllerError(controller, error) {
    clearAlgorithms(controller);
    startErroring(controller.stream, error);
  }

  function errorIfNeeded(controller, error) {
    if (controller.stream.state === "writable") controllerError(controller, error);
  }

  function clearAlgorithms(controller) {
    controller.write = undefined;
    controller.close = undefined;
    controller.abort = () => Promise.resolve();
    controller.strategySize = undefined;
  }

  function advanceQueueIfNeeded(controller) {
    const stream = controller.stream;
    if (!controller.started || stream.inFlightWriteRequest !== null) return;
    if (stream.state === "erroring") {
      finishErroring(stream);
      return;
    }
    if (parts.queueLength(controller) === 0) return;
    const value = parts.peekValue(controller);
    if (value === CLOSE) processClose(controller);
    else processWrite(controller, value);
  }

  function processClose(controller) {
    const stream = controller.stream;
    stream.inFlightCloseRequest = stream.closeRequest;
    stream.closeRequest = null;
    parts.dequeueValue(controller);
    const closing = controller.close();
    clearAlgorithms(controller);
    closing.then(
      () => {
        stream.inFlightCloseRequest.resolve();
        stream.inFlightCloseRequest = null;
        if (stream.state === "erroring") {
          stream.storedError = undefined;
          if (stream.pendingAbortRequest !== null) {
            stream.pendingAbortRequest.promise.resolve();
            stream.pendingAbortRequest = null;
          }
        }
        stream.state = "closed";
        if (stream.writer !== null) stream.writer.closed.resolve();
      },
      (reason) => {
        stream.inFlightCloseRequest.reject(reason);
        stream.inFlightCloseRequest = null;
        if (stream.pendingAbortRequest !== null) {
          stream.pendingAbortRequest.promise.reject(reason);
          stream.pendingAbortRequest = null;
        }
        dealWithRejection(stream, reason);
      },
    );
  }

  function processWrite(controller, chunk) {
    const stream = controller.stream;
    stream.inFlightWriteRequest = stream.writeRequests.shift();
    controller.write(chunk, controller.object).then(controller.onWriteDone, controller.onWriteFailed);
  }

  function writeDone(controller) {
    const stream = controller.stream;
    stream.inFlightWriteRequest.resolve();
    stream.inFlightWriteRequest = null;
    const state = stream.state;
    parts.dequeueValue(controller);
    if (!closeQueuedOrInFlight(stream) && state === "writable") {
      updateBackpressure(stream, desiredSize(controller) <= 0);
    }
    advanceQueueIfNeeded(controller);
  }

  function writeFailed(controller, reason) {
    const stream = controller.stream;
    if (stream.state === "writable") clearAlgorithms(controller);
    stream.inFlightWriteRequest.reject(reason);
    stream.inFlightWriteRequest = null;
    dealWithRejection(stream, reason);
  }

  parts.tagClasses([WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController]);
  internal.exposeGlobals({
    WritableStream,
    WritableStreamDefaultWriter,
    WritableStreamDefaultController,
  });
  Object.assign(parts, {
    writableRecord: recordOf,
    createWritable,
    writerRecordOf,
    acquireWriter,
    writerWrite,
    writerCloseWithErrorPropagation,
    writerRelease,
    writableAbort: abort,
    writableCloseQueuedOrInFlight: closeQueuedOrInFlight,
    writableErrorIfNeeded: (stream, error) => errorIfNeeded(stream.controller, error),
    writableDesiredSize: (stream) => desiredSize(stream.controller),
  });
});
