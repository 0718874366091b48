//! Whether a request goes to a site's static assets or to its worker first, as wrangler's
//! `assets.run_worker_first` says: `false` (assets when one matches, else the worker), `true`
//! (always the worker), or a list of route patterns — `*` matches any characters, `/`
//! included, the whole path must match, and a `!` pattern sends its paths to the assets
//! even where another pattern names the worker.

#[cfg(test)]
mod tests;

/// A site's routing between its assets and its worker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StaticRouting {
    /// An asset when one matches the path, else the worker (wrangler's default).
    #[default]
    AssetsFirst,
    /// The worker for every path (`run_worker_first: true`).
    WorkerFirst,
    /// Patterns: `assets` (the `!` ones, without it) are checked first, then `worker`;
    /// a path matching neither is routed as by [`StaticRouting::AssetsFirst`].
    Rules {
        /// Paths the worker answers.
        worker: Vec<String>,
        /// Paths only the assets answer.
        assets: Vec<String>,
    },
}

/// Where one request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The asset if there is one, else the worker.
    AssetThenWorker,
    /// The worker only.
    Worker,
    /// The assets only (no asset: 404).
    Assets,
}

impl StaticRouting {
    /// The rules of a `run_worker_first` list, or why it is refused (as wrangler refuses
    /// it: empty, or without a pattern for the worker).
    pub fn rules(patterns: &[String]) -> Result<StaticRouting, String> {
        let (assets, worker): (Vec<&String>, Vec<&String>) =
            patterns.iter().partition(|p| p.starts_with('!'));
        if worker.is_empty() {
            return Err(if patterns.is_empty() {
                "must hold at least one pattern".to_string()
            } else {
                "must hold at least one pattern without `!`".to_string()
            });
        }
        if let Some(bad) = patterns
            .iter()
            .find(|p| !p.trim_start_matches('!').starts_with('/'))
        {
            return Err(format!("pattern {bad:?} must start with `/` (or `!/`)"));
        }
        Ok(StaticRouting::Rules {
            worker: worker.into_iter().cloned().collect(),
            assets: assets.iter().map(|p| p[1..].to_string()).collect(),
        })
    }

    /// Where a request for the URL path `path` (percent-encoded, without query) goes.
    pub fn route(&self, path: &str) -> Route {
        match self {
            StaticRouting::AssetsFirst => Route::AssetThenWorker,
            StaticRouting::WorkerFirst => Route::Worker,
            StaticRouting::Rules { worker, assets } => {
                if assets.iter().any(|p| matches(p, path)) {
                    Route::Assets
                } else if worker.iter().any(|p| matches(p, path)) {
                    Route::Worker
                } else {
                    Route::AssetThenWorker
                }
            }
        }
    }
}

/// Whether all of `path` matches `pattern`, whose `*` matches any run of characters.
fn matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}
