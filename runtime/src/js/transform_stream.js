// TransformStream and TransformStreamDefaultController (WHATWG Streams), built on the records
// of readable_stream.js and writable_stream.js, and the two queuing strategies
// (CountQueuingStrategy, ByteLengthQueuingStrategy). Adds `createTransform(transform, flush)`
// to `internal.streamParts` for the text streams.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;
  const { invoke, method, build, takeAttached } = parts;

  class TransformStream {
    #record;
    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const attached = takeAttached();
      if (attached !== null) {
        this.#record = attached;
        attached.object = this;
        return;
      }
      const source = transformer ?? {};
      if (source.readableType !== undefined) throw new RangeError("Invalid readableType specified");
      if (source.writableType !== undefined) throw new RangeError("Invalid writableType specified");
      const start = method(source, "start", "Transformer");
      const transform = method(source, "transform", "Transformer");
      const flush = method(source, "flush", "Transformer");
      const cancel = method(source, "cancel", "Transformer");
      const algorithms = {
        start: (c) => (start === undefined ? undefined : start.call(source, c)),
        transform:
          transform === undefined ? undefined : (chunk, c) => invoke(source, transform, chunk, c),
        flush: flush === undefined ? () => Promise.resolve() : (c) => invoke(source, flush, c),
        cancel: cancel === undefined ? () => Promise.resolve() : (reason) => invoke(source, cancel, reason),
      };
      this.#record = setUp(
        this,
        algorithms,
        parts.highWaterMark(writableStrategy, 1),
        parts.sizeFunction(writableStrategy),
        parts.highWaterMark(readableStrategy, 0),
        parts.sizeFunction(readableStrategy),
      );
    }
    get readable() {
      return this.#record.readable.object;
    }
    get writable() {
      return this.#record.writable.object;
    }
  }

  class TransformStreamDefaultController {
    #record;
    constructor() {
      const attached = takeAttached();
      if (attached === null) throw new TypeError("Illegal constructor");
      this.#record = attached;
    }
    get desiredSize() {
      return parts.readableDesiredSize(this.#record.readable.controller);
    }
    enqueue(chunk = undefined) {
      enqueue(this.#record, chunk);
    }
    error(reason = undefined) {
      error(this.#record, reason);
    }
    terminate() {
      terminate(this.#record);
    }
  }

  // Builds the two sides around `algorithms` ({ start, transform, flush, cancel }; a missing
  // transform passes chunks through).
  function setUp(object, algorithms, writableHWM, writableSize, readableHWM, readableSize) {
    const record = {
      object,
      readable: null,
      writable: null,
      controller: null,
      backpressure: undefined,
      backpressureChange: null,
      algorithms,
      started: parts.deferred(),
      // The chunk of the write waiting for backpressure to lift (one write at a time).
      waitingChunk: undefined,
      afterBackpressure: null,
    };
    record.afterBackpressure = () => {
      const writable = record.writable;
      if (writable.state === "erroring") throw writable.storedError;
      return performTransform(record, record.waitingChunk);
    };
    const startPromise = () => record.started.promise;
    record.writable = parts.createWritable(
      startPromise,
      (chunk) => sinkWrite(record, chunk),
      () => sinkClose(record),
      (reason) => sinkAbort(record, reason),
      writableHWM,
      writableSize,
    );
    record.readable = parts.createReadable(
      startPromise,
      () => sourcePull(record),
      (reason) => sourceCancel(record, reason),
      readableHWM,
      readableSize,
    );
    setBackpressure(record, true);
    record.controller = build(TransformStreamDefaultController, record);
    try {
      record.started.resolve(algorithms.start(record.controller));
    } catch (startError) {
      record.started.reject(startError);
    }
    return record;
  }

  // A transform stream (its record) from algorithms, for streams built in the prelude.
  function createTransform(algorithms) {
    const record = setUp(null, { start: () => undefined, ...algorithms }, 1, undefined, 0, undefined);
    build(TransformStream, record);
    return record;
  }

  function sinkWrite(record, chunk) {
    if (record.backpressure) {
      record.waitingChunk = chunk;
      return record.backpressureChange.promise.then(record.afterBackpressure);
    }
    return performTransform(record, chunk);
  }

  function performTransform(record, chunk) {
    const transform = record.algorithms.transform;
    if (transform === undefined) {
      try {
        enqueue(record, chunk);
        return Promise.resolve();
      } catch (enqueueError) {
        return Promise.reject(enqueueError);
      }
    }
    return transform(chunk, record.controller).then(undefined, (reason) => {
      error(record, reason);
      throw reason;
    });
  }

  function sinkAbort(record, reason) {
    const cancelled = record.algorithms.cancel(reason);
    clearAlgorithms(record);
    return cancelled.then(
      () => {
        if (record.readable.state === "errored") throw record.readable.storedError;
        parts.defaultControllerError(record.readable.controller, reason);
      },
      (cancelError) => {
        parts.defaultControllerError(record.readable.controller, cancelError);
        throw cancelError;
      },
    );
  }

  function sinkClose(record) {
    const flushed = record.algorithms.flush(record.controller);
    clearAlgorithms(record);
    const readable = record.readable;
    return flushed.then(
      () => {
        if (readable.state === "errored") throw readable.storedError;
        parts.defaultControllerClose(readable.controller);
      },
      (flushError) => {
        error(record, flushError);
        throw readable.storedError;
      },
    );
  }

  function sourcePull(record) {
    setBackpressure(record, false);
    return record.backpressureChange.promise;
  }

  function sourceCancel(record, reason) {
    const cancelled = record.algorithms.cancel(reason);
    clearAlgorithms(record);
    return cancelled.then(() => errorWritableAndUnblockWrite(record, reason));
  }

  function clearAlgorithms(record) {
    record.algorithms = {
      start: () => undefined,
      transform: () => Promise.resolve(),
      flush: () => Promise.resolve(),
      cancel: () => Promise.resolve(),
    };
  }

  function enqueue(record, chunk) {
    const controller = record.readable.controller;
    if (!parts.canCloseOrEnqueue(controller)) {
      throw new TypeError("The readable side of this TransformStream is no longer readable.");
    }
    try {
      parts.defaultControllerEnqueue(controller, chunk);
    } catch (enqueueError) {
      errorWritableAndUnblockWrite(record, enqueueError);
      throw record.readable.storedError;
    }
    const reader = record.readable.reader;
    const wanted = (reader !== null && reader.requests.length > 0) || parts.readableDesiredSize(controller) > 0;
    const backpressure = !wanted;
    if (backpressure !== record.backpressure) setBackpressure(record, true);
  }

  function error(record, reason) {
    parts.defaultControllerError(record.readable.controller, reason);
    errorWritableAndUnblockWrite(record, reason);
  }

  function terminate(record) {
    parts.defaultControllerClose(record.readable.controller);
    errorWritableAndUnblockWrite(record, new TypeError("The transform stream has been terminated"));
  }

  function errorWritableAndUnblockWrite(record, reason) {
    clearAlgorithms(record);
    parts.writableErrorIfNeeded(record.writable, reason);
    if (record.backpressure) setBackpressure(record, false);
  }

  function setBackpressure(record, backpressure) {
    record.backpressureChange?.resolve();
    record.backpressureChange = parts.deferred();
    record.backpressure = backpressure;
  }

  // Reads the strategy's high-water mark as workerd's QueuingStrategyInit does.
  function strategyInit(init, name) {
    if (typeof init !== "object" || init === null || init.highWaterMark === undefined) {
      throw new TypeError(
        `Failed to construct '${name}': constructor parameter 1 is not of type 'QueuingStrategyInit'.`,
      );
    }
    return Number(init.highWaterMark);
  }

  const countSize = function size() {
    return 1;
  };
  const byteLengthSize = function size(chunk) {
    return chunk.byteLength;
  };

  class CountQueuingStrategy {
    #highWaterMark;
    constructor(init) {
      this.#highWaterMark = strategyInit(init, "CountQueuingStrategy");
    }
    get highWaterMark() {
      return this.#highWaterMark;
    }
    get size() {
      if (!(#highWaterMark in this)) throw parts.illegalInvocation();
      return countSize;
    }
  }

  class ByteLengthQueuingStrategy {
    #highWaterMark;
    constructor(init) {
      this.#highWaterMark = strategyInit(init, "ByteLengthQueuingStrategy");
    }
    get highWaterMark() {
      return this.#highWaterMark;
    }
    get size() {
      if (!(#highWaterMark in this)) throw parts.illegalInvocation();
      return byteLengthSize;
    }
  }

  parts.tagClasses([
    TransformStream,
    TransformStreamDefaultController,
    CountQueuingStrategy,
    ByteLengthQueuingStrategy,
  ]);
  internal.exposeGlobals({
    TransformStream,
    TransformStreamDefaultController,
    CountQueuingStrategy,
    ByteLengthQueuingStrategy,
  });
  parts.createTransform = createTransform;
});
