//! Previews: a saved, unpublished version of a site opened at `<version>--<label>.<parent>`
//! for each of the site's hosts `<label>.<parent>`, by the workspace's owners and admins and
//! the person who saved it only, signed in — whatever the site's own access mode and path
//! rules say, and never with a service token (`decide` refuses those on a preview).

use super::{AccessMode, AllowList, Role, Site};

/// The separator between a version id and the site host's first label.
const SEPARATOR: &str = "--";

/// The preview host of `version` for site host `host`.
pub fn preview_host(version: &str, host: &str) -> String {
    format!("{version}{SEPARATOR}{host}")
}

/// The version id and site host a preview host names, if it has that shape: a version id of
/// lower-case hex digits, the separator, then a host.
pub fn parse_preview_host(host: &str) -> Option<(&str, &str)> {
    let (version, site_host) = host.split_once(SEPARATOR)?;
    let is_id = !version.is_empty()
        && version.len() <= 32
        && version
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (is_id && site_host.contains('.')).then_some((version, site_host))
}

impl Site {
    /// The preview of this site's saved `version`: its hosts the preview hosts, open to the
    /// workspace's owners and admins and to `saved_by` (an email) if given, with no path rules.
    pub fn preview(&self, version: &str, saved_by: Option<&str>) -> Site {
        let mut users: Vec<String> = saved_by
            .filter(|e| e.contains('@'))
            .map(|e| e.to_ascii_lowercase())
            .into_iter()
            .collect();
        users.sort();
        let allow = AllowList {
            users,
            groups: Vec::new(),
            roles: vec![Role::Owner, Role::Admin],
            email_domains: Vec::new(),
        };
        Site {
            hosts: self
                .hosts
                .iter()
                .map(|h| preview_host(version, h))
                .collect(),
            access: AccessMode::Custom(allow),
            rules: Vec::new(),
            preview: Some(version.to_string()),
            ..self.clone()
        }
    }

    /// How the sign-in host names this site in its links: `workspace/site`, or
    /// `workspace/site@version` for a preview.
    pub fn signin_key(&self) -> String {
        match &self.preview {
            Some(version) => format!("{}@{version}", self.id),
            None => self.id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_hosts_round_trip_and_other_hosts_are_not_previews() {
        let host = preview_host("3fa09c1b2d4e", "app.acme.example.com");
        assert_eq!(host, "3fa09c1b2d4e--app.acme.example.com");
        assert_eq!(
            parse_preview_host(&host),
            Some(("3fa09c1b2d4e", "app.acme.example.com"))
        );
        for other in [
            "my--app.acme.example.com",
            "--app.acme.example.com",
            "3fa0--localhost",
            "app.acme.example.com",
        ] {
            assert_eq!(parse_preview_host(other), None, "{other}");
        }
    }
}
