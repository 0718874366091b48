//! The public `https://` origin of a hostname: what links, redirects, worker request URLs and
//! assertion audiences name the gateway's sites and sign-in host by.

/// `https://host`, with `:port` unless it is 443.
pub fn https(host: &str, port: u16) -> String {
    if port == 443 {
        format!("https://{host}")
    } else {
        format!("https://{host}:{port}")
    }
}
