use std::time::Duration;

use pingora_core::protocols::l4::stream::Stream as L4Stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{DeadlineStream, Phase};

const LIMIT: Duration = Duration::from_millis(300);

/// A connected pair: the client's end, and the server's end with a head deadline of `LIMIT`.
async fn pair() -> (TcpStream, DeadlineStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    let server = DeadlineStream::new(Box::new(L4Stream::from(server)), LIMIT);
    (client, server)
}

/// Sends one byte every 50 ms, as a slow client does, for `total` bytes.
fn trickle(mut client: TcpStream, total: usize) -> tokio::task::JoinHandle<TcpStream> {
    tokio::spawn(async move {
        for _ in 0..total {
            if client.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        client
    })
}

/// Reads until `want` bytes arrived or a read fails; the bytes read and the error, if any.
async fn read_up_to(server: &mut DeadlineStream, want: usize) -> (usize, Option<std::io::Error>) {
    let mut got = 0;
    let mut buf = [0u8; 64];
    while got < want {
        match server.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

#[tokio::test]
async fn sec_28_a_head_trickled_past_the_deadline_fails_the_read() {
    let (client, mut server) = pair().await;
    let _client = trickle(client, 40);
    let started = tokio::time::Instant::now();
    let (got, error) = read_up_to(&mut server, 40).await;
    assert_eq!(
        error.map(|e| e.kind()),
        Some(std::io::ErrorKind::TimedOut),
        "read {got} bytes"
    );
    assert!(got < 40);
    assert!(started.elapsed() < LIMIT * 2);
}

#[tokio::test]
async fn sec_28_the_deadline_fires_even_when_the_client_goes_quiet() {
    let (_client, mut server) = pair().await;
    let read = tokio::time::timeout(LIMIT * 3, read_up_to(&mut server, 1)).await;
    let (_, error) = read.expect("the read should fail at the deadline, not hang");
    assert_eq!(error.map(|e| e.kind()), Some(std::io::ErrorKind::TimedOut));
}

#[tokio::test]
async fn sec_28_a_served_request_reads_at_its_own_pace() {
    let (client, mut server) = pair().await;
    server.set(Phase::Served);
    let _client = trickle(client, 12);
    assert_eq!(read_up_to(&mut server, 12).await.0, 12);
}

#[tokio::test]
async fn sec_28_between_requests_the_clock_starts_at_the_first_byte() {
    let (client, mut server) = pair().await;
    server.set(Phase::Idle);
    tokio::time::sleep(LIMIT * 2).await;
    let client = trickle(client, 2).await.unwrap();
    let (got, error) = read_up_to(&mut server, 2).await;
    assert!(
        got == 2 && error.is_none(),
        "the idle wait does not count: {error:?}"
    );
    let _client = trickle(client, 40);
    let (_, error) = read_up_to(&mut server, 40).await;
    assert_eq!(error.map(|e| e.kind()), Some(std::io::ErrorKind::TimedOut));
}
