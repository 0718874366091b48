use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse()
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

#[test]
fn sec_22_signin_rate_limited_per_client_address() {
    let limiter = RateLimiter::new(3, 60, 100);
    let t0 = Instant::now();
    for _ in 0..3 {
        assert!(limiter.check(ip("198.51.100.7"), t0).is_ok());
    }
    let err = limiter
        .check(ip("198.51.100.7"), t0)
        .expect_err("over the burst");
    assert!(
        matches!(
            err,
            AuthError::RateLimited {
                retry_after_secs: 1
            }
        ),
        "{err:?}"
    );
    assert!(
        limiter.check(ip("198.51.100.8"), t0).is_ok(),
        "other clients unaffected"
    );
}

#[test]
fn tokens_refill_over_time() {
    let limiter = RateLimiter::new(2, 6, 100); // one token per 10 s
    let t0 = Instant::now();
    let a = ip("192.0.2.1");
    assert!(limiter.check(a, t0).is_ok());
    assert!(limiter.check(a, t0).is_ok());
    let err = limiter
        .check(a, t0 + Duration::from_secs(5))
        .expect_err("not yet");
    assert!(
        matches!(
            err,
            AuthError::RateLimited {
                retry_after_secs: 5
            }
        ),
        "{err:?}"
    );
    assert!(limiter.check(a, t0 + Duration::from_secs(10)).is_ok());
    assert!(limiter.check(a, t0 + Duration::from_secs(10)).is_err());
    // Never more than the burst, however long the pause.
    let later = t0 + Duration::from_secs(3600);
    assert!(limiter.check(a, later).is_ok());
    assert!(limiter.check(a, later).is_ok());
    assert!(limiter.check(a, later).is_err());
}

#[test]
fn sec_22_ipv6_clients_counted_by_their_64() {
    let limiter = RateLimiter::new(1, 1, 100);
    let t0 = Instant::now();
    assert!(limiter.check(ip("2001:db8:1:2::1"), t0).is_ok());
    assert!(
        limiter.check(ip("2001:db8:1:2:ffff::9"), t0).is_err(),
        "same /64"
    );
    assert!(
        limiter.check(ip("2001:db8:1:3::1"), t0).is_ok(),
        "another /64"
    );
    assert!(limiter.check(ip("::ffff:192.0.2.1"), t0).is_ok());
    assert!(
        limiter.check(ip("192.0.2.1"), t0).is_err(),
        "mapped IPv4 is the same client"
    );
}

#[test]
fn table_is_bounded_and_swept() {
    let limiter = RateLimiter::new(1, 60, 2);
    let t0 = Instant::now();
    assert!(limiter.check(ip("192.0.2.1"), t0).is_ok());
    assert!(limiter.check(ip("192.0.2.2"), t0).is_ok());
    assert!(
        limiter.check(ip("192.0.2.3"), t0).is_err(),
        "full of active clients"
    );
    let later = t0 + Duration::from_secs(2);
    assert!(
        limiter.check(ip("192.0.2.3"), later).is_ok(),
        "refilled buckets swept"
    );
    assert_eq!(limiter.buckets.len(), 1);
    assert_eq!(limiter.sweep(later + Duration::from_secs(2)), 1);
    assert!(limiter.buckets.is_empty());
}

#[test]
fn clock_going_backwards_does_not_mint_tokens() {
    let limiter = RateLimiter::new(1, 60, 10);
    let t0 = Instant::now() + Duration::from_secs(100);
    let a = ip("192.0.2.1");
    assert!(limiter.check(a, t0).is_ok());
    assert!(limiter.check(a, t0 - Duration::from_secs(50)).is_err());
    assert!(limiter.check(a, t0).is_err());
}
