//! Sitegate's worker runtime. This first layer is the isolate: one QuickJS runtime per loaded
//! site version, with its own heap under a memory limit, a stack limit, a CPU-time budget per
//! call enforced by an interrupt handler, and a module loader confined to the version's
//! directory. `Pool` runs isolates on a fixed set of JS threads. Web APIs, bindings and
//! dispatch build on these.

#![warn(missing_docs)]

pub mod bindings;
mod builtins;
mod bytecode;
mod console;
mod cpu;
mod dispatch;
mod error;
mod fetch;
mod host;
pub mod intl;
mod io;
mod isolate;
mod js;
mod modules;
mod pool;
mod report;
mod timers;
pub mod web;

pub use bindings::{Bindings, Secret, Var};
pub use dispatch::{Answer, WorkerBody, WorkerRequest, WorkerResponse};
pub use error::RuntimeError;
pub use fetch::policy::OutboundPolicy;
pub use isolate::{Isolate, Limits, SiteSetup};
pub use pool::{Pool, PoolOptions, VersionKey};
