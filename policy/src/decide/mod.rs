//! `decide`: the one pure function that says whether a principal may open a site's path.

#[cfg(test)]
mod tests;

use std::fmt;

use crate::email::Email;
use crate::model::{AccessMode, AllowList, Role, Site, Workspace};
use crate::path::{check_unambiguous, NormalizedPath, PathCase, PathError};
use crate::principal::{Principal, ServicePrincipal, UserPrincipal};

/// The outcome of one access decision. Not signed in and not allowed are different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let the request through.
    Allow(Allowed),
    /// The request needs an identity: send the visitor to sign in.
    RequireLogin,
    /// The principal is known and may not open this path.
    Deny(DenyReason),
    /// The site has path rules and the path is spelled in a way that backends may read as
    /// another path than the one judged ([`check_unambiguous`]): answer 400.
    BadPath(PathError),
}

/// What allowed a request, and the user's workspace role if any (for identity headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    /// The user's role in the site's workspace, when they are a member.
    pub role: Option<Role>,
    /// Which entry granted access.
    pub grant: Grant,
}

/// Which part of the policy granted access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The path is public.
    Public,
    /// Workspace membership (`workspace_all`) or an admin role (`admins_only`).
    Membership,
    /// A `custom` allow entry: a user email.
    AllowedUser,
    /// A `custom` allow entry: a group.
    AllowedGroup,
    /// A `custom` allow entry: a role.
    AllowedRole,
    /// A `custom` allow entry: an email domain.
    AllowedEmailDomain,
    /// A service token scoped to this site.
    ServiceToken,
}

/// Why a known principal was refused. Displays in plain words for the 403 page and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    /// Not a member of the site's workspace.
    NotAMember,
    /// A member, but the site needs an owner or admin.
    WrongRole,
    /// Not matched by any of the site's allow entries.
    NotOnAllowList,
    /// A service token of another workspace.
    OtherWorkspace,
    /// Signed in through an IdP that is neither the workspace's nor one of the site's.
    IdpNotAccepted,
    /// A service token of this workspace that does not name this site.
    TokenNotScopedToSite,
    /// The decision needed an email, and the IdP did not say it was verified.
    EmailNotVerified,
    /// A service token on a preview, which opens only to signed-in people.
    TokenOnPreview,
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DenyReason::NotAMember => "you are not a member of this site's workspace",
            DenyReason::WrongRole => "this page is for workspace owners and admins only",
            DenyReason::NotOnAllowList => "you are not on this site's list of allowed people",
            DenyReason::OtherWorkspace => "this token belongs to another workspace",
            DenyReason::IdpNotAccepted => {
                "this site does not accept the account you signed in with"
            }
            DenyReason::TokenNotScopedToSite => "this token is not valid for this site",
            DenyReason::EmailNotVerified => "your identity provider has not verified your email",
            DenyReason::TokenOnPreview => {
                "previews open only to signed-in people, never to a token"
            }
        })
    }
}

impl Decision {
    /// True for `Allow`.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow(_))
    }
}

/// Decides whether `principal` may send `method` to `path` on `site`.
///
/// Pure and allocation-free: on a site with path rules, a path that backends may read
/// differently is refused first; then the most specific applicable path rule (or the site's
/// mode) picks the access mode, and the principal is judged against it. When the site's
/// rules ignore case and the rule matched ignoring case is another than the one the exact
/// spelling matches, the request must pass both: `/ADMIN/x` gets `/admin/*`'s mode, yet
/// `/PUBLIC/x` never gets more than a case-sensitive backend's `/PUBLIC/x` would. See
/// docs/rbac.md.
pub fn decide(
    site: &Site,
    principal: Option<&Principal>,
    method: &str,
    path: &NormalizedPath,
) -> Decision {
    if !site.rules.is_empty() {
        if let Err(e) = check_unambiguous(path) {
            return Decision::BadPath(e);
        }
    }
    let exact = site.access_for(method, path, PathCase::Sensitive);
    let judged = decide_mode(site, exact, principal);
    let folded = site.access_for(method, path, site.path_case);
    if std::ptr::eq(exact, folded) || !judged.is_allowed() {
        return judged;
    }
    decide_mode(site, folded, principal)
}

/// Judges a principal against one access mode of `site` (path rules already applied).
pub fn decide_mode(site: &Site, access: &AccessMode, principal: Option<&Principal>) -> Decision {
    let ws = &*site.workspace;
    if let AccessMode::Public = access {
        let role = match principal {
            Some(Principal::User(u)) => ws.role_of(u),
            _ => None,
        };
        return Decision::Allow(Allowed {
            role,
            grant: Grant::Public,
        });
    }
    match principal {
        None => Decision::RequireLogin,
        Some(Principal::Service(s)) => service(site, s),
        Some(Principal::User(u)) => user(site, ws, access, u),
    }
}

fn service(site: &Site, s: &ServicePrincipal) -> Decision {
    if site.preview.is_some() {
        Decision::Deny(DenyReason::TokenOnPreview)
    } else if s.workspace != site.workspace.id {
        Decision::Deny(DenyReason::OtherWorkspace)
    } else if !s.is_scoped_to(&site.workspace.id, &site.name) {
        Decision::Deny(DenyReason::TokenNotScopedToSite)
    } else {
        Decision::Allow(Allowed {
            role: None,
            grant: Grant::ServiceToken,
        })
    }
}

fn user(site: &Site, ws: &Workspace, access: &AccessMode, u: &UserPrincipal) -> Decision {
    if !site.accepts_idp(&u.idp) {
        return Decision::Deny(DenyReason::IdpNotAccepted);
    }
    // Parse the email claim once for the whole decision.
    let email = ws.usable_email(u);
    let role = ws.resolve(u, email).map(|(role, _)| role);
    let allow = |grant| Decision::Allow(Allowed { role, grant });
    match access {
        AccessMode::Public => allow(Grant::Public),
        AccessMode::AdminsOnly => match role {
            Some(r) if r.is_admin() => allow(Grant::Membership),
            Some(_) => Decision::Deny(DenyReason::WrongRole),
            None => Decision::Deny(not_member(ws, u, DenyReason::NotAMember)),
        },
        AccessMode::WorkspaceAll => match role {
            Some(_) => allow(Grant::Membership),
            None => Decision::Deny(not_member(ws, u, DenyReason::NotAMember)),
        },
        AccessMode::Custom(list) => match custom(ws, list, role, u, email) {
            Some(grant) => allow(grant),
            None => Decision::Deny(not_member(ws, u, DenyReason::NotOnAllowList)),
        },
    }
}

/// Which allow entry matches, if any. Roles and groups need workspace membership (the
/// workspace IdP); users and email domains need a usable email from an accepted IdP.
fn custom(
    ws: &Workspace,
    list: &AllowList,
    role: Option<Role>,
    u: &UserPrincipal,
    email: Option<Email<'_>>,
) -> Option<Grant> {
    if let Some(r) = role {
        if list.roles.iter().any(|&min| r >= min) {
            return Some(Grant::AllowedRole);
        }
    }
    if list.groups.iter().any(|&(_, g)| ws.in_group(u, email, g)) {
        return Some(Grant::AllowedGroup);
    }
    email?.with_lowercase(|lower, domain| {
        if list
            .users
            .binary_search_by(|x| x.as_str().cmp(lower))
            .is_ok()
        {
            Some(Grant::AllowedUser)
        } else if list.email_domains.iter().any(|d| d == domain) {
            Some(Grant::AllowedEmailDomain)
        } else {
            None
        }
    })
}

/// Refines a denial: an email that was present but not verified is the likelier cause.
fn not_member(ws: &Workspace, u: &UserPrincipal, otherwise: DenyReason) -> DenyReason {
    if u.email.is_some() && !u.email_verified && !ws.trusts_email(&u.idp) {
        DenyReason::EmailNotVerified
    } else {
        otherwise
    }
}
