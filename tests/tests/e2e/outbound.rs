//! Worker sites' outbound `fetch` under their `[sites.NAME.outbound]` policy, through the real
//! gateway against a local upstream (`sec_19_*`: a worker reaches only what its own site
//! allows): private addresses refused unless listed, hosts outside the list refused, every
//! redirect hop checked, and no pooled connection shared with a site of another policy.

use e2e::{Gateway, Upstream};

use crate::support::host;
use crate::workers::workers_with;

/// Fetches the `url` query parameter and answers with the status and body, or with the
/// error's class and message (status 502).
const FETCHER: &str = r#"
export default {
  async fetch(request) {
    const target = new URL(request.url).searchParams.get("url");
    try {
      const response = await fetch(target);
      return new Response(`${response.status} ${await response.text()}`);
    } catch (e) {
      return new Response(`${e.constructor.name}: ${e.message}`, { status: 502 });
    }
  },
};
"#;

/// What site `site` of `gw` answers when asked to fetch `url`: status and body.
async fn fetched(gw: &e2e::Gateway, site: &str, url: &str) -> (u16, String) {
    let path = format!("/?url={}", percent(url));
    let resp = gw.client().get(&host(site), &path).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn refused(url: &str, reason: &str) -> String {
    format!("TypeError: Fetch API cannot load {url}: {reason}.")
}

const POLICY: &str = "this site's outbound policy";

#[tokio::test]
async fn sec_19_a_worker_cannot_reach_a_private_upstream_by_default() {
    let upstream = Upstream::start().await;
    let gw = workers_with(&[("fetcher", "public", FETCHER)], &[]).start();
    let url = format!("{}/x", upstream.url());
    assert_eq!(
        fetched(&gw, "fetcher", &url).await,
        (
            502,
            refused(
                &url,
                &format!("private address 127.0.0.1 is not allowed by {POLICY}")
            )
        )
    );
    let by_name = format!("http://localhost:{}/x", upstream.addr.port());
    let (status, body) = fetched(&gw, "fetcher", &by_name).await;
    assert_eq!(
        (status, body.as_str()),
        (
            502,
            refused(
                &by_name,
                &format!("localhost resolves to a private address, which {POLICY} does not allow")
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn sec_19_only_the_site_listing_a_private_network_reaches_it_even_over_a_pooled_connection() {
    let upstream = Upstream::start().await;
    let gw = workers_with(
        &[
            ("inside", "public", FETCHER),
            ("outside", "public", FETCHER),
        ],
        &[("inside", "outbound = { private = [\"127.0.0.1/32\"] }")],
    )
    .start();
    let url = format!("{}/by-address", upstream.url());
    let (status, body) = fetched(&gw, "inside", &url).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.starts_with("200 {") && body.contains("/by-address"),
        "{body}"
    );
    // `inside` leaves a kept-alive connection to localhost:<port>; `outside` must not get it.
    let by_name = format!("http://localhost:{}/by-name", upstream.addr.port());
    let (status, body) = fetched(&gw, "inside", &by_name).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("/by-name"), "{body}");
    assert_eq!(
        fetched(&gw, "outside", &by_name).await,
        (
            502,
            refused(
                &by_name,
                &format!("localhost resolves to a private address, which {POLICY} does not allow")
            )
        )
    );
    assert_eq!(
        fetched(&gw, "outside", &url).await,
        (
            502,
            refused(
                &url,
                &format!("private address 127.0.0.1 is not allowed by {POLICY}")
            )
        )
    );
}

/// A gateway whose worker site `pinned` may fetch from 127.0.0.1 only, by address.
fn pinned_to_loopback() -> Gateway {
    workers_with(
        &[("pinned", "public", FETCHER)],
        &[(
            "pinned",
            "outbound = { hosts = [\"127.0.0.1\"], private = [\"127.0.0.1/32\"] }",
        )],
    )
    .start()
}

#[tokio::test]
async fn sec_19_a_host_outside_the_sites_hosts_is_refused() {
    let upstream = Upstream::start().await;
    let gw = pinned_to_loopback();
    let (status, body) = fetched(&gw, "pinned", &format!("{}/listed", upstream.url())).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("/listed"), "{body}");
    let by_name = format!("http://localhost:{}/unlisted", upstream.addr.port());
    assert_eq!(
        fetched(&gw, "pinned", &by_name).await,
        (
            502,
            refused(
                &by_name,
                &format!("host localhost is not allowed by {POLICY}")
            )
        )
    );
}

#[tokio::test]
async fn sec_19_a_redirect_from_an_allowed_host_to_a_refused_one_is_refused() {
    let upstream = Upstream::start().await;
    let gw = pinned_to_loopback();
    let redirect = |to: &str| format!("{}/redirect?to={}", upstream.url(), percent(to));
    let allowed = format!("{}/landed", upstream.url());
    let (status, body) = fetched(&gw, "pinned", &redirect(&allowed)).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("/landed"),
        "a redirect to an allowed host is followed: {body}"
    );
    let by_name = format!("http://localhost:{}/landed", upstream.addr.port());
    assert_eq!(
        fetched(&gw, "pinned", &redirect(&by_name)).await,
        (
            502,
            refused(
                &by_name,
                &format!("host localhost is not allowed by {POLICY}")
            )
        )
    );
}

/// Asks `site` to fetch `url` until it answers `status`, for at most 15 seconds.
async fn wait_for_fetch(gw: &e2e::Gateway, site: &str, url: &str, status: u16) -> String {
    let start = std::time::Instant::now();
    loop {
        let (got, body) = fetched(gw, site, url).await;
        if got == status {
            return body;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "{site} never answered {status}; last: {got} {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn sec_19_a_changed_outbound_policy_applies_from_the_next_reload() {
    let upstream = Upstream::start().await;
    let gw = workers_with(&[("fetcher", "public", FETCHER)], &[]).start();
    let url = format!("{}/x", upstream.url());
    assert_eq!(fetched(&gw, "fetcher", &url).await.0, 502);
    let rbac = gw.dir().join("rbac/acme.toml");
    let before = std::fs::read_to_string(&rbac).unwrap();
    let opened = format!("{before}\n[sites.fetcher.outbound]\nprivate = [\"127.0.0.1/32\"]\n");
    std::fs::write(&rbac, opened).unwrap();
    gw.signal(libc::SIGHUP);
    let body = wait_for_fetch(&gw, "fetcher", &url, 200).await;
    assert!(body.contains("\"path\":\"/x\""), "{body}");
    std::fs::write(&rbac, before).unwrap();
    gw.signal(libc::SIGHUP);
    let body = wait_for_fetch(&gw, "fetcher", &url, 502).await;
    assert_eq!(
        body,
        refused(
            &url,
            &format!("private address 127.0.0.1 is not allowed by {POLICY}")
        )
    );
}
