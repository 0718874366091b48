//! Every JavaScript file compiled into the runtime, wherever it lives, in one table: the
//! prelude files (evaluated on each new isolate in table order), the loader that evaluates
//! them on demand (`js/lazy.js`) and the built-in modules sites import. `js` sets the prelude
//! up and `builtins` serves the modules; both read their files from here.

use Role::{Builtin, Prelude, PreludeLoader};

/// What an embedded file is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A prelude file: one function expression called with `internal`, in table order.
    Prelude,
    /// The machinery that evaluates prelude files on demand.
    PreludeLoader,
    /// A built-in module, named by its canonical specifier.
    Builtin,
}

/// One embedded file.
pub(crate) struct JsSource {
    /// What it is for.
    pub(crate) role: Role,
    /// The prelude file's name, or the built-in module's canonical specifier.
    pub(crate) name: &'static str,
    /// Its source text.
    pub(crate) text: &'static str,
}

const fn source(role: Role, name: &'static str, text: &'static str) -> JsSource {
    JsSource { role, name, text }
}

/// The embedded files; the order of the prelude files is their evaluation order.
const SOURCES: &[JsSource] = &[
    source(Prelude, "bootstrap.js", include_str!("js/bootstrap.js")),
    source(Prelude, "console.js", include_str!("js/console.js")),
    source(
        Prelude,
        "dom_exception.js",
        include_str!("js/dom_exception.js"),
    ),
    source(Prelude, "events.js", include_str!("js/events.js")),
    source(
        Prelude,
        "stream_common.js",
        include_str!("js/stream_common.js"),
    ),
    source(
        Prelude,
        "writable_stream.js",
        include_str!("js/writable_stream.js"),
    ),
    source(
        Prelude,
        "readable_stream.js",
        include_str!("js/readable_stream.js"),
    ),
    source(Prelude, "byte_stream.js", include_str!("js/byte_stream.js")),
    source(Prelude, "pipe.js", include_str!("js/pipe.js")),
    source(
        Prelude,
        "transform_stream.js",
        include_str!("js/transform_stream.js"),
    ),
    source(
        Prelude,
        "text_streams.js",
        include_str!("js/text_streams.js"),
    ),
    source(
        Prelude,
        "stream_internals.js",
        include_str!("js/stream_internals.js"),
    ),
    source(
        Prelude,
        "identity_stream.js",
        include_str!("js/identity_stream.js"),
    ),
    source(Prelude, "blob.js", include_str!("js/blob.js")),
    source(Prelude, "form_data.js", include_str!("js/form_data.js")),
    source(Prelude, "mime_type.js", include_str!("js/mime_type.js")),
    source(Prelude, "multipart.js", include_str!("js/multipart.js")),
    source(Prelude, "body.js", include_str!("js/body.js")),
    source(Prelude, "request.js", include_str!("js/request.js")),
    source(Prelude, "response.js", include_str!("js/response.js")),
    source(Prelude, "intl.js", include_str!("intl/intl.js")),
    source(
        Prelude,
        "crypto_keys.js",
        include_str!("web/crypto/crypto_keys.js"),
    ),
    source(Prelude, "crypto.js", include_str!("web/crypto/crypto.js")),
    source(Prelude, "fetch.js", include_str!("js/fetch.js")),
    source(Prelude, "assets.js", include_str!("js/assets.js")),
    source(Prelude, "r2_options.js", include_str!("js/r2_options.js")),
    source(Prelude, "r2.js", include_str!("js/r2.js")),
    source(
        Prelude,
        "structured_clone.js",
        include_str!("js/structured_clone.js"),
    ),
    source(Prelude, "dispatch.js", include_str!("js/dispatch.js")),
    source(Prelude, "d1.js", include_str!("js/d1.js")),
    source(PreludeLoader, "lazy.js", include_str!("js/lazy.js")),
    source(
        Builtin,
        "cloudflare:workers",
        include_str!("js/cloudflare_workers.js"),
    ),
    source(
        Builtin,
        "node:async_hooks",
        include_str!("js/node/async_hooks.js"),
    ),
    source(Builtin, "node:buffer", include_str!("js/node/buffer.js")),
    source(Builtin, "node:crypto", include_str!("js/node/crypto.js")),
    source(Builtin, "node:events", include_str!("js/node/events.js")),
    source(Builtin, "node:fs", include_str!("js/node/fs.js")),
    source(
        Builtin,
        "node:fs/promises",
        include_str!("js/node/fs_promises.js"),
    ),
    source(Builtin, "node:module", include_str!("js/node/module.js")),
    source(Builtin, "node:path", include_str!("js/node/path.js")),
    source(
        Builtin,
        "node:path/posix",
        include_str!("js/node/path_posix.js"),
    ),
    source(Builtin, "node:process", include_str!("js/node/process.js")),
    source(Builtin, "node:util", include_str!("js/node/util.js")),
    source(
        Builtin,
        "node:util/types",
        include_str!("js/node/util_types.js"),
    ),
];

/// The embedded files for `role`, in table order.
pub(crate) fn sources(role: Role) -> impl Iterator<Item = &'static JsSource> {
    SOURCES.iter().filter(move |source| source.role == role)
}
