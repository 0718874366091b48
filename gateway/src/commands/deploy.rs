//! `sitegate deploy`, `versions`, `promote` and `rollback` working directly on the state
//! directory that the config names (a running gateway picks the change up by itself).

use std::path::Path;

use crate::audit::Actor;
use crate::deploy::{Deployed, Deployer, SiteDeploys};
use crate::snapshot::ConfigSource;

/// What the version verbs act on.
pub struct Offline {
    deployer: Deployer,
}

impl Offline {
    /// The deployer of the config's state directory, for worker site `site`.
    pub fn open(source: &ConfigSource, site: &str) -> anyhow::Result<Offline> {
        let snapshot = source.load()?;
        super::worker_site(&snapshot, site)?;
        Ok(Offline {
            deployer: Deployer::new(&snapshot.config.state_dir, snapshot.config.deploy),
        })
    }

    /// `sitegate deploy <dir> --site <site> [--save]`.
    pub fn deploy(&self, site: &str, dir: &Path, save: bool) -> anyhow::Result<()> {
        if !dir.is_dir() {
            anyhow::bail!("{}: not a directory", dir.display());
        }
        let deployed = self.deployer.deploy_dir(site, dir, save, &Actor::local())?;
        report(site, &deployed);
        Ok(())
    }

    /// `sitegate versions <site>`.
    pub fn versions(&self, site: &str) -> anyhow::Result<()> {
        print!("{}", listing(&self.deployer.store().read(site)?));
        Ok(())
    }

    /// `sitegate promote <site> <version>`.
    pub fn promote(&self, site: &str, version: &str) -> anyhow::Result<()> {
        let migrations = self.deployer.promote(site, version, &Actor::local())?;
        print_migrations(&migrations);
        eprintln!("{site}: version {version} is live.");
        Ok(())
    }

    /// `sitegate rollback <site>`.
    pub fn rollback(&self, site: &str) -> anyhow::Result<()> {
        let version = self.deployer.rollback(site, &Actor::local())?;
        eprintln!("{site}: rolled back; version {version} is live.");
        Ok(())
    }
}

/// Tells what a deploy did; the version id alone goes to standard output, for scripts.
pub fn report(site: &str, deployed: &Deployed) {
    let v = &deployed.version;
    print_migrations(&deployed.migrations);
    if deployed.published {
        eprintln!(
            "{site}: version {} ({} files, {} bytes) is live.",
            v.id, v.files, v.bytes
        );
    } else {
        eprintln!(
            "{site}: version {} ({} files, {} bytes) saved; publish it with `sitegate promote {site} {}`.",
            v.id, v.files, v.bytes, v.id
        );
    }
    for id in &deployed.pruned {
        eprintln!("{site}: old version {id} deleted (deploy.keep_versions).");
    }
    println!("{}", v.id);
}

fn print_migrations(migrations: &[String]) {
    for name in migrations {
        eprintln!("migration applied: {name}");
    }
}

/// The versions of a site as a table, newest first: id, state, saved, by, size, source.
pub fn listing(record: &SiteDeploys) -> String {
    let mut out = String::from("VERSION\tSTATE\tSAVED\tBY\tFILES\tBYTES\tSOURCE\n");
    for v in record.versions.iter().rev() {
        let state = if record.production.as_ref() == Some(&v.id) {
            "live"
        } else if record.previous.contains(&v.id) {
            "previous"
        } else {
            "saved"
        };
        let saved = humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(v.saved_at),
        );
        out.push_str(&format!(
            "{}\t{state}\t{saved}\t{}\t{}\t{}\t{}\n",
            v.id, v.saved_by, v.files, v.bytes, v.source
        ));
    }
    out
}
