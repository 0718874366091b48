//! A deadline for reading each HTTP/1 request head (`limits.header_read_timeout`). pingora only
//! times out each read of a head separately, so a client sending one byte every few seconds
//! could hold a connection for ever and then be served. [`App`] wraps the sites' pingora app and
//! puts each HTTP/1 connection's stream in a [`DeadlineStream`], whose reads fail once a head
//! has taken too long; pingora then closes the connection. The clock runs from the connection's
//! start for its first request and from the first byte of each later one; `request_filter`
//! stops it ([`head_read`]) and `logging` sets it for the next request ([`next_request`]).
//! HTTP/2 connections are left alone: the `h2` crate reads their frames.

#[cfg(test)]
mod tests;

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use pingora_core::apps::ServerApp;
use pingora_core::protocols::raw_connect::ProxyDigest;
use pingora_core::protocols::tls::{SslDigest, TlsRef};
use pingora_core::protocols::{
    GetProxyDigest, GetSocketDigest, GetTimingDigest, Peek, Shutdown, SocketDigest, Ssl, Stream,
    TimingDigest, UniqueID, UniqueIDType, ALPN, IO,
};
use pingora_core::server::ShutdownWatch;
use pingora_proxy::Session;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use crate::snapshot::Store;

/// A pingora app whose HTTP/1 connections get a request-head deadline.
pub struct App<A> {
    inner: Arc<A>,
    store: Arc<Store>,
}

impl<A> App<A> {
    /// Wraps `inner`; each new connection takes its deadline from `store`'s current limits.
    pub fn new(inner: A, store: Arc<Store>) -> Self {
        App {
            inner: Arc::new(inner),
            store,
        }
    }
}

#[async_trait]
impl<A: ServerApp + Send + Sync + 'static> ServerApp for App<A> {
    async fn process_new(
        self: &Arc<Self>,
        stream: Stream,
        shutdown: &ShutdownWatch,
    ) -> Option<Stream> {
        let stream: Stream = match stream.selected_alpn_proto() {
            Some(ALPN::H2) => stream,
            _ => {
                let limit = self.store.load().config.limits.header_read_timeout;
                Box::new(DeadlineStream::new(stream, limit))
            }
        };
        self.inner.process_new(stream, shutdown).await
    }

    async fn cleanup(&self) {
        self.inner.cleanup().await
    }
}

/// Stops the clock: `session`'s request head has been read.
pub fn head_read(session: &Session) {
    if let Some(stream) = deadline_stream(session) {
        stream.set(Phase::Served);
    }
}

/// Sets the clock for the next request on `session`'s connection, to start at its first byte.
pub fn next_request(session: &Session) {
    if let Some(stream) = deadline_stream(session) {
        stream.set(Phase::Idle);
    }
}

fn deadline_stream(session: &Session) -> Option<&DeadlineStream> {
    let stream: &dyn IO = session.as_downstream().stream()?.as_ref();
    stream.as_any().downcast_ref()
}

/// Where a connection is in its current request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between requests: the clock starts at the next byte.
    Idle,
    /// Reading a head, which must be complete by this instant.
    Head(Instant),
    /// The head is read: the body, the response or a WebSocket go at their own pace.
    Served,
}

/// A connection's stream whose reads fail with `TimedOut` once a request head is overdue.
#[derive(Debug)]
pub struct DeadlineStream {
    inner: Stream,
    limit: Duration,
    phase: Mutex<Phase>,
    timer: Pin<Box<Sleep>>,
}

impl DeadlineStream {
    /// `inner`, whose first request head must be read within `limit` from now.
    pub fn new(inner: Stream, limit: Duration) -> Self {
        let deadline = Instant::now() + limit;
        DeadlineStream {
            inner,
            limit,
            phase: Mutex::new(Phase::Head(deadline)),
            timer: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().unwrap_or_else(PoisonError::into_inner) = phase;
    }
}

impl AsyncRead for DeadlineStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let phase = this.phase.get_mut().unwrap_or_else(PoisonError::into_inner);
        match *phase {
            Phase::Served => Pin::new(&mut this.inner).poll_read(cx, buf),
            Phase::Head(deadline) => {
                if this.timer.deadline() != deadline {
                    this.timer.as_mut().reset(deadline);
                }
                if this.timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "request head not read within limits.header_read_timeout",
                    )));
                }
                Pin::new(&mut this.inner).poll_read(cx, buf)
            }
            Phase::Idle => {
                let before = buf.filled().len();
                let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
                if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
                    *phase = Phase::Head(Instant::now() + this.limit);
                }
                polled
            }
        }
    }
}

impl AsyncWrite for DeadlineStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

// The rest is the inner stream's, unchanged: TLS details (the recorded SNI), digests, peeking.

#[async_trait]
impl Shutdown for DeadlineStream {
    async fn shutdown(&mut self) {
        self.inner.shutdown().await
    }
}

impl UniqueID for DeadlineStream {
    fn id(&self) -> UniqueIDType {
        self.inner.id()
    }
}

impl Ssl for DeadlineStream {
    fn get_ssl(&self) -> Option<&TlsRef> {
        self.inner.get_ssl()
    }

    fn get_ssl_digest(&self) -> Option<Arc<SslDigest>> {
        self.inner.get_ssl_digest()
    }

    fn selected_alpn_proto(&self) -> Option<ALPN> {
        self.inner.selected_alpn_proto()
    }
}

impl GetTimingDigest for DeadlineStream {
    fn get_timing_digest(&self) -> Vec<Option<TimingDigest>> {
        self.inner.get_timing_digest()
    }

    fn get_read_pending_time(&self) -> Duration {
        self.inner.get_read_pending_time()
    }

    fn get_write_pending_time(&self) -> Duration {
        self.inner.get_write_pending_time()
    }
}

impl GetProxyDigest for DeadlineStream {
    fn get_proxy_digest(&self) -> Option<Arc<ProxyDigest>> {
        self.inner.get_proxy_digest()
    }

    fn set_proxy_digest(&mut self, digest: ProxyDigest) {
        self.inner.set_proxy_digest(digest)
    }
}

impl GetSocketDigest for DeadlineStream {
    fn get_socket_digest(&self) -> Option<Arc<SocketDigest>> {
        self.inner.get_socket_digest()
    }

    fn set_socket_digest(&mut self, digest: SocketDigest) {
        self.inner.set_socket_digest(digest)
    }
}

#[async_trait]
impl Peek for DeadlineStream {
    async fn try_peek(&mut self, buf: &mut [u8]) -> io::Result<bool> {
        self.inner.try_peek(buf).await
    }
}
