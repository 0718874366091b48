//! Who is asking: a signed-in user or a service token, as the gateway resolved them.

/// The identity behind one request, built by the gateway from a session or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A person who signed in through an OpenID Connect provider.
    User(UserPrincipal),
    /// A service token (API key) issued by a workspace for some of its sites.
    Service(ServicePrincipal),
}

/// A person signed in through an IdP. Nothing here is trusted blindly: the email counts only
/// when verified (or the IdP is trusted for email) and when it parses strictly. The gateway
/// seals it into its session cookies as JSON with these field names.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct UserPrincipal {
    /// Name (in sitegate.toml) of the IdP the person signed in with.
    pub idp: String,
    /// The ID token's `iss`.
    pub issuer: String,
    /// The ID token's `sub`.
    pub subject: String,
    /// The `email` claim, as sent.
    pub email: Option<String>,
    /// The `email_verified` claim.
    pub email_verified: bool,
    /// The `name` claim.
    pub name: Option<String>,
    /// The `groups` claim, as sent.
    pub idp_groups: Vec<String>,
}

/// A service token: scoped to one workspace and the sites named on it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServicePrincipal {
    /// The workspace that issued the token.
    pub workspace: String,
    /// Site names (in that workspace) the token may open.
    pub sites: Vec<String>,
    /// The token's public id, for logs and headers.
    pub token_id: String,
}

impl ServicePrincipal {
    /// True when the token names `site` of `workspace`.
    pub fn is_scoped_to(&self, workspace: &str, site: &str) -> bool {
        self.workspace == workspace && self.sites.iter().any(|s| s == site)
    }
}
