// ReadableStream's pipeTo, pipeThrough and tee (WHATWG Streams), on the records of
// readable_stream.js and writable_stream.js. Adds `pipeTo`, `pipeThrough` and `tee` to
// `internal.streamParts`.
(function (internal) {
  "use strict";
  const parts = internal.streamParts;
  const { rejected, markHandled, noop } = parts;

  const lockedReadable = () => new TypeError("This ReadableStream is currently locked to a reader.");
  const lockedWritable = () => new TypeError("This WritableStream is currently locked to a writer.");

  function pipeTo(source, destination, options) {
    const dest = parts.writableRecord(destination);
    if (dest === undefined) {
      return rejected(
        new TypeError(
          "Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'.",
        ),
      );
    }
    const signal = options?.signal;
    if (signal !== undefined && !internal.isAbortSignal(signal)) {
      return rejected(
        new TypeError(
          "Incorrect type for the 'signal' field on 'PipeToOptions': the provided value is not of type 'AbortSignal'.",
        ),
      );
    }
    if (source.reader !== null) return rejected(lockedReadable());
    if (dest.writer !== null) return rejected(lockedWritable());
    const pipe = new Pipe(source, dest, options, signal);
    pipe.start();
    return pipe.result.promise;
  }

  // One pipe: it is also the read request of its reads (chunk/close/error).
  class Pipe {
    constructor(source, dest, options, signal) {
      this.source = source;
      this.dest = dest;
      this.reader = parts.acquireReader(source, false);
      this.writer = parts.acquireWriter(dest);
      this.preventClose = Boolean(options?.preventClose);
      this.preventAbort = Boolean(options?.preventAbort);
      this.preventCancel = Boolean(options?.preventCancel);
      this.signal = signal;
      this.stopFollowingSignal = null;
      this.shuttingDown = false;
      this.currentWrite = Promise.resolve();
      this.reading = false;
      this.readSynchronously = false;
      this.result = parts.deferred();
      this.onReady = () => this.pump();
      source.disturbed = true;
    }

    start() {
      const { source, dest, signal } = this;
      if (signal !== undefined) {
        if (signal.aborted) {
          this.aborted(signal.reason);
          return;
        }
        this.stopFollowingSignal = internal.onAbort(signal, (reason) => this.aborted(reason));
      }
      this.reader.closed.promise.then(noop, (error) => this.sourceErrored(error));
      this.writer.closed.promise.then(noop, (error) => this.destErrored(error));
      if (source.state === "errored") this.sourceErrored(source.storedError);
      else if (dest.state === "errored" || dest.state === "erroring") this.destErrored(dest.storedError);
      else if (source.state === "closed") this.sourceClosed();
      else if (dest.state === "closed" || parts.writableCloseQueuedOrInFlight(dest)) this.destClosed();
      else this.pump();
    }

    // Reads and writes until backpressure or a read that does not complete at once.
    pump() {
      while (!this.shuttingDown) {
        if (this.dest.backpressure) {
          this.writer.ready.promise.then(this.onReady, noop);
          return;
        }
        if (this.dest.state === "closed" || parts.writableCloseQueuedOrInFlight(this.dest)) {
          this.destClosed();
          return;
        }
        this.reading = true;
        this.readSynchronously = false;
        parts.readWith(this.reader, this);
        this.reading = false;
        if (!this.readSynchronously) return;
      }
    }

    chunk(value) {
      this.currentWrite = parts.writerWrite(this.writer, value);
      markHandled(this.currentWrite);
      if (this.reading) this.readSynchronously = true;
      else this.pump();
    }

    close() {
      this.sourceClosed();
    }

    error(reason) {
      this.sourceErrored(reason);
    }

    sourceErrored(error) {
      if (this.preventAbort) this.shutdown(() => Promise.resolve(), true, error);
      else this.shutdown(() => parts.writableAbort(this.dest, error), true, error);
    }

    destErrored(error) {
      if (this.preventCancel) this.shutdown(() => Promise.resolve(), true, error);
      else this.shutdown(() => parts.cancelReadable(this.source, error), true, error);
    }

    sourceClosed() {
      if (this.preventClose) this.shutdown(() => Promise.resolve(), false);
      else this.shutdown(() => parts.writerCloseWithErrorPropagation(this.writer), false);
    }

    destClosed() {
      const error = new TypeError("The destination WritableStream is closed.");
      if (this.preventCancel) this.shutdown(() => Promise.resolve(), true, error);
      else this.shutdown(() => parts.cancelReadable(this.source, error), true, error);
    }

    aborted(error) {
      const actions = () => {
        const pending = [];
        if (!this.preventAbort && this.dest.state === "writable") {
          pending.push(parts.writableAbort(this.dest, error));
        }
        if (!this.preventCancel && this.source.state === "readable") {
          pending.push(parts.cancelReadable(this.source, error));
        }
        return Promise.all(pending);
      };
      this.shutdown(actions, true, error);
    }

    // Waits for the writes already made (while the destination can take them), runs
    // `action`, releases both locks and settles the pipe.
    shutdown(action, hasError, error = undefined) {
      if (this.shuttingDown) return;
      this.shuttingDown = true;
      const run = () => {
        action().then(
          () => this.finalize(hasError, error),
          (actionError) => this.finalize(true, actionError),
        );
      };
      const dest = this.dest;
      if (dest.state === "writable" && !parts.writableCloseQueuedOrInFlight(dest)) {
        this.currentWrite.then(run, run);
      } else {
        run();
      }
    }

    finalize(hasError, error) {
      parts.writerRelease(this.writer);
      if (this.reader.stream !== null) parts.releaseReader(this.reader);
      this.stopFollowingSignal?.();
      if (hasError) this.result.reject(error);
      else this.result.resolve();
    }
  }

  function pipeThrough(source, transform, options) {
    const readable = transform?.readable;
    const writable = transform?.writable;
    if (parts.readableRecord(readable) === undefined) {
      throw new TypeError(
        "Incorrect type for the 'readable' field on 'Transform': the provided value is not of type 'ReadableStream'.",
      );
    }
    const dest = parts.writableRecord(writable);
    if (dest === undefined) {
      throw new TypeError(
        "Incorrect type for the 'writable' field on 'Transform': the provided value is not of type 'WritableStream'.",
      );
    }
    if (source.reader !== null) throw lockedReadable();
    if (dest.writer !== null) throw lockedWritable();
    markHandled(pipeTo(source, writable, options));
    return readable;
  }

  // Two branches reading the same chunks; a byte stream's second branch gets copies.
  function tee(stream) {
    const reader = parts.acquireReader(stream, false);
    const bytes = stream.controller.byte;
    const cancelled = parts.deferred();
    const branches = [];
    const canceled = [false, false];
    let reading = false;
    let readAgain = false;

    const enqueue = (branch, chunk) => {
      const controller = branch.controller;
      if (!parts.canCloseOrEnqueue(controller)) return;
      if (bytes) parts.byteEnqueue(controller, chunk, false);
      else parts.defaultControllerEnqueue(controller, chunk);
    };
    const closeBranch = (branch) => {
      const controller = branch.controller;
      if (!parts.canCloseOrEnqueue(controller)) return;
      if (bytes) parts.byteClose(controller);
      else parts.defaultControllerClose(controller);
    };
    const request = {
      chunk(chunk) {
        readAgain = false;
        if (!canceled[0]) enqueue(branches[0], chunk);
        if (!canceled[1]) enqueue(branches[1], bytes ? chunk.slice() : chunk);
        reading = false;
        if (readAgain) pull();
      },
      close() {
        reading = false;
        if (!canceled[0]) closeBranch(branches[0]);
        if (!canceled[1]) closeBranch(branches[1]);
        if (!canceled[0] || !canceled[1]) cancelled.resolve();
      },
      error() {
        reading = false;
      },
    };
    const pull = () => {
      if (reading) {
        readAgain = true;
        return Promise.resolve();
      }
      reading = true;
      parts.readWith(reader, request);
      return Promise.resolve();
    };
    const cancelBranch = (i) => (reason) => {
      canceled[i] = true;
      // workerd cancels the source with the reason of the branch cancelled last.
      if (canceled[1 - i]) cancelled.resolve(parts.cancelReadable(stream, reason));
      return cancelled.promise;
    };
    for (const i of [0, 1]) {
      const start = () => undefined;
      branches.push(
        bytes
          ? parts.createByteReadable(start, pull, cancelBranch(i))
          : parts.createReadable(start, pull, cancelBranch(i)),
      );
    }
    reader.closed.promise.then(noop, (error) => {
      for (const branch of branches) branch.controller.error(branch.controller, error);
      if (!canceled[0] || !canceled[1]) cancelled.resolve();
    });
    return branches;
  }

  Object.assign(parts, { pipeTo, pipeThrough, tee });
});
