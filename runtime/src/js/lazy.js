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

  function install(record) {
    const loaded = new Array(count).fill(false);
    // Values the site gave a global before the file defining it was loaded.
    const assigned = new Map();
    function load(i) {
      if (loaded[i]) return;
      loaded[i] = true;
      const kept = record[i].methods.filter(([o, key]) => !isStandIn(LANGUAGE[o][key]));
      const keptValues = kept.map(([o, key]) => LANGUAGE[o][key]);
      // The file defines its own names afresh.
      for (const [key] of record[i].globals) dropStandIn(globalThis, key);
      for (const key of record[i].internal) dropStandIn(internal, key);
      run(i);
      for (const [key, enumerable] of record[i].globals) {
        if (assigned.has(key)) define(globalThis, key, assigned.get(key), enumerable);
      }
      kept.forEach(([o, key], n) => (LANGUAGE[o][key] = keptValues[n]));
      for (const j of record[i].after) load(j);
    }
    const standIns = new WeakSet();
    const isStandIn = (f) => standIns.has(f);
    function dropStandIn(holder, key) {
      const d = getOwnPropertyDescriptor(holder, key);
      if (d && standIns.has(d.get)) delete holder[key];
    }
    function define(holder, key, value, enumerable) {
      defineProperty(holder, key, { value, writable: true, configurable: true, enumerable });
    }
    // A property that loads file `i` when first read; on the global object a site may also
    // assign it first (`internal` is the prelude's own, and its files define their entries).
    function onDemand(holder, key, enumerable, i) {
      const get = function () {
        load(i);
        const d = getOwnPropertyDescriptor(holder, key);
        if (d && d.get === undefined) return d.value;
        delete holder[key];
        return undefined;
      };
      standIns.add(get);
      const set =
        holder === globalThis
          ? function (value) {
              assigned.set(key, value);
              define(holder, key, value, enumerable);
            }
          : undefined;
      defineProperty(holder, key, { configurable: true, enumerable, get, set });
    }
    record.forEach((entry, i) => {
      for (const [key, enumerable] of entry.globals) onDemand(globalThis, key, enumerable, i);
      for (const key of entry.internal) onDemand(internal, key, true, i);
      for (const [o, key] of entry.methods) {
        const target = LANGUAGE[o];
        const standIn = {
          [key](...args) {
            load(i);
            const real = target[key];
            if (real === standIn) throw new TypeError(`${String(key)} is not available`);
            return Reflect.apply(real, this, args);
          },
        }[key];
        standIns.add(standIn);
        defineProperty(target, key, { value: standIn, writable: true, configurable: true });
      }
    });
    record.forEach((entry, i) => entry.eager && load(i));
  }

  return { survey, install };
});
