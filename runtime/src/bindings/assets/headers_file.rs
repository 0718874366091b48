//! The `_headers` file: URL patterns (`*` splat, `:name` placeholders) each followed by
//! indented `Name: value` lines to set and `! Name` lines to detach.

use http::{HeaderMap, HeaderName, HeaderValue};

/// One pattern and what it does.
#[derive(Debug, Clone)]
struct Rule {
    pattern: String,
    set: Vec<(String, String)>,
    detach: Vec<String>,
}

/// The rules of a `_headers` file, in file order.
#[derive(Debug, Clone, Default)]
pub(super) struct HeaderRules {
    rules: Vec<Rule>,
}

impl HeaderRules {
    /// The rules in `text`; lines that fit no rule are skipped.
    pub(super) fn parse(text: &str) -> HeaderRules {
        let mut rules: Vec<Rule> = Vec::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indented = line.starts_with(' ') || line.starts_with('\t');
            if !indented {
                rules.push(Rule {
                    pattern: trimmed.to_string(),
                    set: Vec::new(),
                    detach: Vec::new(),
                });
                continue;
            }
            let Some(rule) = rules.last_mut() else {
                continue;
            };
            if let Some(name) = trimmed.strip_prefix('!') {
                rule.detach.push(name.trim().to_ascii_lowercase());
            } else if let Some((name, value)) = trimmed.split_once(':') {
                rule.set
                    .push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        HeaderRules { rules }
    }

    /// Applies every rule matching `path` to `headers`: set values replace the default
    /// headers and add to each other; detached ones go.
    pub(super) fn apply(&self, path: &str, headers: &mut HeaderMap) {
        let mut replaced: Vec<HeaderName> = Vec::new();
        for rule in &self.rules {
            let Some(captures) = captures(&rule.pattern, path) else {
                continue;
            };
            for (name, value) in &rule.set {
                let value = substitute(value, &captures);
                let (Ok(name), Ok(value)) = (
                    HeaderName::try_from(name.as_str()),
                    HeaderValue::from_str(&value),
                ) else {
                    continue;
                };
                if replaced.contains(&name) {
                    headers.append(name, value);
                } else {
                    headers.insert(name.clone(), value);
                    replaced.push(name);
                }
            }
            for name in &rule.detach {
                headers.remove(name.as_str());
            }
        }
    }
}

/// The placeholders (`:name` and `splat`) of `pattern` matched against `path`, or `None`.
/// Patterns with a host (`https://host/path`) match by their path.
fn captures(pattern: &str, path: &str) -> Option<Vec<(String, String)>> {
    let pattern = match pattern.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => pattern,
    };
    let mut out = Vec::new();
    capture_from(pattern, path, &mut out).then_some(out)
}

fn capture_from(pattern: &str, path: &str, out: &mut Vec<(String, String)>) -> bool {
    if let Some(rest) = pattern.strip_prefix('*') {
        for split in (0..=path.len()).filter(|i| path.is_char_boundary(*i)) {
            let mut inner = Vec::new();
            if capture_from(rest, &path[split..], &mut inner) {
                out.push(("splat".to_string(), path[..split].to_string()));
                out.extend(inner);
                return true;
            }
        }
        return false;
    }
    if let Some(rest) = pattern.strip_prefix(':') {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, rest) = rest.split_at(end);
        let segment = path.find('/').unwrap_or(path.len());
        if segment == 0 {
            return false;
        }
        out.push((name.to_string(), path[..segment].to_string()));
        return capture_from(rest, &path[segment..], out);
    }
    match (pattern.chars().next(), path.chars().next()) {
        (None, None) => true,
        (Some(p), Some(c)) if p == c => {
            capture_from(&pattern[p.len_utf8()..], &path[c.len_utf8()..], out)
        }
        _ => false,
    }
}

/// `value` with `:name` and `:splat` replaced by what they matched.
fn substitute(value: &str, captures: &[(String, String)]) -> String {
    let mut value = value.to_string();
    let mut sorted: Vec<&(String, String)> = captures.iter().collect();
    sorted.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    for (name, matched) in sorted {
        value = value.replace(&format!(":{name}"), matched);
    }
    value
}
