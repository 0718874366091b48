//! Sitegate's worker runtime. This first layer is the isolate: one QuickJS runtime per loaded
//! site version, with its own heap under a memory limit, a stack limit, a CPU-time budget per
//! call enforced by an interrupt handler, and a module loader confined to the version's
//! directory. `Pool` runs isolates on a fixed set of JS threads. Web APIs, bindings and
//! dispatch build on these.

#![warn(missing_docs)]

pub mod bindings;
mod buffer_source;
mod builtins;
mod bytecode;
mod console;
mod cpu;
mod dispatch;
mod error;
mod exchange;
mod fetch;
mod host;
pub mod intl;
mod io;
mod isolate;
mod js;
mod js_http;
mod js_sources;
mod modules;
mod outbound;
mod pool;
mod report;
mod secret;
#[cfg(test)]
mod testutil;
mod timer_queue;
mod timers;
pub mod web;

pub use bindings::{Bindings, Secret, Var};
pub use error::RuntimeError;
pub use exchange::{Answer, WorkerBody, WorkerRequest, WorkerResponse};
pub use isolate::{Isolate, Limits, SiteSetup};
pub use outbound::policy::OutboundPolicy;
pub use pool::{Pool, PoolOptions, VersionKey};
