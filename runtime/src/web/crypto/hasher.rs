//! An incremental digest, the native state behind `crypto.DigestStream` and node's
//! `createHash`: bytes go in as the stream is written, the digest comes out when it closes.

use md5::Digest;
use ring::digest::Context;
use rquickjs::class::Trace;
use rquickjs::{ArrayBuffer, Class, Ctx, Exception, JsLifetime, Result, Value};

use super::digest::Hash;
use crate::buffer_source::copy_of;

/// A digest in progress.
#[derive(Clone)]
enum State {
    Ring(Context),
    Md5(md5::Md5),
}

/// The native object `crypto.js` feeds a `DigestStream`'s chunks to.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct Hasher {
    /// `None` once finished.
    #[qjs(skip_trace)]
    state: Option<State>,
}

impl Hasher {
    /// A fresh digest with `hash`.
    pub fn new(hash: Hash) -> Hasher {
        let state = match hash.ring() {
            Some(algorithm) => State::Ring(Context::new(algorithm)),
            None => State::Md5(md5::Md5::new()),
        };
        Hasher { state: Some(state) }
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl Hasher {
    /// Adds the bytes of a `BufferSource`.
    pub fn update<'js>(&mut self, ctx: Ctx<'js>, data: Value<'js>) -> Result<()> {
        let data = copy_of(&ctx, &data)?
            .ok_or_else(|| Exception::throw_type(&ctx, "not a BufferSource"))?;
        match &mut self.state {
            Some(State::Ring(context)) => context.update(&data),
            Some(State::Md5(md5)) => md5.update(&data),
            None => return Err(Exception::throw_type(&ctx, "the digest is finished")),
        }
        Ok(())
    }

    /// A digest that has had the same bytes added and goes on apart (node's `hash.copy()`).
    pub fn copy<'js>(&self, ctx: Ctx<'js>) -> Result<Class<'js, Hasher>> {
        match &self.state {
            Some(state) => Class::instance(
                ctx,
                Hasher {
                    state: Some(state.clone()),
                },
            ),
            None => Err(Exception::throw_type(&ctx, "the digest is finished")),
        }
    }

    /// The digest of everything added.
    pub fn finish<'js>(&mut self, ctx: Ctx<'js>) -> Result<ArrayBuffer<'js>> {
        let digest = match self.state.take() {
            Some(State::Ring(context)) => context.finish().as_ref().to_vec(),
            Some(State::Md5(md5)) => md5.finalize().to_vec(),
            None => return Err(Exception::throw_type(&ctx, "the digest is finished")),
        };
        ArrayBuffer::new(ctx, digest)
    }
}
