// ReadableStream, its default controller and its readers (default and BYOB), async iteration
// and ReadableStream.from (WHATWG Streams). Algorithms work on plain records; the public
// objects hold their record in a private field. Byte-stream controllers come from
// byte_stream.js, pipeTo and tee from pipe.js (looked up in `internal.streamParts` when
// called). Adds to `internal.streamParts` the record accessors and the stream algorithms the
// other stream files use.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;
  const { deferred, rejected, markHandled, invoke, method, build, takeAttached } = parts;

  const lockedError = () => new TypeError("This ReadableStream is currently locked to a reader.");
  const releasedError = () => new TypeError("This ReadableStream reader has been released.");

  let recordOf;
  let readerRecordOf;

  class ReadableStream {
    #record;
    constructor(underlyingSource = undefined, strategy = undefined) {
      const attached = takeAttached();
      if (attached !== null) {
        this.#record = attached;
        attached.object = this;
        return;
      }
      const source = underlyingSource ?? {};
      const start = method(source, "start", "UnderlyingSource");
      const pull = method(source, "pull", "UnderlyingSource");
      const cancel = method(source, "cancel", "UnderlyingSource");
      const stream = (this.#record = newStream(this));
      const type = source.type;
      const startAlgorithm = (c) => (start === undefined ? undefined : start.call(source, c));
      const pullAlgorithm = pull === undefined ? () => Promise.resolve() : (c) => invoke(source, pull, c);
      const cancelAlgorithm =
        cancel === undefined ? () => Promise.resolve() : (reason) => invoke(source, cancel, reason);
      if (type === undefined) {
        const highWaterMark = parts.highWaterMark(strategy, 1);
        const size = parts.sizeFunction(strategy);
        setUpDefaultController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, size);
      } else if (String(type) === "bytes") {
        const highWaterMark = parts.highWaterMark(strategy, 0);
        const chunkSize = source.autoAllocateChunkSize;
        if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) {
          throw new TypeError("autoAllocateChunkSize must be a positive integer.");
        }
        parts.setUpByteController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, chunkSize);
      } else {
        throw new TypeError(`"${type}" is not a valid type of ReadableStream.`);
      }
    }
    get locked() {
      return this.#record.reader !== null;
    }
    cancel(reason = undefined) {
      const stream = this.#record;
      if (stream.reader !== null) return rejected(lockedError());
      return cancel(stream, reason);
    }
    getReader(options = undefined) {
      const mode = options?.mode;
      if (mode === undefined) return build(ReadableStreamDefaultReader, acquireReader(this.#record, false));
      if (String(mode) === "byob") return build(ReadableStreamBYOBReader, acquireReader(this.#record, true));
      throw new TypeError("mode must be undefined or 'byob' in call to getReader().");
    }
    pipeTo(destination, options = undefined) {
      return parts.pipeTo(this.#record, destination, options);
    }
    pipeThrough(transform, options = undefined) {
      return parts.pipeThrough(this.#record, transform, options);
    }
    tee() {
      const branches = parts.tee(this.#record);
      const length = parts.expectedLengths.get(this.#record);
      if (length !== undefined) for (const branch of branches) parts.expectedLengths.set(branch, length);
      return branches.map((branch) => branch.object);
    }
    values(options = undefined) {
      return build(ReadableStreamAsyncIterator, {
        reader: acquireReader(this.#record, false),
        preventCancel: Boolean(options?.preventCancel),
      });
    }
    static from(iterable) {
      return fromIterable(iterable).object;
    }
    static {
      recordOf = (value) =>
        value !== null && typeof value === "object" && #record in value ? value.#record : undefined;
    }
  }
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
    value: ReadableStream.prototype.values,
    writable: true,
    configurable: true,
  });

  // The parts of a reader both kinds share.
  class ReaderBase {
    #record;
    constructor(stream, byob) {
      const attached = takeAttached();
      if (attached !== null) {
        this.#record = attached;
        attached.object = this;
        return;
      }
      const name = byob ? "ReadableStreamBYOBReader" : "ReadableStreamDefaultReader";
      const record = recordOf(stream);
      if (record === undefined) {
        throw new TypeError(
          `Failed to construct '${name}': constructor parameter 1 is not of type 'ReadableStream'.`,
        );
      }
      this.#record = acquireReader(record, byob);
      this.#record.object = this;
    }
    get closed() {
      return this.#record.closed.promise;
    }
    cancel(reason = undefined) {
      const reader = this.#record;
      if (reader.stream === null) return rejected(releasedError());
      return cancel(reader.stream, reason);
    }
    releaseLock() {
      const reader = this.#record;
      if (reader.stream !== null) releaseReader(reader);
    }
    static {
      readerRecordOf = (reader) => reader.#record;
    }
  }

  class ReadableStreamDefaultReader extends ReaderBase {
    constructor(stream) {
      super(stream, false);
    }
    read() {
      const reader = readerRecordOf(this);
      if (reader.byob) throw parts.illegalInvocation();
      const request = new ReadRequest();
      readWith(reader, request);
      return request.promise;
    }
  }

  class ReadableStreamBYOBReader extends ReaderBase {
    constructor(stream) {
      super(stream, true);
    }
    read(view, options = undefined) {
      const reader = readerRecordOf(this);
      if (!reader.byob) throw parts.illegalInvocation();
      return parts.byobRead(reader, view, options);
    }
  }

  // A read() call: settles its promise with an iterator result.
  class ReadRequest {
    constructor() {
      const { promise, resolve, reject } = Promise.withResolvers();
      this.promise = promise;
      this.resolve = resolve;
      this.reject = reject;
    }
    chunk(value) {
      this.resolve({ value, done: false });
    }
    close(value = undefined) {
      this.resolve({ value, done: true });
    }
    error(reason) {
      this.reject(reason);
    }
  }

  function newStream(object) {
    return { object, state: "readable", reader: null, storedError: undefined, disturbed: false, controller: null };
  }

  // A readable stream (its record) built from algorithms, with a default controller.
  function createReadable(start, pull, cancelAlgorithm, highWaterMark = 1, size = undefined) {
    const stream = newStream(null);
    build(ReadableStream, stream);
    setUpDefaultController(stream, start, pull, cancelAlgorithm, highWaterMark, size);
    return stream;
  }

  // A readable byte stream (its record) built from algorithms.
  function createByteReadable(start, pull, cancelAlgorithm) {
    const stream = newStream(null);
    build(ReadableStream, stream);
    parts.setUpByteController(stream, start, pull, cancelAlgorithm, 0, undefined);
    return stream;
  }

  // Calls the start algorithm, then marks the controller started and pulls if needed.
  function startController(controller, start) {
    let started;
    try {
      started = Promise.resolve(start(controller.object));
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      () => {
        controller.started = true;
        controller.callPullIfNeeded(controller);
      },
      (reason) => controller.error(controller, reason),
    );
  }
  parts.startController = startController;

  // Fields every controller record has; `kind` adds its own.
  function newController(stream, pull, cancelAlgorithm, highWaterMark, kind) {
    const controller = {
      stream,
      object: null,
      byte: false,
      started: false,
      closeRequested: false,
      pulling: false,
      pullAgain: false,
      strategyHWM: highWaterMark,
      pull,
      cancel: cancelAlgorithm,
      onPullDone: () => {
        controller.pulling = false;
        if (controller.pullAgain) {
          controller.pullAgain = false;
          controller.callPullIfNeeded(controller);
        }
      },
      onPullFailed: (reason) => controller.error(controller, reason),
      ...kind,
    };
    parts.resetQueue(controller);
    stream.controller = controller;
    return controller;
  }
  parts.newController = newController;

  // Pulls from the source unless a pull is running (then once more after it).
  function pullIfNeeded(controller, shouldPull) {
    if (!shouldPull) return;
    if (controller.pulling) {
      controller.pullAgain = true;
      return;
    }
    controller.pulling = true;
    controller.pull(controller.object).then(controller.onPullDone, controller.onPullFailed);
  }
  parts.pullIfNeeded = pullIfNeeded;

  function setUpDefaultController(stream, start, pull, cancelAlgorithm, highWaterMark, size) {
    const controller = newController(stream, pull, cancelAlgorithm, highWaterMark, {
      strategySize: size,
      callPullIfNeeded: defaultCallPullIfNeeded,
      error: defaultControllerError,
      pullSteps: defaultPullSteps,
      cancelSteps: defaultCancelSteps,
      releaseSteps: () => {},
    });
    controller.object = build(ReadableStreamDefaultController, controller);
    startController(controller, start);
  }

  class ReadableStreamDefaultController {
    #record;
    constructor() {
      const attached = takeAttached();
      if (attached === null) throw new TypeError("Illegal constructor");
      this.#record = attached;
    }
    get desiredSize() {
      return desiredSize(this.#record);
    }
    close() {
      const controller = this.#record;
      if (!canCloseOrEnqueue(controller)) throw new TypeError("This ReadableStream is closed.");
      defaultControllerClose(controller);
    }
    enqueue(chunk = undefined) {
      const controller = this.#record;
      if (!canCloseOrEnqueue(controller)) throw new TypeError("Unable to enqueue");
      defaultControllerEnqueue(controller, chunk);
    }
    error(reason = undefined) {
      defaultControllerError(this.#record, reason);
    }
  }

  function desiredSize(controller) {
    const state = controller.stream.state;
    if (state === "errored") return null;
    // workerd reports 0 as soon as close() is called, chunks queued or not.
    if (state === "closed" || controller.closeRequested) return 0;
    return controller.strategyHWM - controller.queueTotalSize;
  }
  parts.readableDesiredSize = desiredSize;

  function canCloseOrEnqueue(controller) {
    return !controller.closeRequested && controller.stream.state === "readable";
  }
  parts.canCloseOrEnqueue = canCloseOrEnqueue;

  function defaultControllerClose(controller) {
    if (!canCloseOrEnqueue(controller)) return;
    controller.closeRequested = true;
    if (parts.queueLength(controller) === 0) {
      clearAlgorithms(controller);
      closeStream(controller.stream);
    }
  }

  function defaultControllerEnqueue(controller, chunk) {
    if (!canCloseOrEnqueue(controller)) return;
    const stream = controller.stream;
    const reader = stream.reader;
    if (reader !== null && reader.requests.length > 0) {
      reader.requests.shift().chunk(chunk);
    } else {
      try {
        const size = controller.strategySize === undefined ? 1 : controller.strategySize(chunk);
        parts.enqueueValue(controller, chunk, size);
      } catch (error) {
        defaultControllerError(controller, error);
        throw error;
      }
    }
    defaultCallPullIfNeeded(controller);
  }

  function defaultControllerError(controller, reason) {
    if (controller.stream.state !== "readable") return;
    parts.resetQueue(controller);
    clearAlgorithms(controller);
    errorStream(controller.stream, reason);
  }

  function defaultCallPullIfNeeded(controller) {
    if (!canCloseOrEnqueue(controller) || !controller.started) return;
    const reader = controller.stream.reader;
    const wanted = (reader !== null && reader.requests.length > 0) || desiredSize(controller) > 0;
    pullIfNeeded(controller, wanted);
  }

  function defaultPullSteps(controller, request) {
    if (parts.queueLength(controller) > 0) {
      const chunk = parts.dequeueValue(controller);
      if (controller.closeRequested && parts.queueLength(controller) === 0) {
        clearAlgorithms(controller);
        closeStream(controller.stream);
      } else {
        defaultCallPullIfNeeded(controller);
      }
      request.chunk(chunk);
      return;
    }
    controller.stream.reader.requests.push(request);
    defaultCallPullIfNeeded(controller);
  }

  function defaultCancelSteps(controller, reason) {
    parts.resetQueue(controller);
    const result = controller.cancel(reason);
    clearAlgorithms(controller);
    return result;
  }

  function clearAlgorithms(controller) {
    controller.pull = () => Promise.resolve();
    controller.cancel = () => Promise.resolve();
    controller.strategySize = undefined;
  }
  parts.clearReadableAlgorithms = clearAlgorithms;

  function acquireReader(stream, byob) {
    if (stream.reader !== null) throw lockedError();
    if (byob && !stream.controller.byte) {
      throw new TypeError("This ReadableStream does not support BYOB reads.");
    }
    const reader = { stream, object: null, byob, requests: [], closed: deferred() };
    stream.reader = reader;
    if (stream.state === "closed") {
      reader.closed.resolve();
    } else if (stream.state === "errored") {
      reader.closed.reject(stream.storedError);
      markHandled(reader.closed.promise);
    }
    return reader;
  }

  function releaseReader(reader) {
    const stream = reader.stream;
    const error = releasedError();
    if (stream.state === "readable") {
      reader.closed.reject(error);
      markHandled(reader.closed.promise);
    }
    stream.controller.releaseSteps(stream.controller);
    stream.reader = null;
    reader.stream = null;
    const requests = reader.requests;
    reader.requests = [];
    for (const request of requests) request.error(error);
  }

  // Starts a read on behalf of `request` (chunk/close/error methods).
  function readWith(reader, request) {
    const stream = reader.stream;
    if (stream === null) {
      request.error(releasedError());
      return;
    }
    stream.disturbed = true;
    if (stream.state === "closed") request.close();
    else if (stream.state === "errored") request.error(stream.storedError);
    else stream.controller.pullSteps(stream.controller, request);
  }

  function closeStream(stream) {
    stream.state = "closed";
    const reader = stream.reader;
    if (reader === null) return;
    reader.closed.resolve();
    if (!reader.byob) {
      const requests = reader.requests;
      reader.requests = [];
      for (const request of requests) request.close();
    }
  }

  function errorStream(stream, reason) {
    stream.state = "errored";
    stream.storedError = reason;
    const reader = stream.reader;
    if (reader === null) return;
    reader.closed.reject(reason);
    markHandled(reader.closed.promise);
    const requests = reader.requests;
    reader.requests = [];
    for (const request of requests) request.error(reason);
  }

  function cancel(stream, reason) {
    stream.disturbed = true;
    if (stream.state === "closed") return Promise.resolve();
    if (stream.state === "errored") return rejected(stream.storedError);
    closeStream(stream);
    const reader = stream.reader;
    if (reader !== null && reader.byob) {
      const requests = reader.requests;
      reader.requests = [];
      for (const request of requests) request.close(undefined);
    }
    return stream.controller.cancelSteps(stream.controller, reason).then(() => undefined);
  }

  // The async iterator of values() and [Symbol.asyncIterator].
  const AsyncIteratorPrototype = Object.getPrototypeOf(
    Object.getPrototypeOf(async function* () {}).prototype,
  );
  class ReadableStreamAsyncIterator {
    #state;
    constructor() {
      const attached = takeAttached();
      if (attached === null) throw new TypeError("Illegal constructor");
      this.#state = { ...attached, ongoing: null, finished: false };
    }
    next() {
      const state = this.#state;
      const step = () => iteratorNext(state);
      state.ongoing = state.ongoing === null ? step() : state.ongoing.then(step, step);
      return state.ongoing;
    }
    return(value = undefined) {
      const state = this.#state;
      const step = () => iteratorReturn(state, value);
      state.ongoing = state.ongoing === null ? step() : state.ongoing.then(step, step);
      return state.ongoing;
    }
  }
  Object.setPrototypeOf(ReadableStreamAsyncIterator.prototype, AsyncIteratorPrototype);

  // A read for the iterator: releases the lock when the stream ends.
  class IteratorReadRequest extends ReadRequest {
    constructor(state) {
      super();
      this.state = state;
    }
    close() {
      this.state.finished = true;
      releaseReader(this.state.reader);
      this.resolve({ value: undefined, done: true });
    }
    // As in workerd, an error leaves the stream locked.
    error(reason) {
      this.state.finished = true;
      this.reject(reason);
    }
  }

  function iteratorNext(state) {
    if (state.finished) return Promise.resolve({ value: undefined, done: true });
    const request = new IteratorReadRequest(state);
    readWith(state.reader, request);
    return request.promise;
  }

  function iteratorReturn(state, value) {
    const done = { value, done: true };
    if (state.finished) return Promise.resolve(done);
    state.finished = true;
    const reader = state.reader;
    if (!state.preventCancel) {
      const cancelled = cancel(reader.stream, value);
      releaseReader(reader);
      return cancelled.then(() => done);
    }
    releaseReader(reader);
    return Promise.resolve(done);
  }

  // ReadableStream.from: a stream pulling from an async (or sync) iterable.
  function fromIterable(iterable) {
    const asyncMethod = iterable?.[Symbol.asyncIterator];
    const syncMethod = asyncMethod == null ? iterable?.[Symbol.iterator] : undefined;
    if (typeof asyncMethod !== "function" && typeof syncMethod !== "function") {
      throw new TypeError(
        "Failed to execute 'from' on 'ReadableStream': parameter 1 is not of type 'AsyncGenerator'.",
      );
    }
    const iterator = (asyncMethod ?? syncMethod).call(iterable);
    let stream;
    const pull = async () => {
      const result = await iterator.next();
      if (typeof result !== "object" || result === null) {
        throw new TypeError("The iterator's next() did not return an object.");
      }
      if (result.done) defaultControllerClose(stream.controller);
      else defaultControllerEnqueue(stream.controller, await result.value);
    };
    const cancelIterator = async (reason) => {
      const finish = iterator.return;
      if (finish === undefined || finish === null) return;
      const result = await finish.call(iterator, reason);
      if (typeof result !== "object" || result === null) {
        throw new TypeError("The iterator's return() did not return an object.");
      }
    };
    stream = createReadable(() => undefined, pull, cancelIterator, 0);
    return stream;
  }

  parts.tagClasses([
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadableStreamBYOBReader,
    ReadableStreamDefaultController,
  ]);
  internal.exposeGlobals({
    ReadableStream,
    ReadableStreamDefaultReader,
    ReadableStreamBYOBReader,
    ReadableStreamDefaultController,
  });
  Object.assign(parts, {
    readableRecord: recordOf,
    readerRecordOf,
    ReadRequest,
    createReadable,
    createByteReadable,
    acquireReader,
    releaseReader,
    readWith,
    closeStream,
    errorStream,
    cancelReadable: cancel,
    defaultControllerClose,
    defaultControllerEnqueue,
    defaultControllerError,
  });
});
