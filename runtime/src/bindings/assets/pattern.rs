//! `.assetsignore` patterns (gitignore-like).

/// The `.assetsignore` rules: later lines win, `!` re-includes.
#[derive(Debug, Clone, Default)]
pub(super) struct Ignore {
    rules: Vec<(bool, String)>,
}

impl Ignore {
    /// The rules in `text` (`#` comments and blank lines skipped).
    pub(super) fn parse(text: &str) -> Ignore {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| match line.strip_prefix('!') {
                Some(rest) => (false, rest.to_string()),
                None => (true, line.to_string()),
            })
            .collect();
        Ignore { rules }
    }

    /// Adds `patterns` (ignoring), before the file's own rules are consulted again.
    pub(super) fn add(&mut self, patterns: &[String]) {
        self.rules
            .extend(patterns.iter().map(|p| (true, p.trim().to_string())));
    }

    /// Whether the relative path `rel` (`a/b.txt`) is ignored.
    pub(super) fn ignores(&self, rel: &str) -> bool {
        let mut ignored = false;
        for (ignore, pattern) in &self.rules {
            if matches(pattern, rel) {
                ignored = *ignore;
            }
        }
        ignored
    }
}

/// Whether a gitignore-style `pattern` matches `rel` or one of its parent directories.
fn matches(pattern: &str, rel: &str) -> bool {
    let dir_only = pattern.ends_with('/');
    let pattern = pattern.trim_end_matches('/');
    let anchored = pattern.trim_start_matches('/').contains('/') || pattern.starts_with('/');
    let pattern = pattern.trim_start_matches('/');
    let parts: Vec<&str> = rel.split('/').collect();
    // Every prefix of `rel` is a candidate (a directory holding the file, or the file).
    (1..=parts.len()).any(|n| {
        let is_dir = n < parts.len();
        if dir_only && !is_dir {
            return false;
        }
        if anchored {
            wildcard(pattern, &parts[..n].join("/"))
        } else {
            wildcard(pattern, parts[n - 1])
        }
    })
}

/// Whether `text` matches `pattern`, where `**` matches anything and `*` anything but `/`;
/// `?` matches one character but `/`.
fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches_from(&p, &t)
}

fn matches_from(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => {
            let double = p.get(1) == Some(&'*');
            let rest = if double { &p[2..] } else { &p[1..] };
            let rest = if double && rest.first() == Some(&'/') {
                // `**/x` also matches `x`.
                if matches_from(&rest[1..], t) {
                    return true;
                }
                rest
            } else {
                rest
            };
            let crosses = double;
            for skip in 0..=t.len() {
                if matches_from(rest, &t[skip..]) {
                    return true;
                }
                if skip < t.len() && t[skip] == '/' && !crosses {
                    return false;
                }
            }
            false
        }
        Some('?') => matches!(t.first(), Some(c) if *c != '/') && matches_from(&p[1..], &t[1..]),
        Some(c) => t.first() == Some(c) && matches_from(&p[1..], &t[1..]),
    }
}
