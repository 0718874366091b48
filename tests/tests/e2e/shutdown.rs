//! Shutdown: SIGTERM lets requests in flight finish; a second signal stops at once.

use std::time::{Duration, Instant};

use e2e::Upstream;

use crate::support::{acme, host};

#[tokio::test]
async fn sigterm_drains_requests_in_flight() {
    let upstream = Upstream::start().await;
    let mut gw = acme(&upstream).grace_period("3s").start();
    let client = gw.client();
    let url = client.url(&host("app"), "/slow?ms=700");
    let in_flight =
        tokio::spawn(async move { client.http.get(url).send().await.map(|r| r.status()) });
    tokio::time::sleep(Duration::from_millis(200)).await;
    gw.signal(libc::SIGTERM);
    let status = in_flight
        .await
        .unwrap()
        .expect("the request in flight completes");
    assert_eq!(status, 200);
    let exit = gw
        .wait_exit(Duration::from_secs(15))
        .expect("the gateway exits after the grace period");
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let upstream = Upstream::start().await;
    // A long grace period: only the second signal can end it quickly.
    let mut gw = acme(&upstream).grace_period("60s").start();
    gw.signal(libc::SIGTERM);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start = Instant::now();
    gw.signal(libc::SIGTERM);
    let exit = gw.wait_exit(Duration::from_secs(5));
    assert!(
        exit.is_some(),
        "a second SIGTERM must stop the gateway at once"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}
