// FormData (XHR spec), as workerd has it: an ordered list of (name, value) entries whose values
// are strings or Files. A Blob value becomes a File named after the filename argument or, as
// in workerd, after the entry's name. Iterators walk the live list.
//
// For later prelude files: `internal.formDataEntries(formData)` (the live entry list) and
// `internal.appendFormEntry(formData, name, value)` (no conversion).
(function (internal) {
  "use strict";

  function requireArguments(method, count, needed) {
    if (count >= needed) return;
    const detail =
      needed === 1
        ? "parameter 1 is not of type 'string'"
        : "parameter 2 is not of type 'File or Blob or string'";
    throw new TypeError(`Failed to execute '${method}' on 'FormData': ${detail}.`);
  }

  /** An entry value: strings stay strings, a Blob becomes a File (a File named as asked stays). */
  function entryValue(name, value, filename) {
    if (!(value instanceof Blob)) return String(value);
    if (value instanceof File && filename === undefined) return value;
    const fileName = filename === undefined ? name : String(filename);
    return internal.makeFile(internal.blobBytes(value), fileName, value.type, Date.now());
  }

  class FormData {
    #entries = [];

    append(name, value, filename = undefined) {
      requireArguments("append", arguments.length, 2);
      const key = String(name);
      this.#entries.push([key, entryValue(key, value, filename)]);
    }

    delete(name) {
      requireArguments("delete", arguments.length, 1);
      const key = String(name);
      this.#entries = this.#entries.filter(([n]) => n !== key);
    }

    get(name) {
      requireArguments("get", arguments.length, 1);
      const key = String(name);
      const entry = this.#entries.find(([n]) => n === key);
      return entry === undefined ? null : entry[1];
    }

    getAll(name) {
      requireArguments("getAll", arguments.length, 1);
      const key = String(name);
      return this.#entries.filter(([n]) => n === key).map(([, v]) => v);
    }

    has(name) {
      requireArguments("has", arguments.length, 1);
      const key = String(name);
      return this.#entries.some(([n]) => n === key);
    }

    set(name, value, filename = undefined) {
      requireArguments("set", arguments.length, 2);
      const key = String(name);
      const entry = [key, entryValue(key, value, filename)];
      const first = this.#entries.findIndex(([n]) => n === key);
      if (first === -1) {
        this.#entries.push(entry);
        return;
      }
      this.#entries = this.#entries.filter(([n], i) => i <= first || n !== key);
      this.#entries[first] = entry;
    }

    *entries() {
      for (let i = 0; i < this.#entries.length; i++) {
        const [name, value] = this.#entries[i];
        yield [name, value];
      }
    }

    *keys() {
      for (const [name] of this.entries()) yield name;
    }

    *values() {
      for (const [, value] of this.entries()) yield value;
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== "function") {
        throw new TypeError(
          "Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'Function'.",
        );
      }
      for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
    }

    static {
      internal.formDataEntries = (formData) => formData.#entries;
      internal.appendFormEntry = (formData, name, value) => {
        formData.#entries.push([name, value]);
      };
    }
  }

  Object.defineProperty(FormData.prototype, Symbol.iterator, {
    value: FormData.prototype.entries,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(FormData.prototype, Symbol.toStringTag, {
    value: "FormData",
    configurable: true,
  });
  internal.exposeGlobals({ FormData });
});
