// node:events: EventEmitter as Node has it (listener order, once wrappers, 'newListener' and
// 'removeListener', an unhandled 'error' throws) and the `once` helper.
const kCapture = Symbol("kCapture");
export const errorMonitor = Symbol("events.errorMonitor");
export const captureRejectionSymbol = Symbol.for("nodejs.rejection");
let defaultMaxListeners = 10;

function checkListener(listener) {
  if (typeof listener !== "function") {
    const error = new TypeError(
      `The "listener" argument must be of type function. Received ${
        listener === null ? "null" : `type ${typeof listener}`}`,
    );
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
}

export function EventEmitter(options) {
  EventEmitter.init.call(this, options);
}

EventEmitter.prototype._events = undefined;
EventEmitter.prototype._eventsCount = 0;
EventEmitter.prototype._maxListeners = undefined;

EventEmitter.init = function init(options) {
  if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
    this._events = Object.create(null);
    this._eventsCount = 0;
  }
  this._maxListeners = this._maxListeners || undefined;
  this[kCapture] = Boolean(options && options.captureRejections);
};

Object.defineProperty(EventEmitter, "defaultMaxListeners", {
  enumerable: true,
  get() { return defaultMaxListeners; },
  set(n) { defaultMaxListeners = n; },
});
EventEmitter.errorMonitor = errorMonitor;
EventEmitter.captureRejectionSymbol = captureRejectionSymbol;
EventEmitter.captureRejections = false;

const methods = EventEmitter.prototype;

methods.setMaxListeners = function setMaxListeners(n) {
  if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
    const error = new RangeError(
      `The value of "n" is out of range. It must be a non-negative number. Received ${n}`,
    );
    error.code = "ERR_OUT_OF_RANGE";
    throw error;
  }
  this._maxListeners = n;
  return this;
};

methods.getMaxListeners = function getMaxListeners() {
  return this._maxListeners === undefined ? defaultMaxListeners : this._maxListeners;
};

methods.emit = function emit(type, ...args) {
  const events = this._events;
  if (type === "error" && events !== undefined && events[errorMonitor] !== undefined) {
    this.emit(errorMonitor, ...args);
  }
  const handler = events === undefined ? undefined : events[type];
  if (handler === undefined) {
    if (type === "error") {
      const error = args[0];
      if (error instanceof Error) throw error;
      // As util.inspect shows it (strings quoted), without loading node:util at startup.
      const shown = typeof error === "string" ? `'${error}'` : String(error);
      const wrapped = new Error(`Unhandled error. (${shown})`);
      wrapped.code = "ERR_UNHANDLED_ERROR";
      wrapped.context = error;
      throw wrapped;
    }
    return false;
  }
  const listeners = typeof handler === "function" ? [handler] : handler.slice();
  for (const listener of listeners) listener.apply(this, args);
  return true;
};

function addListener(target, type, listener, prepend) {
  checkListener(listener);
  let events = target._events;
  if (events === undefined) {
    events = target._events = Object.create(null);
    target._eventsCount = 0;
  } else if (events.newListener !== undefined) {
    target.emit("newListener", type, listener.listener ? listener.listener : listener);
    events = target._events;
  }
  const existing = events[type];
  if (existing === undefined) {
    events[type] = listener;
    target._eventsCount++;
  } else if (typeof existing === "function") {
    events[type] = prepend ? [listener, existing] : [existing, listener];
  } else if (prepend) {
    existing.unshift(listener);
  } else {
    existing.push(listener);
  }
  const max = target.getMaxListeners();
  const count = target.listenerCount(type);
  if (max > 0 && count > max && !target._warnedLeak) {
    target._warnedLeak = true;
    console.warn(
      `MaxListenersExceededWarning: Possible EventEmitter memory leak detected. ${count} ${
        String(type)} listeners added. Use emitter.setMaxListeners() to increase limit`,
    );
  }
  return target;
}

methods.addListener = function (type, listener) {
  return addListener(this, type, listener, false);
};
methods.on = methods.addListener;
methods.prependListener = function prependListener(type, listener) {
  return addListener(this, type, listener, true);
};

function onceWrapper(target, type, listener) {
  const state = { fired: false, target, type, listener };
  function wrapped(...args) {
    if (!state.fired) {
      state.target.removeListener(state.type, wrapped);
      state.fired = true;
      return state.listener.apply(state.target, args);
    }
  }
  wrapped.listener = listener;
  return wrapped;
}

methods.once = function once(type, listener) {
  checkListener(listener);
  return this.on(type, onceWrapper(this, type, listener));
};
methods.prependOnceListener = function prependOnceListener(type, listener) {
  checkListener(listener);
  return this.prependListener(type, onceWrapper(this, type, listener));
};

methods.removeListener = function removeListener(type, listener) {
  checkListener(listener);
  const events = this._events;
  if (events === undefined) return this;
  const list = events[type];
  if (list === undefined) return this;
  if (list === listener || list.listener === listener) {
    if (--this._eventsCount === 0) this._events = Object.create(null);
    else delete events[type];
    if (events.removeListener !== undefined) {
      this.emit("removeListener", type, list.listener || listener);
    }
  } else if (typeof list !== "function") {
    let position = -1;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        position = i;
        break;
      }
    }
    if (position < 0) return this;
    list.splice(position, 1);
    if (list.length === 1) events[type] = list[0];
    if (events.removeListener !== undefined) this.emit("removeListener", type, listener);
  }
  return this;
};
methods.off = methods.removeListener;

methods.removeAllListeners = function removeAllListeners(type) {
  const events = this._events;
  if (events === undefined) return this;
  if (events.removeListener === undefined) {
    if (arguments.length === 0) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    } else if (events[type] !== undefined) {
      if (--this._eventsCount === 0) this._events = Object.create(null);
      else delete events[type];
    }
    return this;
  }
  if (arguments.length === 0) {
    for (const key of Reflect.ownKeys(events)) {
      if (key !== "removeListener") this.removeAllListeners(key);
    }
    this.removeAllListeners("removeListener");
    this._events = Object.create(null);
    this._eventsCount = 0;
    return this;
  }
  const listeners = events[type];
  if (typeof listeners === "function") {
    this.removeListener(type, listeners);
  } else if (listeners !== undefined) {
    for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type, listeners[i]);
  }
  return this;
};

function listenersOf(target, type, unwrap) {
  const list = target._events === undefined ? undefined : target._events[type];
  if (list === undefined) return [];
  const all = typeof list === "function" ? [list] : list.slice();
  return unwrap ? all.map((l) => l.listener || l) : all;
}

methods.listeners = function listeners(type) {
  return listenersOf(this, type, true);
};
methods.rawListeners = function rawListeners(type) {
  return listenersOf(this, type, false);
};
methods.listenerCount = function listenerCount(type, listener) {
  const all = listenersOf(this, type, false);
  if (listener === undefined) return all.length;
  return all.filter((l) => l === listener || l.listener === listener).length;
};
methods.eventNames = function eventNames() {
  return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
};

export function listenerCount(emitter, type) {
  return emitter.listenerCount(type);
}

export function getEventListeners(target, type) {
  if (typeof target.listeners === "function") return target.listeners(type);
  return [];
}

export function setMaxListeners(n = defaultMaxListeners, ...targets) {
  if (targets.length === 0) defaultMaxListeners = n;
  for (const target of targets) target.setMaxListeners(n);
}

export function getMaxListeners(target) {
  return target.getMaxListeners();
}

/** A promise for the next `name` event's arguments (rejected by an 'error' event first). */
export function once(emitter, name, options = {}) {
  const signal = options.signal;
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(new DOMException("The operation was aborted", "AbortError"));
      return;
    }
    const onError = (error) => {
      emitter.removeListener(name, onEvent);
      reject(error);
    };
    const onEvent = (...args) => {
      if (name !== "error") emitter.removeListener("error", onError);
      resolve(args);
    };
    if (typeof emitter.addEventListener === "function" && typeof emitter.on !== "function") {
      emitter.addEventListener(name, (event) => resolve([event]), { once: true });
      return;
    }
    emitter.once(name, onEvent);
    if (name !== "error") emitter.once("error", onError);
    if (signal) {
      signal.addEventListener("abort", () => {
        emitter.removeListener(name, onEvent);
        emitter.removeListener("error", onError);
        reject(new DOMException("The operation was aborted", "AbortError"));
      }, { once: true });
    }
  });
}

export function addAbortListener(signal, listener) {
  signal.addEventListener("abort", listener, { once: true });
  return { [Symbol.dispose || Symbol.for("Symbol.dispose")]() {
    signal.removeEventListener("abort", listener);
  } };
}

export const usingDomains = false;
export const captureRejections = false;

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.once = once;
EventEmitter.listenerCount = listenerCount;
EventEmitter.getEventListeners = getEventListeners;
EventEmitter.setMaxListeners = setMaxListeners;
EventEmitter.getMaxListeners = getMaxListeners;
EventEmitter.addAbortListener = addAbortListener;
EventEmitter.usingDomains = false;

export { defaultMaxListeners };
export default EventEmitter;
