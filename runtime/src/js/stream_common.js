// What every streams prelude file shares: promise helpers, queuing strategies and their
// extraction, calling underlying sources and sinks, and the value queue (an array with a head
// index). Shared as `internal.streamParts`; the stream files add their own parts to it.
(function (internal) {
  "use strict";
  const parts = (internal.streamParts = {});

  const noop = () => {};
  parts.noop = noop;

  // The number of bytes a readable stream (its record) is known to yield, for streams that
  // declare it (a FixedLengthStream's readable, a fetch() body with a Content-Length).
  parts.expectedLengths = new WeakMap();

  // A promise with its settling functions.
  parts.deferred = function deferred() {
    return Promise.withResolvers();
  };

  // A rejected promise that does not count as unhandled.
  parts.rejected = function rejected(reason) {
    const promise = Promise.reject(reason);
    promise.catch(noop);
    return promise;
  };

  // Marks a promise's rejection as handled.
  parts.markHandled = function markHandled(promise) {
    promise.catch(noop);
  };

  // Calls `object[name](...args)` if present, as a promise: a missing method resolves to
  // undefined, a throwing one rejects.
  parts.invoke = function invoke(object, method, arg1, arg2) {
    if (method === undefined) return Promise.resolve();
    try {
      return Promise.resolve(method.call(object, arg1, arg2));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  // Reads `dictionary[field]`, which must be a function when present (workerd's message).
  parts.method = function method(dictionary, field, dictionaryName) {
    const value = dictionary?.[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "function") {
      throw new TypeError(
        `Incorrect type for the '${field}' field on '${dictionaryName}': the provided value is not of type 'function'.`,
      );
    }
    return value;
  };

  // The high-water mark of a queuing strategy, as workerd converts it.
  parts.highWaterMark = function highWaterMark(strategy, fallback) {
    const value = strategy?.highWaterMark;
    if (value === undefined) return fallback;
    const number = Number(value);
    if (number === Infinity) return number;
    if (!Number.isInteger(number)) {
      throw new TypeError("The value cannot be converted because it is not an integer.");
    }
    if (number < 0) {
      throw new TypeError(
        "The value cannot be converted because it is negative and this API expects a positive bigint.",
      );
    }
    return number;
  };

  // The size function of a queuing strategy, or undefined when every chunk counts 1.
  parts.sizeFunction = function sizeFunction(strategy) {
    const size = strategy?.size;
    if (size === undefined || size === null) return undefined;
    if (typeof size !== "function") {
      throw new TypeError(
        "Incorrect type for the 'size' field on 'QueuingStrategy': the provided value is not of type 'function'.",
      );
    }
    return size;
  };

  // The value queue lives on a record as `queue` (values), `sizes`, `head` and
  // `queueTotalSize`; dequeuing moves the head instead of shifting the array.
  parts.resetQueue = function resetQueue(record) {
    record.queue = [];
    record.sizes = [];
    record.head = 0;
    record.queueTotalSize = 0;
  };

  parts.enqueueValue = function enqueueValue(record, value, size) {
    if (typeof size !== "number" || !(size >= 0) || size === Infinity) {
      throw new RangeError("The size of a chunk must be a finite, non-negative number.");
    }
    record.queue.push(value);
    record.sizes.push(size);
    record.queueTotalSize += size;
  };

  parts.queueLength = function queueLength(record) {
    return record.queue.length - record.head;
  };

  parts.peekValue = function peekValue(record) {
    return record.queue[record.head];
  };

  parts.dequeueValue = function dequeueValue(record) {
    const at = record.head;
    const value = record.queue[at];
    record.queueTotalSize -= record.sizes[at];
    if (record.queueTotalSize < 0) record.queueTotalSize = 0;
    if (at + 1 === record.queue.length) {
      record.queue.length = 0;
      record.sizes.length = 0;
      record.head = 0;
      record.queueTotalSize = 0;
      return value;
    }
    record.queue[at] = undefined;
    record.head = at + 1;
    if (record.head >= 1024 && record.head * 2 >= record.queue.length) {
      record.queue = record.queue.slice(record.head);
      record.sizes = record.sizes.slice(record.head);
      record.head = 0;
    }
    return value;
  };

  // Internal construction of the public objects: `build(Type, record)` calls the constructor
  // with `takeAttached()` returning `record` (null in every other call), so a constructor can
  // set its private field without reading its public arguments.
  let attaching = null;
  parts.build = function build(Type, record) {
    attaching = record;
    try {
      return new Type();
    } finally {
      attaching = null;
    }
  };
  parts.takeAttached = function takeAttached() {
    const record = attaching;
    attaching = null;
    return record;
  };

  // workerd's message for a method called on the wrong kind of object.
  parts.illegalInvocation = function illegalInvocation() {
    return new TypeError(
      "Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.",
    );
  };

  // Sets `Symbol.toStringTag` on each class's prototype to its name.
  parts.tagClasses = function tagClasses(classes) {
    for (const type of classes) {
      Object.defineProperty(type.prototype, Symbol.toStringTag, {
        value: type.name,
        configurable: true,
      });
    }
  };
});
