//! Versions of sites on disk: a project directory (or an uploaded archive of one) taken as a
//! tree within the configured limits (`tree`, `archive`), and the store of each site's
//! immutable versions under their content ids with its record of which one is production
//! (`store`). Publishing and rolling back, with their checks and audit, are
//! [`crate::deployer`]'s.

pub mod archive;
pub mod store;
pub mod tree;

#[cfg(test)]
mod tests;

pub use store::{DeployError, DeployStore, SiteDeploys, Staging, VersionMeta};
pub use tree::{TreeLimits, TreeSize};
