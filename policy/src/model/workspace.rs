//! `Workspace`: members, groups and how a signed-in user resolves to a role and groups.

use std::collections::HashMap;
use std::sync::Arc;

use super::Role;
use crate::email::Email;
use crate::principal::UserPrincipal;

/// A named set of members: explicit emails and mapped IdP `groups` claim values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's name in the file.
    pub name: String,
    /// Member emails, lower case.
    pub members: Vec<String>,
    /// IdP `groups` claim values mapped to this group (case-sensitive).
    pub idp_groups: Vec<String>,
}

/// How a user became a member of a workspace (the strongest source is reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberSource {
    /// Listed under `[members]`.
    Explicit,
    /// Listed in a group's `members`.
    Group,
    /// A verified email in one of the workspace's `email_domains`.
    EmailDomain,
    /// An IdP group claim mapped to one of the workspace's groups.
    IdpGroup,
}

/// A user's standing in a workspace, for headers: role and group names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership<'a> {
    /// The member's role.
    pub role: Role,
    /// Why they are a member.
    pub source: MemberSource,
    /// Their groups (explicit ∪ mapped from IdP groups), in file order.
    pub groups: Vec<&'a str>,
}

/// A tenant: its IdP, members, groups and deploy roles. Sites point at their workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Unique id (`acme`), also the middle label of default hostnames.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Name of the IdP (in sitegate.toml) members sign in with.
    pub idp: String,
    /// Domains whose verified users are members (role `member`), lower case.
    pub email_domains: Vec<String>,
    /// Roles that may create and deploy sites.
    pub deploy_roles: Vec<Role>,
    pub(crate) members: HashMap<String, Role>,
    pub(crate) groups: Vec<Group>,
    pub(crate) group_index: HashMap<String, usize>,
    /// email → indices of the groups that list it.
    pub(crate) member_groups: HashMap<String, Vec<usize>>,
    /// IdP group claim → indices of the groups it maps to.
    pub(crate) idp_group_map: HashMap<String, Vec<usize>>,
    pub(crate) email_trusted_idps: Arc<[String]>,
    /// The RBAC file that declares it (where the console writes changes back).
    pub file: std::path::PathBuf,
}

impl Workspace {
    /// The role listed for `email` under `[members]` (any case), if any.
    pub fn member_role(&self, email: &str) -> Option<Role> {
        let e = Email::parse(email).ok()?;
        e.with_lowercase(|lower, _| self.members.get(lower).copied())
    }

    /// Explicit members and their roles, in no particular order.
    pub fn members(&self) -> impl Iterator<Item = (&str, Role)> {
        self.members.iter().map(|(e, r)| (e.as_str(), *r))
    }

    /// The workspace's groups, in file order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// A group by name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.group_index.get(name).and_then(|&i| self.groups.get(i))
    }

    /// True when the email claim of `p` counts: present, verified (or the IdP is trusted
    /// for email), and strictly parsed. Returns the parsed address.
    pub fn usable_email<'p>(&self, p: &'p UserPrincipal) -> Option<Email<'p>> {
        let raw = p.email.as_deref()?;
        if !p.email_verified && !self.trusts_email(&p.idp) {
            return None;
        }
        Email::parse(raw).ok()
    }

    /// True when `idp` is trusted for email: its email claims count without `email_verified`.
    pub fn trusts_email(&self, idp: &str) -> bool {
        self.email_trusted_idps.iter().any(|i| i == idp)
    }

    /// The user's role in this workspace, without allocating. `None` unless they signed in
    /// through the workspace's own IdP and are a member: listed under `[members]` (that
    /// role), or in a group, or with a usable email in `email_domains`, or holding a mapped
    /// IdP group (role `member`).
    pub fn role_of(&self, p: &UserPrincipal) -> Option<Role> {
        self.resolve(p, self.usable_email(p)).map(|(role, _)| role)
    }

    /// True when the user belongs to the group at `index` (explicitly or through an IdP
    /// group), having signed in through the workspace's IdP.
    /// `email` is `self.usable_email(p)`, parsed once by the caller.
    pub(crate) fn in_group(
        &self,
        p: &UserPrincipal,
        email: Option<Email<'_>>,
        index: usize,
    ) -> bool {
        if p.idp != self.idp {
            return false;
        }
        let explicit = email.is_some_and(|e| {
            e.with_lowercase(|lower, _| {
                self.member_groups
                    .get(lower)
                    .is_some_and(|gs| gs.contains(&index))
            })
        });
        explicit
            || p.idp_groups.iter().any(|g| {
                self.idp_group_map
                    .get(g)
                    .is_some_and(|gs| gs.contains(&index))
            })
    }

    /// Role, source and groups of a user in this workspace (for identity headers).
    pub fn membership(&self, p: &UserPrincipal) -> Option<Membership<'_>> {
        let email = self.usable_email(p);
        let (role, source) = self.resolve(p, email)?;
        let groups = (0..self.groups.len())
            .filter(|&i| self.in_group(p, email, i))
            .filter_map(|i| self.groups.get(i).map(|g| g.name.as_str()))
            .collect();
        Some(Membership {
            role,
            source,
            groups,
        })
    }

    /// True when the user's role is one of `deploy_roles`.
    pub fn may_deploy(&self, p: &UserPrincipal) -> bool {
        self.role_of(p)
            .is_some_and(|r| self.deploy_roles.contains(&r))
    }

    /// Role and source of a user; `email` is `self.usable_email(p)`, parsed once by the caller.
    pub(crate) fn resolve(
        &self,
        p: &UserPrincipal,
        email: Option<Email<'_>>,
    ) -> Option<(Role, MemberSource)> {
        if p.idp != self.idp {
            return None;
        }
        if let Some(email) = email {
            let found = email.with_lowercase(|lower, domain| {
                if let Some(role) = self.members.get(lower) {
                    Some((*role, MemberSource::Explicit))
                } else if self.member_groups.contains_key(lower) {
                    Some((Role::Member, MemberSource::Group))
                } else if self.email_domains.iter().any(|d| d == domain) {
                    Some((Role::Member, MemberSource::EmailDomain))
                } else {
                    None
                }
            });
            if found.is_some() {
                return found;
            }
        }
        p.idp_groups
            .iter()
            .any(|g| self.idp_group_map.contains_key(g))
            .then_some((Role::Member, MemberSource::IdpGroup))
    }
}
