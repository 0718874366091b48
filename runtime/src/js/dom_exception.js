// DOMException (WebIDL): a name, a message and the legacy numeric code, an Error by prototype.
// Shared as `internal.DOMException` so later prelude files keep it even if a site replaces
// the global, with `internal.exposeGlobals({ Name: value })`, which defines Web globals as
// they are in workerd (writable, configurable, not enumerable).
(function (internal) {
  "use strict";

  // Legacy constant names and codes, in code order; `null` marks a code with no error name.
  const LEGACY = [
    ["INDEX_SIZE_ERR", "IndexSizeError"],
    ["DOMSTRING_SIZE_ERR", null],
    ["HIERARCHY_REQUEST_ERR", "HierarchyRequestError"],
    ["WRONG_DOCUMENT_ERR", "WrongDocumentError"],
    ["INVALID_CHARACTER_ERR", "InvalidCharacterError"],
    ["NO_DATA_ALLOWED_ERR", null],
    ["NO_MODIFICATION_ALLOWED_ERR", "NoModificationAllowedError"],
    ["NOT_FOUND_ERR", "NotFoundError"],
    ["NOT_SUPPORTED_ERR", "NotSupportedError"],
    ["INUSE_ATTRIBUTE_ERR", "InUseAttributeError"],
    ["INVALID_STATE_ERR", "InvalidStateError"],
    ["SYNTAX_ERR", "SyntaxError"],
    ["INVALID_MODIFICATION_ERR", "InvalidModificationError"],
    ["NAMESPACE_ERR", "NamespaceError"],
    ["INVALID_ACCESS_ERR", "InvalidAccessError"],
    ["VALIDATION_ERR", null],
    ["TYPE_MISMATCH_ERR", "TypeMismatchError"],
    ["SECURITY_ERR", "SecurityError"],
    ["NETWORK_ERR", "NetworkError"],
    ["ABORT_ERR", "AbortError"],
    ["URL_MISMATCH_ERR", "URLMismatchError"],
    ["QUOTA_EXCEEDED_ERR", "QuotaExceededError"],
    ["TIMEOUT_ERR", "TimeoutError"],
    ["INVALID_NODE_TYPE_ERR", "InvalidNodeTypeError"],
    ["DATA_CLONE_ERR", "DataCloneError"],
  ];
  const CODES = new Map();
  LEGACY.forEach(([, name], i) => name && CODES.set(name, i + 1));

  // As in workerd, name, message and code are own read-only enumerable properties and the
  // stack an own enumerable one, so `JSON.stringify` of an exception shows them.
  class DOMException {
    constructor(message = "", name = "Error") {
      message = String(message);
      name = String(name);
      const fixed = { writable: false, enumerable: true, configurable: true };
      Object.defineProperties(this, {
        code: { value: CODES.get(name) ?? 0, ...fixed },
        name: { value: name, ...fixed },
        message: { value: message, ...fixed },
        // QuickJS's stack lists only the frames; V8's starts with "Name: message".
        stack: {
          value: `${name}: ${message}\n${new Error().stack}`.trimEnd(),
          writable: true,
          enumerable: true,
          configurable: true,
        },
      });
    }
  }
  Object.setPrototypeOf(DOMException.prototype, Error.prototype);
  Object.defineProperty(DOMException.prototype, Symbol.toStringTag, {
    value: "DOMException",
    configurable: true,
  });
  for (const [i, [constant]] of LEGACY.entries()) {
    const descriptor = { value: i + 1, enumerable: true, configurable: true };
    Object.defineProperty(DOMException, constant, descriptor);
    Object.defineProperty(DOMException.prototype, constant, descriptor);
  }

  internal.exposeGlobals = function exposeGlobals(globals) {
    for (const [name, value] of Object.entries(globals)) {
      Object.defineProperty(globalThis, name, {
        value,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  };
  internal.exposeGlobals({ DOMException });
  internal.DOMException = DOMException;
});
