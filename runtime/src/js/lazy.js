// Loads the prelude files on demand. The first isolate of the process runs every file in order
// and `survey` records what each one did: the globals and `internal` entries it defined, the
// objects of earlier files it added to (so loading that file loads this one after it), and the
// language's methods it replaced (`String.prototype.localeCompare`, ...). Every later isolate
// runs `install` with that record instead: each global, `internal` entry and replaced method
// becomes a stand-in that loads its file when first touched, so an isolate pays only for the
// Web APIs its site uses. `run(i)` evaluates prelude file `i` with `internal`.
(function (internal, run, count) {
  "use strict";

  const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf } = Object;
  const ownKeys = Reflect.ownKeys;

  // The language's objects whose methods a file may replace, in a fixed order (the record
  // names them by index).
  const TYPED_ARRAY = getPrototypeOf(Uint8Array);
  const LANGUAGE = [
    Object, Function, Array, String, Number, Boolean, BigInt, Symbol, Date, RegExp, Error,
    Promise, Map, Set, WeakMap, WeakSet, ArrayBuffer, DataView, TYPED_ARRAY, JSON, Math,
    Reflect,
  ].flatMap((o) => (typeof o === "function" ? [o, o.prototype] : [o]));

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  const same = (a, b) =>
    a !== undefined && b !== undefined && Object.is(a.value, b.value) && a.get === b.get &&
    a.set === b.set;

  // The objects a file may add to: what `globalThis` and `internal` hold, and their prototypes.
  function reachable() {
    const found = new Set();
    for (const holder of [globalThis, internal]) {
      for (const key of ownKeys(holder)) {
        const d = getOwnPropertyDescriptor(holder, key);
        if (d && isObject(d.value)) {
          found.add(d.value);
          if (isObject(d.value.prototype)) found.add(d.value.prototype);
        }
      }
    }
    found.delete(globalThis);
    found.delete(internal);
    return found;
  }

  function snapshot(objects) {
    const shot = new Map();
    for (const o of objects) {
      const keys = new Map();
      for (const key of ownKeys(o)) keys.set(key, getOwnPropertyDescriptor(o, key));
      shot.set(o, keys);
    }
    return shot;
  }

  // The keys of `o` that are new or different since `before`.
  function changed(o, before) {
    return ownKeys(o).filter((key) => !same(before.get(key), getOwnPropertyDescriptor(o, key)));
  }

  function survey() {
    const record = [];
    const owner = new Map();
    for (let i = 0; i < count; i++) {
      const objects = new Set([...LANGUAGE, ...reachable()]);
      const before = snapshot([globalThis, internal, ...objects]);
      run(i);
      const entry = { globals: [], internal: [], methods: [], after: [], eager: false };
      for (const key of changed(globalThis, before.get(globalThis))) {
        const d = getOwnPropertyDescriptor(globalThis, key);
        if (typeof key !== "string" || (d && !d.configurable)) entry.eager = true;
        else entry.globals.push([key, d ? d.enumerable : false]);
      }
      for (const key of changed(internal, before.get(internal))) {
        if (typeof key === "string") entry.internal.push(key);
        else entry.eager = true;
      }
      for (const o of objects) {
        const keys = changed(o, before.get(o));
        if (keys.length === 0) continue;
        if (owner.has(o)) {
          const after = record[owner.get(o)].after;
          if (!after.includes(i)) after.push(i);
          continue;
        }
        const index = LANGUAGE.indexOf(o);
        for (const key of keys) {
          const d = getOwnPropertyDescriptor(o, key);
          const method = d && typeof d.value === "function" && typeof key === "string";
          if (index >= 0 && method) entry.methods.push([index, key]);
          else entry.eager = true;
        }
      }
      for (const o of reachable()) if (!owner.has(o) && !LANGUAGE.includes(o)) owner.set(o, i);
      record.push(entry);
    }
    return record;
  }

  // Plain loops and one reused descriptor: this runs for every new isolate.
  function install(record) {
    const loaded = new Uint8Array(count);
    // The names whose stand-in is still in place, per holder.
    const pending = new Map([[globalThis, Object.create(null)], [internal, Object.create(null)]]);
    // Values the site gave a global before the file defining it was loaded.
    const assigned = new Map();
    // The stand-ins of each file's replaced language methods.
    const standIns = [];
    const descriptor = { configurable: true, enumerable: false, get: undefined, set: undefined };

    function load(i) {
      if (loaded[i]) return;
      loaded[i] = 1;
      const { globals, internal: entries, methods, after } = record[i];
      // Methods the site replaced before the file loads keep the site's version.
      const kept = [];
      for (let m = 0; m < methods.length; m++) {
        const [o, key] = methods[m];
        if (LANGUAGE[o][key] !== standIns[i][m]) kept.push([o, key, LANGUAGE[o][key]]);
      }
      // The file defines its own names afresh.
      for (let g = 0; g < globals.length; g++) drop(globalThis, globals[g][0]);
      for (let e = 0; e < entries.length; e++) drop(internal, entries[e]);
      run(i);
      for (let g = 0; g < globals.length; g++) {
        const [key, enumerable] = globals[g];
        if (assigned.has(key)) define(globalThis, key, assigned.get(key), enumerable);
      }
      for (let k = 0; k < kept.length; k++) LANGUAGE[kept[k][0]][kept[k][1]] = kept[k][2];
      for (let a = 0; a < after.length; a++) load(after[a]);
    }
    function drop(holder, key) {
      const names = pending.get(holder);
      if (names[key]) {
        delete names[key];
        delete holder[key];
      }
    }
    function define(holder, key, value, enumerable) {
      defineProperty(holder, key, { value, writable: true, configurable: true, enumerable });
    }
    // A property that loads file `i` when first read; on the global object a site may also
    // assign it first (`internal` is the prelude's own, and its files define their entries).
    function onDemand(holder, key, enumerable, i) {
      pending.get(holder)[key] = true;
      descriptor.enumerable = enumerable;
      descriptor.get = function () {
        load(i);
        const d = getOwnPropertyDescriptor(holder, key);
        if (d && d.get === undefined) return d.value;
        drop(holder, key);
        return undefined;
      };
      descriptor.set =
        holder === globalThis
          ? function (value) {
              delete pending.get(holder)[key];
              assigned.set(key, value);
              define(holder, key, value, enumerable);
            }
          : undefined;
      defineProperty(holder, key, descriptor);
    }
    function standIn(i, target, key) {
      const f = {
        [key](...args) {
          load(i);
          const real = target[key];
          if (real === f) throw new TypeError(`${String(key)} is not available`);
          return Reflect.apply(real, this, args);
        },
      }[key];
      define(target, key, f, false);
      return f;
    }
    for (let i = 0; i < count; i++) {
      const { globals, internal: entries, methods } = record[i];
      for (let g = 0; g < globals.length; g++) onDemand(globalThis, globals[g][0], globals[g][1], i);
      for (let e = 0; e < entries.length; e++) onDemand(internal, entries[e], true, i);
      standIns.push(methods.map(([o, key]) => standIn(i, LANGUAGE[o], key)));
    }
    for (let i = 0; i < count; i++) if (record[i].eager) load(i);
  }

  return { survey, install };
});
