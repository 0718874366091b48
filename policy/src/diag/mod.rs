//! Diagnostics with file, line, column and key, and a strict TOML loader that reports them.
//!
//! [`parse_toml`] is generic so the gateway reuses it for `sitegate.toml`: it reports every
//! syntax error, every unknown key (whether or not the target type uses
//! `#[serde(deny_unknown_fields)]`), and the first type error, each with its location.

mod spans;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::PolicyError;
pub use spans::{join_index, join_key, SpanIndex};

/// One problem in one file, pointing at the key that holds it.
///
/// Displays as `{file}:{line}:{column}: {key}: {message}`. `line` and `column` are 1-based;
/// both are 0 when the problem concerns the whole file (it could not be read), and the key
/// part is left out when `key` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as it was named to the loader.
    pub file: PathBuf,
    /// 1-based line, or 0 for the whole file.
    pub line: usize,
    /// 1-based column in characters, or 0 for the whole file.
    pub column: usize,
    /// Dotted TOML key path, e.g. `sites.crm.access` or `sites.crm.rules[0].path`.
    pub key: String,
    /// What is wrong, with the bad value and the accepted values.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file (line and column 0, no key).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message: message.into(),
        }
    }

    /// `file:line:column` of this diagnostic, for messages that refer to it.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one load, in file order and then line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Upper bound on unknown-key retries, so a file made of thousands of unknown keys
/// cannot make loading quadratic without end.
const MAX_UNKNOWN_KEYS: usize = 100;

/// Strictly deserializes `T` from TOML `text` that came from `file`.
///
/// Reports every syntax error, every unknown key (with the accepted keys when the type
/// uses `deny_unknown_fields`), and the first type error, each with line, column and key
/// path. On success also returns the [`SpanIndex`] of the document, for semantic checks
/// that want to point at a key.
pub fn parse_toml<T: DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<(T, SpanIndex), Diagnostics> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    let index = SpanIndex::build(file, text, &root);
    if !syntax.is_empty() {
        let diags = syntax
            .iter()
            .map(|e| index.diag_span(e.span(), PolicyError::Syntax(tidy(e.message()))))
            .collect();
        return Err(Diagnostics(diags));
    }
    // The first attempt consumes the parsed tree; each retry (after an unknown key) parses
    // again and drops every unknown key found so far, so the happy path parses once.
    let mut first = Some(root);
    let mut removed: Vec<usize> = Vec::new();
    let mut diags = Vec::new();
    loop {
        let root = match first.take() {
            Some(root) => root,
            None => {
                let (mut root, _) = DeTable::parse_recoverable(text);
                for &start in &removed {
                    remove_key_at(root.get_mut(), start);
                }
                root
            }
        };
        let mut ignored = Vec::new();
        let de = toml::de::Deserializer::from(root);
        let mut on_ignored = |path: serde_ignored::Path<'_>| {
            ignored.push(spans::render_ignored(&path));
        };
        let result = T::deserialize(serde_ignored::Deserializer::new(de, &mut on_ignored));
        match result {
            Ok(value) => {
                for key in ignored {
                    diags.push(index.diag_key(
                        &key,
                        PolicyError::UnknownKey {
                            key: spans::last_segment(&key),
                            expected: "this table takes no such key".into(),
                        },
                    ));
                }
                if diags.is_empty() {
                    return Ok((value, index));
                }
                return Err(Diagnostics(diags));
            }
            Err(e) => {
                let span = e.span();
                if let (Some((key, expected)), Some(span)) = (unknown_field(e.message()), &span) {
                    if diags.len() < MAX_UNKNOWN_KEYS
                        && !removed.contains(&span.start)
                        && index.is_key_start(span.start)
                    {
                        removed.push(span.start);
                        let path = index.path_at(span.start);
                        let err = PolicyError::UnknownKey { key, expected };
                        diags.push(index.diag_at(path, span.start, err));
                        continue;
                    }
                }
                let path = span
                    .as_ref()
                    .map(|s| index.path_at(s.start))
                    .unwrap_or_default();
                let at = span.map(|s| s.start).unwrap_or(0);
                diags.push(index.diag_at(path, at, PolicyError::Type(tidy(e.message()))));
                return Err(Diagnostics(diags));
            }
        }
    }
}

/// Parses serde's "unknown field `x`, expected one of `a`, `b`" into (x, "expected one of a, b").
fn unknown_field(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let key = rest[..end].to_string();
    let tail = rest[end + 1..].trim_start_matches(',').trim();
    let expected = if tail.starts_with("there are no fields") {
        "this table takes no keys".to_string()
    } else {
        tail.replace('`', "")
    };
    Some((key, expected))
}

/// Serde messages quote with backticks; ours quote with double quotes.
fn tidy(message: &str) -> String {
    message
        .replace('`', "\"")
        .replace("missing field", "missing key")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table")
}

/// Removes the table entry whose key starts at byte `start`, wherever it is in the tree.
fn remove_key_at(table: &mut DeTable<'_>, start: usize) -> bool {
    let found = table
        .iter()
        .find(|(k, _)| k.span().start == start)
        .map(|(k, _)| k.clone());
    if let Some(key) = found {
        let key: &str = key.get_ref();
        return table.remove(key).is_some();
    }
    table.iter_mut().any(|(_, v)| remove_in_value(v, start))
}

fn remove_in_value(value: &mut Spanned<DeValue<'_>>, start: usize) -> bool {
    match value.get_mut() {
        DeValue::Table(t) => remove_key_at(t, start),
        DeValue::Array(items) => items.iter_mut().any(|v| remove_in_value(v, start)),
        _ => false,
    }
}
