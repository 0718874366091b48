//! `SpanIndex`: where each key path of a parsed TOML document sits in its file.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::Diagnostic;

/// Line and column of every key path in one TOML document.
///
/// Key paths are dotted TOML keys with array indices: `sites.crm.access`,
/// `sites.crm.rules[0].path`, `members."alice@acme.com"` (segments that are not bare
/// keys are quoted). Build them with [`join_key`] and [`join_index`].
#[derive(Debug, Clone)]
pub struct SpanIndex {
    file: PathBuf,
    text: String,
    line_starts: Vec<usize>,
    /// key path → (span of the key, span of the value)
    entries: HashMap<String, (Option<Range<usize>>, Range<usize>)>,
}

impl SpanIndex {
    pub(crate) fn build(file: &Path, text: &str, root: &Spanned<DeTable<'_>>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut index = SpanIndex {
            file: file.to_path_buf(),
            text: text.to_string(),
            line_starts,
            entries: HashMap::new(),
        };
        index.walk_table("", root.get_ref());
        index
    }

    fn walk_table(&mut self, parent: &str, table: &DeTable<'_>) {
        for (k, v) in table.iter() {
            self.record(join_key(parent, k.get_ref()), Some(k.span()), v);
        }
    }

    fn record(&mut self, path: String, key: Option<Range<usize>>, v: &Spanned<DeValue<'_>>) {
        match v.get_ref() {
            DeValue::Table(t) => self.walk_table(&path, t),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.record(join_index(&path, i), None, item);
                }
            }
            _ => {}
        }
        self.entries.insert(path, (key, v.span()));
    }

    /// The file this index describes.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Line and column (1-based) of the value at `key_path`.
    ///
    /// A path that is absent (a missing key) resolves to its nearest present ancestor,
    /// and finally to 1:1.
    pub fn locate(&self, key_path: &str) -> (usize, usize) {
        self.offset_of(key_path, false)
            .map_or((1, 1), |o| self.line_col(o))
    }

    /// Line and column (1-based) of the key itself at `key_path` (the value's for array items).
    pub fn locate_key(&self, key_path: &str) -> (usize, usize) {
        self.offset_of(key_path, true)
            .map_or((1, 1), |o| self.line_col(o))
    }

    /// True when the document holds `key_path`.
    pub fn contains(&self, key_path: &str) -> bool {
        self.entries.contains_key(key_path)
    }

    /// A diagnostic pointing at the value of `key_path`.
    pub fn diag(&self, key_path: &str, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.locate(key_path);
        self.make(key_path.to_string(), line, column, message.into())
    }

    /// A diagnostic pointing at the key of `key_path` (for problems with the key itself).
    pub fn diag_key(&self, key_path: &str, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.locate_key(key_path);
        self.make(key_path.to_string(), line, column, message.into())
    }

    pub(crate) fn diag_at(&self, key: String, offset: usize, msg: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_col(offset);
        self.make(key, line, column, msg.into())
    }

    pub(crate) fn diag_span(
        &self,
        span: Option<Range<usize>>,
        msg: impl Into<String>,
    ) -> Diagnostic {
        let offset = span.map_or(0, |s| s.start);
        self.diag_at(String::new(), offset, msg)
    }

    /// True when a key of the document starts at byte `offset`.
    pub(crate) fn is_key_start(&self, offset: usize) -> bool {
        self.entries
            .values()
            .any(|(k, _)| k.as_ref().is_some_and(|k| k.start == offset))
    }

    /// The innermost key path whose key or value covers byte `offset`.
    pub(crate) fn path_at(&self, offset: usize) -> String {
        let covers = |s: &Range<usize>| s.start <= offset && (offset < s.end || s.start == offset);
        self.entries
            .iter()
            .flat_map(|(p, (k, v))| k.iter().chain(std::iter::once(v)).map(move |s| (s, p)))
            .filter(|(s, _)| covers(s))
            .min_by_key(|(s, p)| (s.end - s.start, p.len()))
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }

    fn make(&self, key: String, line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line,
            column,
            key,
            message,
        }
    }

    fn offset_of(&self, key_path: &str, want_key: bool) -> Option<usize> {
        let mut path = key_path;
        loop {
            if let Some((key, value)) = self.entries.get(path) {
                return Some(match (want_key, key) {
                    (true, Some(k)) => k.start,
                    _ => value.start,
                });
            }
            path = parent_of(path)?;
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

/// Appends `key` to a key path, quoting it unless it is a bare TOML key.
pub fn join_key(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let mut out = String::with_capacity(parent.len() + key.len() + 3);
    out.push_str(parent);
    if !parent.is_empty() {
        out.push('.');
    }
    if bare {
        out.push_str(key);
    } else {
        // Debug quoting escapes `"` and `\` as TOML basic strings do.
        use std::fmt::Write as _;
        let _ = write!(out, "{key:?}");
    }
    out
}

/// Appends an array index to a key path: `rules` → `rules[2]`.
pub fn join_index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// The key path one level up, or `None` at the root.
fn parent_of(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    if path.ends_with(']') {
        return path.rfind('[').map(|i| &path[..i]);
    }
    if let Some(body) = path.strip_suffix('"') {
        // Quoted last segment: find its opening quote, skipping escaped quotes.
        let mut i = body.len();
        while let Some(j) = body[..i].rfind('"') {
            if j > 0 && body.as_bytes()[j - 1] == b'\\' {
                i = j - 1;
                continue;
            }
            return Some(path[..j].trim_end_matches('.'));
        }
        return Some("");
    }
    Some(path.rfind('.').map_or("", |i| &path[..i]))
}

/// The last segment of a key path, unquoted.
pub(crate) fn last_segment(path: &str) -> String {
    let parent = parent_of(path).unwrap_or("");
    let seg = path[parent.len()..].trim_start_matches('.');
    if seg.starts_with('"') && seg.ends_with('"') && seg.len() >= 2 {
        seg[1..seg.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    } else {
        seg.to_string()
    }
}

/// Renders a serde_ignored path in our key path syntax.
pub(crate) fn render_ignored(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => join_index(&render_ignored(parent), *index),
        P::Map { parent, key } => join_key(&render_ignored(parent), key),
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            render_ignored(parent)
        }
    }
}
