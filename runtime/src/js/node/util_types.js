// node:util/types: type checks by internal slot (the tag a value's class gives it), not by
// anything a value can fake by setting a property.
const toString = Object.prototype.toString;
const tagOf = (value) => toString.call(value).slice(8, -1);
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag,
).get;
const typedTag = (value) => typedArrayTag.call(value);
const AsyncFunction = (async () => {}).constructor;
const GeneratorFunction = function* () {}.constructor;
const Generator = Object.getPrototypeOf(GeneratorFunction.prototype);
const mapIterator = Object.getPrototypeOf(new Map().entries());
const setIterator = Object.getPrototypeOf(new Set().values());

function slot(check) {
  return (value) => {
    if (value === null || typeof value !== "object") return false;
    try {
      check.call(value);
      return true;
    } catch {
      return false;
    }
  };
}

export const isDate = slot(Date.prototype.getTime);
export const isRegExp = slot(Object.getOwnPropertyDescriptor(RegExp.prototype, "source").get);
export const isMap = slot(Object.getOwnPropertyDescriptor(Map.prototype, "size").get);
export const isSet = slot(Object.getOwnPropertyDescriptor(Set.prototype, "size").get);
export const isWeakMap = slot(WeakMap.prototype.has);
export const isWeakSet = slot(WeakSet.prototype.has);
export const isArrayBuffer = slot(
  Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get,
);
export const isSharedArrayBuffer = typeof SharedArrayBuffer === "function"
  ? slot(Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get)
  : () => false;
export const isAnyArrayBuffer = (v) => isArrayBuffer(v) || isSharedArrayBuffer(v);
export const isDataView = slot(
  Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength").get,
);
export const isPromise = (v) => v instanceof Promise || (v !== null && typeof v === "object" &&
  tagOf(v) === "Promise" && typeof v.then === "function");
export const isNativeError = (v) => v instanceof Error || (v !== null &&
  typeof v === "object" && tagOf(v) === "Error");
export const isNumberObject = slot(Number.prototype.valueOf);
export const isStringObject = slot(String.prototype.valueOf);
export const isBooleanObject = slot(Boolean.prototype.valueOf);
export const isBigIntObject = slot(BigInt.prototype.valueOf);
export const isSymbolObject = slot(Symbol.prototype.valueOf);
export const isBoxedPrimitive = (v) => isNumberObject(v) || isStringObject(v) ||
  isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v);
export const isArgumentsObject = (v) => v !== null && typeof v === "object" &&
  tagOf(v) === "Arguments";
export const isAsyncFunction = (v) => v instanceof AsyncFunction;
export const isGeneratorFunction = (v) => v instanceof GeneratorFunction;
export const isGeneratorObject = (v) => v !== null && typeof v === "object" &&
  Generator.isPrototypeOf(v);
export const isMapIterator = (v) => v !== null && typeof v === "object" &&
  mapIterator.isPrototypeOf(v);
export const isSetIterator = (v) => v !== null && typeof v === "object" &&
  setIterator.isPrototypeOf(v);
export const isModuleNamespaceObject = (v) => v !== null && typeof v === "object" &&
  tagOf(v) === "Module" && Object.getPrototypeOf(v) === null;
export const isProxy = () => false;
export const isExternal = () => false;
export const isCryptoKey = (v) => typeof CryptoKey === "function" && v instanceof CryptoKey;
export const isKeyObject = () => false;
export const isArrayBufferView = (v) => ArrayBuffer.isView(v);
export const isTypedArray = (v) => typedTag(v) !== undefined;

const typed = (name) => (v) => typedTag(v) === name;
export const isUint8Array = typed("Uint8Array");
export const isUint8ClampedArray = typed("Uint8ClampedArray");
export const isUint16Array = typed("Uint16Array");
export const isUint32Array = typed("Uint32Array");
export const isInt8Array = typed("Int8Array");
export const isInt16Array = typed("Int16Array");
export const isInt32Array = typed("Int32Array");
export const isFloat16Array = typed("Float16Array");
export const isFloat32Array = typed("Float32Array");
export const isFloat64Array = typed("Float64Array");
export const isBigInt64Array = typed("BigInt64Array");
export const isBigUint64Array = typed("BigUint64Array");

export default {
  isDate, isRegExp, isMap, isSet, isWeakMap, isWeakSet, isArrayBuffer, isSharedArrayBuffer,
  isAnyArrayBuffer, isDataView, isPromise, isNativeError, isNumberObject, isStringObject,
  isBooleanObject, isBigIntObject, isSymbolObject, isBoxedPrimitive, isArgumentsObject,
  isAsyncFunction, isGeneratorFunction, isGeneratorObject, isMapIterator, isSetIterator,
  isModuleNamespaceObject, isProxy, isExternal, isCryptoKey, isKeyObject, isArrayBufferView,
  isTypedArray, isUint8Array, isUint8ClampedArray, isUint16Array, isUint32Array, isInt8Array,
  isInt16Array, isInt32Array, isFloat16Array, isFloat32Array, isFloat64Array,
  isBigInt64Array, isBigUint64Array,
};
