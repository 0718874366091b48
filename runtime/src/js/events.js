// Event, CustomEvent, EventTarget, AbortController and AbortSignal, as workerd has them: no
// capture phase (capture is a TypeError), a listener that throws ends the dispatch and the
// exception leaves `dispatchEvent`. Shares `internal.onAbort(signal, algorithm)` (runs
// `algorithm(reason)` once when the signal aborts, returns a function that stops it) and
// `internal.isAbortSignal(value)` for streams and fetch.
(function (internal) {
  "use strict";
  const { DOMException } = internal;
  const setTimeout = globalThis.setTimeout;

  // The dispatch state of an event, reachable only in this file.
  let stateOf;
  let isEvent;

  class Event {
    #state;
    constructor(type, init) {
      if (arguments.length === 0) {
        throw new TypeError(
          "Failed to construct 'Event': constructor parameter 1 is not of type 'string'.",
        );
      }
      if (init !== undefined && init !== null && typeof init !== "object") {
        throw new TypeError(
          "Failed to construct 'Event': constructor parameter 2 is not of type 'Init'.",
        );
      }
      this.#state = {
        type: String(type),
        bubbles: Boolean(init?.bubbles),
        cancelable: Boolean(init?.cancelable),
        composed: Boolean(init?.composed),
        canceled: false,
        stopped: false,
        stoppedImmediately: false,
        dispatching: false,
        inPassiveListener: false,
        phase: Event.NONE,
        target: null,
        currentTarget: null,
      };
    }
    get type() {
      return this.#state.type;
    }
    get bubbles() {
      return this.#state.bubbles;
    }
    get cancelable() {
      return this.#state.cancelable;
    }
    get composed() {
      return this.#state.composed;
    }
    get eventPhase() {
      return this.#state.phase;
    }
    get defaultPrevented() {
      return this.#state.canceled;
    }
    get returnValue() {
      return !this.#state.canceled;
    }
    get target() {
      return this.#state.target;
    }
    get srcElement() {
      return this.#state.target;
    }
    get currentTarget() {
      return this.#state.currentTarget;
    }
    // workerd's clock does not advance for events: every timeStamp is 0.
    get timeStamp() {
      return 0;
    }
    get isTrusted() {
      return false;
    }
    get cancelBubble() {
      return this.#state.stopped;
    }
    set cancelBubble(value) {
      if (value) this.#state.stopped = true;
    }
    composedPath() {
      return this.#state.dispatching ? [this.#state.currentTarget] : [];
    }
    preventDefault() {
      const state = this.#state;
      if (state.cancelable && !state.inPassiveListener) state.canceled = true;
    }
    stopPropagation() {
      this.#state.stopped = true;
    }
    stopImmediatePropagation() {
      this.#state.stopped = true;
      this.#state.stoppedImmediately = true;
    }
    static {
      stateOf = (event) => event.#state;
      isEvent = (value) => typeof value === "object" && value !== null && #state in value;
    }
  }
  const PHASES = ["NONE", "CAPTURING_PHASE", "AT_TARGET", "BUBBLING_PHASE"];
  PHASES.forEach((name, value) => {
    const descriptor = { value, enumerable: true };
    Object.defineProperty(Event, name, descriptor);
    Object.defineProperty(Event.prototype, name, descriptor);
  });

  class CustomEvent extends Event {
    #detail;
    constructor(type, init) {
      super(...arguments);
      this.#detail = init?.detail;
    }
    get detail() {
      return this.#detail;
    }
  }

  // Reads the capture flag of add/removeEventListener's third argument: workerd has no
  // capture phase and refuses it.
  function refuseCapture(method, options) {
    if (typeof options === "object" && options !== null) {
      if (options.capture) {
        throw new TypeError(`${method}(): options.capture must be false.`);
      }
    } else if (options) {
      throw new TypeError(`${method}(): useCapture must be false.`);
    }
  }

  class EventTarget {
    // type → array of { callback, once, passive, removed, stopFollowing }
    #listeners = new Map();

    addEventListener(type, callback, options = undefined) {
      refuseCapture("addEventListener", options);
      if (callback === null || callback === undefined) return;
      if (typeof callback !== "function" && typeof callback !== "object") {
        throw new TypeError(
          "Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'function or HandlerObject'.",
        );
      }
      const flags = typeof options === "object" && options !== null ? options : {};
      const signal = flags.signal;
      if (signal !== undefined && !isAbortSignal(signal)) {
        throw new TypeError(
          "Incorrect type for the 'signal' field on 'AddEventListenerOptions': the provided value is not of type 'AbortSignal'.",
        );
      }
      if (signal?.aborted) return;
      type = String(type);
      let list = this.#listeners.get(type);
      if (list === undefined) {
        list = [];
        this.#listeners.set(type, list);
      } else if (list.some((l) => l.callback === callback)) {
        return;
      }
      const listener = {
        callback,
        once: Boolean(flags.once),
        passive: Boolean(flags.passive),
        removed: false,
        stopFollowing: null,
      };
      list.push(listener);
      if (signal !== undefined) {
        listener.stopFollowing = onAbort(signal, () => this.#remove(type, listener));
      }
    }

    removeEventListener(type, callback, options = undefined) {
      refuseCapture("removeEventListener", options);
      type = String(type);
      const listener = this.#listeners.get(type)?.find((l) => l.callback === callback);
      if (listener !== undefined) this.#remove(type, listener);
    }

    dispatchEvent(event) {
      if (!isEvent(event)) {
        throw new TypeError(
          "Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.",
        );
      }
      const state = stateOf(event);
      if (state.dispatching) {
        throw new DOMException("The event is already being dispatched.", "InvalidStateError");
      }
      state.dispatching = true;
      state.target = this;
      state.currentTarget = this;
      state.phase = Event.AT_TARGET;
      try {
        const list = this.#listeners.get(state.type);
        if (list !== undefined) this.#invoke(list.slice(), event, state);
      } finally {
        state.dispatching = false;
        state.inPassiveListener = false;
        state.phase = Event.NONE;
        state.stopped = false;
        state.stoppedImmediately = false;
      }
      return !state.canceled;
    }

    #invoke(listeners, event, state) {
      for (const listener of listeners) {
        if (listener.removed) continue;
        if (listener.once) this.#remove(state.type, listener);
        state.inPassiveListener = listener.passive;
        const callback = listener.callback;
        if (typeof callback === "function") {
          callback.call(undefined, event);
        } else {
          const handleEvent = callback.handleEvent;
          if (typeof handleEvent !== "function") {
            throw new TypeError("The event listener's handleEvent is not a function.");
          }
          handleEvent.call(callback, event);
        }
        state.inPassiveListener = false;
        if (state.stoppedImmediately) break;
      }
    }

    #remove(type, listener) {
      listener.removed = true;
      listener.stopFollowing?.();
      const list = this.#listeners.get(type);
      const at = list?.indexOf(listener) ?? -1;
      if (at >= 0) list.splice(at, 1);
    }
  }

  // Set while AbortSignal's own code creates one: the constructor is not public.
  let creatingSignal = false;
  let isAbortSignal;
  // Runs `algorithm(reason)` when `signal` aborts (not if it already has); returns the
  // function that stops it.
  let onAbort;
  let abortSignal;

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    #algorithms = new Set();
    #onabort = null;
    #handlerInstalled = false;

    constructor() {
      if (!creatingSignal) throw new TypeError("Illegal constructor");
      super();
    }

    static abort(reason = undefined) {
      const signal = createSignal();
      signal.#abort(reason);
      return signal;
    }

    static timeout(milliseconds) {
      const signal = createSignal();
      setTimeout(() => {
        signal.#abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
      }, Number(milliseconds));
      return signal;
    }

    static any(signals) {
      const sources = Array.from(signals, (source, i) => {
        if (!isAbortSignal(source)) {
          throw new TypeError(
            `Incorrect type for array element ${i}: the provided value is not of type 'AbortSignal'.`,
          );
        }
        return source;
      });
      const signal = createSignal();
      const aborted = sources.find((source) => source.#aborted);
      if (aborted !== undefined) {
        signal.#abort(aborted.#reason);
        return signal;
      }
      const stops = sources.map((source) =>
        onAbort(source, (reason) => {
          for (const stop of stops) stop();
          signal.#abort(reason);
        }),
      );
      return signal;
    }

    get aborted() {
      return this.#aborted;
    }
    get reason() {
      return this.#reason;
    }
    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }
    get onabort() {
      return this.#onabort;
    }
    set onabort(handler) {
      this.#onabort = typeof handler === "function" || typeof handler === "object" ? handler : null;
      if (this.#onabort !== null && !this.#handlerInstalled) {
        this.#handlerInstalled = true;
        this.addEventListener("abort", (event) => {
          if (typeof this.#onabort === "function") this.#onabort.call(this, event);
        });
      }
    }

    #abort(reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason =
        reason === undefined ? new DOMException("The operation was aborted", "AbortError") : reason;
      const algorithms = this.#algorithms;
      this.#algorithms = new Set();
      for (const algorithm of algorithms) algorithm(this.#reason);
      this.dispatchEvent(new Event("abort"));
    }

    static {
      isAbortSignal = (value) => typeof value === "object" && value !== null && #aborted in value;
      onAbort = (signal, algorithm) => {
        const entry = (reason) => algorithm(reason);
        signal.#algorithms.add(entry);
        return () => signal.#algorithms.delete(entry);
      };
      abortSignal = (signal, reason) => signal.#abort(reason);
    }
  }

  function createSignal() {
    creatingSignal = true;
    try {
      return new AbortSignal();
    } finally {
      creatingSignal = false;
    }
  }

  class AbortController {
    #signal = createSignal();
    get signal() {
      return this.#signal;
    }
    abort(reason = undefined) {
      abortSignal(this.#signal, reason);
    }
  }

  for (const type of [Event, CustomEvent, EventTarget, AbortSignal, AbortController]) {
    Object.defineProperty(type.prototype, Symbol.toStringTag, {
      value: type.name,
      configurable: true,
    });
  }
  internal.exposeGlobals({ Event, CustomEvent, EventTarget, AbortSignal, AbortController });
  internal.isAbortSignal = isAbortSignal;
  internal.onAbort = onAbort;
});
