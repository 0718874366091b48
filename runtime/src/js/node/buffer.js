// node:buffer: Buffer, a Uint8Array subclass with Node's encodings and byte accessors; the
// string codecs and byte searches are natives (`internal.bufferCodec`).
import internal from "sitegate:internal";

const codec = internal.bufferCodec;
export const kMaxLength = 2 ** 31 - 1;
export const kStringMaxLength = 2 ** 29 - 24;
export const constants = Object.freeze({
  MAX_LENGTH: kMaxLength,
  MAX_STRING_LENGTH: kStringMaxLength,
});
export const INSPECT_MAX_BYTES = 50;

const ENCODINGS = {
  utf8: "utf8", "utf-8": "utf8", hex: "hex", base64: "base64", base64url: "base64url",
  latin1: "latin1", binary: "latin1", ascii: "ascii", utf16le: "utf16le",
  "utf-16le": "utf16le", ucs2: "utf16le", "ucs-2": "utf16le",
};

function nodeError(Type, code, message) {
  const error = new Type(message);
  error.code = code;
  return error;
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "function") return `function ${value.name}`;
  if (typeof value === "object") {
    const name = value.constructor && value.constructor.name;
    return name ? `an instance of ${name}` : "an instance of Object";
  }
  if (typeof value === "string") return `type string ('${value}')`;
  return `type ${typeof value} (${String(value)})`;
}

function invalidType(name, expected, value) {
  return nodeError(
    TypeError,
    "ERR_INVALID_ARG_TYPE",
    `The ${name.includes(" ") ? name : `"${name}" argument`} must be ${expected}. Received ${describe(value)}`,
  );
}

function outOfRange(name, range, value) {
  return nodeError(
    RangeError,
    "ERR_OUT_OF_RANGE",
    `The value of "${name}" is out of range. It must be ${range}. Received ${value}`,
  );
}

// The Node-style errors, for the other node: modules.
internal.nodeErrors = { nodeError, invalidType, outOfRange };

/** The canonical name of `encoding` (absent: utf8); throws for an unknown one. */
function encodingOf(encoding) {
  if (encoding === undefined || encoding === null) return "utf8";
  const name = ENCODINGS[String(encoding).toLowerCase()];
  if (name === undefined) {
    throw nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
  }
  return name;
}

class FastBuffer extends Uint8Array {}

/** A Buffer over `bytes` (a Uint8Array), sharing its memory. */
function wrap(bytes) {
  return new FastBuffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkSize(size) {
  if (typeof size !== "number") throw invalidType("size", "of type number", size);
  if (!(size >= 0 && size <= kMaxLength)) throw new RangeError(`Invalid typed array length: ${size}`);
}

export function Buffer(arg, encodingOrOffset, length) {
  if (typeof arg === "number") {
    if (typeof encodingOrOffset === "string") {
      throw invalidType("string", "of type string", arg);
    }
    return Buffer.alloc(arg);
  }
  return Buffer.from(arg, encodingOrOffset, length);
}
Buffer.prototype = FastBuffer.prototype;
Object.defineProperty(FastBuffer.prototype, "constructor", {
  value: Buffer, writable: true, configurable: true,
});
Object.setPrototypeOf(Buffer, Uint8Array);
Buffer.poolSize = 8192;

Buffer.from = function from(value, encodingOrOffset, length) {
  if (typeof value === "string") return wrap(codec.decode(value, encodingOf(encodingOrOffset)));
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    const offset = encodingOrOffset === undefined ? 0 : +encodingOrOffset || 0;
    if (offset > value.byteLength) throw outOfRange("offset", `<= ${value.byteLength}`, offset);
    const rest = value.byteLength - offset;
    const count = length === undefined ? rest : +length || 0;
    if (count > rest) throw outOfRange("length", `<= ${rest}`, count);
    return new FastBuffer(value, offset, count);
  }
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) return copy(value);
    const out = new FastBuffer(value.length);
    for (let i = 0; i < value.length; i++) out[i] = Number(value[i]) & 255;
    return out;
  }
  if (value !== null && typeof value === "object") {
    const primitive = value.valueOf();
    if (primitive !== value && primitive !== null && primitive !== undefined) {
      return Buffer.from(primitive, encodingOrOffset, length);
    }
    if (value.type === "Buffer" && Array.isArray(value.data)) return fromArrayLike(value.data);
    if (typeof value.length === "number") return fromArrayLike(value);
    if (typeof value[Symbol.toPrimitive] === "function") {
      return Buffer.from(value[Symbol.toPrimitive]("string"), encodingOrOffset, length);
    }
  }
  throw invalidType(
    "first argument",
    "of type string or an instance of Buffer, TypedArray, ArrayBuffer, SharedArrayBuffer, or Array or an Array-like Object",
    value,
  );
};

function fromArrayLike(items) {
  const out = new FastBuffer(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[i] & 255;
  return out;
}

function copy(bytes) {
  const out = new FastBuffer(bytes.length);
  out.set(bytes);
  return out;
}

Buffer.of = function of(...items) {
  return fromArrayLike(items);
};

Buffer.alloc = function alloc(size, fill, encoding) {
  checkSize(size);
  const out = new FastBuffer(size);
  if (fill !== undefined && fill !== 0 && size > 0) out.fill(fill, 0, size, encoding);
  return out;
};

Buffer.allocUnsafe = function allocUnsafe(size) {
  checkSize(size);
  return new FastBuffer(size);
};
Buffer.allocUnsafeSlow = Buffer.allocUnsafe;

Buffer.isBuffer = function isBuffer(value) {
  return value instanceof Buffer;
};

Buffer.isEncoding = function isEncoding(encoding) {
  return typeof encoding === "string" && encoding !== "" &&
    ENCODINGS[encoding.toLowerCase()] !== undefined;
};

Buffer.byteLength = function byteLength(value, encoding) {
  if (typeof value !== "string") {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
    throw invalidType("string", "of type string or an instance of Buffer or ArrayBuffer", value);
  }
  return codec.decode(value, encodingOf(encoding)).byteLength;
};

function checkBytes(name, value) {
  if (!(value instanceof Uint8Array)) {
    throw invalidType(name, "an instance of Buffer or Uint8Array", value);
  }
}

Buffer.compare = function compare(a, b) {
  checkBytes("buf1", a);
  checkBytes("buf2", b);
  return codec.compare(a, b);
};

Buffer.concat = function concat(list, totalLength) {
  if (!Array.isArray(list)) throw invalidType("list", "an instance of Array", list);
  list.forEach((item, i) => checkBytes(`list[${i}]`, item));
  const total = totalLength === undefined
    ? list.reduce((sum, item) => sum + item.length, 0)
    : totalLength;
  const out = Buffer.alloc(total);
  let at = 0;
  for (const item of list) {
    if (at >= total) break;
    const part = item.length > total - at ? item.subarray(0, total - at) : item;
    out.set(part, at);
    at += part.length;
  }
  return out;
};

const proto = FastBuffer.prototype;

/** A start or end index as Node clamps them for toString/slice. */
function clamp(value, length, fallback) {
  if (value === undefined) return fallback;
  let n = Math.trunc(+value) || 0;
  if (n < 0) n = 0;
  return n > length ? length : n;
}

proto.toString = function toString(encoding, start, end) {
  if (arguments.length === 0) return codec.encode(this, "utf8");
  const from = clamp(start, this.length, 0);
  const to = clamp(end, this.length, this.length);
  if (to <= from) return "";
  return codec.encode(this.subarray(from, to), encodingOf(encoding));
};

proto.toLocaleString = proto.toString;

proto.toJSON = function toJSON() {
  return { type: "Buffer", data: Array.from(this) };
};

proto.equals = function equals(other) {
  checkBytes("otherBuffer", other);
  return this === other || codec.compare(this, other) === 0;
};

proto.compare = function compare(target, tStart, tEnd, sStart, sEnd) {
  checkBytes("target", target);
  const a = this.subarray(sStart ?? 0, sEnd ?? this.length);
  const b = target.subarray(tStart ?? 0, tEnd ?? target.length);
  return codec.compare(a, b);
};

proto.copy = function copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
  checkBytes("target", target);
  if (targetStart < 0) throw outOfRange("targetStart", ">= 0", targetStart);
  if (sourceStart < 0 || sourceStart > this.length) {
    throw outOfRange("sourceStart", `>= 0 && <= ${this.length}`, sourceStart);
  }
  const end = Math.min(sourceEnd, this.length, sourceStart + target.length - targetStart);
  if (end <= sourceStart || targetStart >= target.length) return 0;
  target.set(this.subarray(sourceStart, end), targetStart);
  return end - sourceStart;
};

proto.slice = function slice(start, end) {
  return this.subarray(start, end);
};

const uint8Fill = Uint8Array.prototype.fill;

proto.fill = function fill(value, offset, end, encoding) {
  if (typeof offset === "string") {
    encoding = offset;
    offset = 0;
    end = this.length;
  } else if (typeof end === "string") {
    encoding = end;
    end = this.length;
  }
  offset = offset === undefined ? 0 : offset;
  end = end === undefined ? this.length : end;
  if (offset < 0 || offset > this.length) {
    throw outOfRange("offset", `>= 0 && <= ${this.length}`, offset);
  }
  if (end < 0 || end > this.length) throw outOfRange("end", `>= 0 && <= ${this.length}`, end);
  if (end <= offset) return this;
  if (typeof value === "number") return uint8Fill.call(this, value & 255, offset, end);
  if (typeof value === "boolean") return uint8Fill.call(this, +value, offset, end);
  const pattern = typeof value === "string"
    ? codec.decode(value, encodingOf(encoding))
    : value instanceof Uint8Array ? value : null;
  if (pattern === null) return uint8Fill.call(this, Number(value) & 255, offset, end);
  if (pattern.length === 0) {
    if (typeof value === "string") return uint8Fill.call(this, 0, offset, end);
    throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE",
      "The argument 'value' is invalid. Received " + describe(value));
  }
  for (let at = offset; at < end; at += pattern.length) {
    this.set(pattern.subarray(0, Math.min(pattern.length, end - at)), at);
  }
  return this;
};

function search(buffer, value, from, encoding, last) {
  if (typeof from === "string") {
    encoding = from;
    from = undefined;
  }
  let start = from === undefined ? (last ? buffer.length : 0) : Math.trunc(+from);
  if (Number.isNaN(start)) start = last ? buffer.length : 0;
  if (typeof value === "number") value = Uint8Array.of(value & 255);
  else if (typeof value === "string") value = codec.decode(value, encodingOf(encoding));
  else checkBytes("value", value);
  return codec.indexOf(buffer, value, start, last);
}

proto.indexOf = function indexOf(value, byteOffset, encoding) {
  return search(this, value, byteOffset, encoding, false);
};
proto.lastIndexOf = function lastIndexOf(value, byteOffset, encoding) {
  return search(this, value, byteOffset, encoding, true);
};
proto.includes = function includes(value, byteOffset, encoding) {
  return this.indexOf(value, byteOffset, encoding) !== -1;
};

proto.write = function write(string, offset, length, encoding) {
  if (typeof string !== "string") throw invalidType("argument", "of type string", string);
  if (typeof offset === "string") {
    encoding = offset;
    offset = 0;
    length = this.length;
  } else if (typeof length === "string") {
    encoding = length;
    length = this.length - (offset || 0);
  }
  offset = offset === undefined ? 0 : offset;
  if (offset < 0 || offset > this.length) {
    throw outOfRange("offset", `>= 0 && <= ${this.length}`, offset);
  }
  const room = this.length - offset;
  length = length === undefined || length > room ? room : length;
  const name = encodingOf(encoding);
  let bytes = codec.decode(string, name);
  if (bytes.length > length) {
    let cut = length;
    if (name === "utf8") {
      // Whole characters only: back up over continuation bytes.
      while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
    } else if (name === "utf16le") {
      cut -= cut % 2;
    }
    bytes = bytes.subarray(0, cut);
  }
  this.set(bytes, offset);
  return bytes.length;
};

function swapper(size) {
  return function swap() {
    if (this.length % size !== 0) {
      throw nodeError(RangeError, "ERR_INVALID_BUFFER_SIZE",
        `Buffer size must be a multiple of ${size * 8}-bits`);
    }
    for (let i = 0; i < this.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = this[a];
        this[a] = this[b];
        this[b] = t;
      }
    }
    return this;
  };
}
proto.swap16 = swapper(2);
proto.swap32 = swapper(4);
proto.swap64 = swapper(8);

// Number accessors through a DataView of the buffer, bounds-checked as Node checks them.
function view(buffer) {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function checkOffset(buffer, offset, size) {
  if (offset === undefined) offset = 0;
  if (typeof offset !== "number") throw invalidType("offset", "of type number", offset);
  if (!Number.isInteger(offset)) throw outOfRange("offset", "an integer", offset);
  const max = buffer.length - size;
  if (max < 0) {
    throw nodeError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS",
      "Attempt to access memory outside buffer bounds");
  }
  if (offset < 0 || offset > max) throw outOfRange("offset", `>= 0 and <= ${max}`, offset);
  return offset;
}

function checkValue(value, min, max, size, bigint) {
  if (value < min || value > max) {
    const n = bigint ? "n" : "";
    let range;
    if (size > 4 || bigint) {
      range = min === 0 || min === 0n
        ? `>= 0${n} and < 2${n} ** ${size * 8}${n}`
        : `>= -(2${n} ** ${size * 8 - 1}${n}) and < 2${n} ** ${size * 8 - 1}${n}`;
    } else {
      range = `>= ${min} and <= ${max}`;
    }
    throw outOfRange("value", range, bigint ? `${value}n` : value);
  }
}

const INTS = [
  ["UInt8", "Uint8", 1, false], ["Int8", "Int8", 1, true],
  ["UInt16", "Uint16", 2, false], ["Int16", "Int16", 2, true],
  ["UInt32", "Uint32", 4, false], ["Int32", "Int32", 4, true],
];
for (const [name, dv, size, signed] of INTS) {
  const min = signed ? -(2 ** (size * 8 - 1)) : 0;
  const max = signed ? 2 ** (size * 8 - 1) - 1 : 2 ** (size * 8) - 1;
  const orders = size === 1 ? [["", false]] : [["LE", true], ["BE", false]];
  for (const [suffix, little] of orders) {
    const read = function (offset) {
      return view(this)[`get${dv}`](checkOffset(this, offset, size), little);
    };
    const write = function (value, offset) {
      value = +value;
      checkValue(value, min, max, size, false);
      offset = checkOffset(this, offset, size);
      view(this)[`set${dv}`](offset, value, little);
      return offset + size;
    };
    proto[`read${name}${suffix}`] = read;
    proto[`write${name}${suffix}`] = write;
    if (name.startsWith("UInt")) {
      proto[`readUint${name.slice(4)}${suffix}`] = read;
      proto[`writeUint${name.slice(4)}${suffix}`] = write;
    }
  }
}

const OTHERS = [
  ["BigUInt64", "BigUint64", 8, 0n, 2n ** 64n - 1n],
  ["BigInt64", "BigInt64", 8, -(2n ** 63n), 2n ** 63n - 1n],
  ["Float", "Float32", 4],
  ["Double", "Float64", 8],
];
for (const [name, dv, size, min, max] of OTHERS) {
  for (const [suffix, little] of [["LE", true], ["BE", false]]) {
    const read = function (offset) {
      return view(this)[`get${dv}`](checkOffset(this, offset, size), little);
    };
    const write = function (value, offset) {
      if (min !== undefined) {
        if (typeof value !== "bigint") throw invalidType("value", "of type bigint", value);
        checkValue(value, min, max, size, true);
      } else {
        value = +value;
      }
      offset = checkOffset(this, offset, size);
      view(this)[`set${dv}`](offset, value, little);
      return offset + size;
    };
    proto[`read${name}${suffix}`] = read;
    proto[`write${name}${suffix}`] = write;
    if (name === "BigUInt64") {
      proto[`readBigUint64${suffix}`] = read;
      proto[`writeBigUint64${suffix}`] = write;
    }
  }
}

// Variable-width integers (1 to 6 bytes).
function checkByteLength(byteLength) {
  if (!Number.isInteger(byteLength) || byteLength < 1 || byteLength > 6) {
    throw outOfRange("byteLength", ">= 1 and <= 6", byteLength);
  }
}

function readUIntBytes(buffer, offset, byteLength, little) {
  checkByteLength(byteLength);
  offset = checkOffset(buffer, offset, byteLength);
  let value = 0;
  for (let i = 0; i < byteLength; i++) {
    const byte = buffer[little ? offset + byteLength - 1 - i : offset + i];
    value = value * 256 + byte;
  }
  return value;
}

function writeIntBytes(buffer, value, offset, byteLength, little, signed) {
  checkByteLength(byteLength);
  const bits = byteLength * 8;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  value = +value;
  checkValue(value, min, max, byteLength, false);
  offset = checkOffset(buffer, offset, byteLength);
  let rest = value < 0 ? value + 2 ** bits : value;
  for (let i = 0; i < byteLength; i++) {
    buffer[little ? offset + i : offset + byteLength - 1 - i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return offset + byteLength;
}

for (const [suffix, little] of [["LE", true], ["BE", false]]) {
  proto[`readUIntLE`.replace("LE", suffix)] = function (offset, byteLength) {
    return readUIntBytes(this, offset, byteLength, little);
  };
  proto[`readIntLE`.replace("LE", suffix)] = function (offset, byteLength) {
    const value = readUIntBytes(this, offset, byteLength, little);
    const top = 2 ** (byteLength * 8 - 1);
    return value >= top ? value - top * 2 : value;
  };
  proto[`writeUIntLE`.replace("LE", suffix)] = function (value, offset, byteLength) {
    return writeIntBytes(this, value, offset, byteLength, little, false);
  };
  proto[`writeIntLE`.replace("LE", suffix)] = function (value, offset, byteLength) {
    return writeIntBytes(this, value, offset, byteLength, little, true);
  };
  proto[`readUintLE`.replace("LE", suffix)] = proto[`readUInt${suffix}`];
  proto[`writeUintLE`.replace("LE", suffix)] = proto[`writeUInt${suffix}`];
}

proto.inspect = function inspect() {
  const shown = Array.from(this.subarray(0, INSPECT_MAX_BYTES), (b) =>
    b.toString(16).padStart(2, "0"));
  const more = this.length > INSPECT_MAX_BYTES
    ? ` ... ${this.length - INSPECT_MAX_BYTES} more bytes`
    : "";
  return `<Buffer${shown.length ? " " + shown.join(" ") : ""}${more}>`;
};

proto[Symbol.for("nodejs.util.inspect.custom")] = proto.inspect;

Object.defineProperty(proto, "parent", {
  get() { return this.buffer; }, enumerable: true, configurable: true,
});
Object.defineProperty(proto, "offset", {
  get() { return this.byteOffset; }, enumerable: true, configurable: true,
});

export function SlowBuffer(size) {
  return Buffer.allocUnsafe(size);
}

export function isUtf8(input) {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(input);
    return true;
  } catch {
    return false;
  }
}

export function isAscii(input) {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input)
    : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return bytes.every((b) => b < 128);
}

export function transcode(source, fromEncoding, toEncoding) {
  return Buffer.from(Buffer.from(source).toString(fromEncoding), toEncoding);
}

export const atob = globalThis.atob;
export const btoa = globalThis.btoa;
export const Blob = globalThis.Blob;
export const File = globalThis.File;

export default {
  Buffer, SlowBuffer, kMaxLength, kStringMaxLength, constants, INSPECT_MAX_BYTES,
  atob, btoa, Blob, File, isUtf8, isAscii, transcode,
};
