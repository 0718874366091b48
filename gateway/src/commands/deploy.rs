//! `sitegate deploy`, `versions`, `promote` and `rollback`, offline or through a gateway.

use std::path::Path;

use super::target::Target;
use crate::cli::TargetArg;
use crate::deploy::SiteDeploys;
use crate::deployer::Deployed;

/// `sitegate deploy <dir> --site <site> [--save]`.
pub fn deploy(target: &TargetArg, site: &str, dir: &Path, save: bool) -> anyhow::Result<()> {
    let deployed = Target::open(target, site)?.deploy(site, dir, save)?;
    report(site, &deployed);
    Ok(())
}

/// `sitegate versions <site>`.
pub fn versions(target: &TargetArg, site: &str) -> anyhow::Result<()> {
    print!("{}", listing(&Target::open(target, site)?.versions(site)?));
    Ok(())
}

/// `sitegate promote <site> <version>`.
pub fn promote(target: &TargetArg, site: &str, version: &str) -> anyhow::Result<()> {
    let published = Target::open(target, site)?.promote(site, version)?;
    print_migrations(&published.migrations);
    eprintln!("{site}: version {} is live.", published.version);
    Ok(())
}

/// `sitegate rollback <site>`.
pub fn rollback(target: &TargetArg, site: &str) -> anyhow::Result<()> {
    let published = Target::open(target, site)?.rollback(site)?;
    eprintln!(
        "{site}: rolled back; version {} is live.",
        published.version
    );
    Ok(())
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
        let saved = super::rfc3339(v.saved_at);
        out.push_str(&format!(
            "{}\t{state}\t{saved}\t{}\t{}\t{}\t{}\n",
            v.id, v.saved_by, v.files, v.bytes, v.source
        ));
    }
    out
}
