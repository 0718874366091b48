//! `PathPattern`: the path of a per-path rule (`/admin`, `/admin/*`, `/api/*/public/*`).

use std::cmp::Ordering;

use super::{check_unambiguous, normalize_path, NormalizedPath};

/// How a site's path rules compare their literal segments with request paths
/// (`path_rules_case`). Insensitive by default, because case-insensitive backends (IIS,
/// ASP.NET, file systems of Windows and macOS) read `/ADMIN/x` as `/admin/x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathCase {
    /// ASCII letters match in either case: `/admin/*` also covers `/ADMIN/x`.
    #[default]
    Insensitive,
    /// Segments match byte for byte, for backends that tell `/Admin` from `/admin`.
    Sensitive,
}

impl PathCase {
    /// The names accepted in files.
    pub const NAMES: &'static [&'static str] = &["insensitive", "sensitive"];

    /// Parses a name as written in a file.
    pub fn parse(s: &str) -> Option<PathCase> {
        match s {
            "insensitive" => Some(PathCase::Insensitive),
            "sensitive" => Some(PathCase::Sensitive),
            _ => None,
        }
    }

    /// True when `a` and `b` are the same under this comparison.
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            PathCase::Insensitive => a.eq_ignore_ascii_case(b),
            PathCase::Sensitive => a == b,
        }
    }
}

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    /// Matches exactly this (normalized) segment.
    Lit(String),
    /// `*` in the middle: matches exactly one non-empty segment.
    One,
}

/// A path rule's pattern, parsed and checked so that it can match some normalized path.
///
/// - `/a/b` matches `/a/b` and `/a/b/`;
/// - `/a/*` matches `/a`, `/a/` and everything below `/a/`;
/// - a `*` segment elsewhere matches exactly one segment: `/api/*/public/*`.
///
/// Patterns order by specificity, compared segment by segment from the left: a literal
/// segment beats `*`, which beats the trailing catch-all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    raw: String,
    segs: Vec<Seg>,
    catch_all: bool,
}

/// Rank of each pattern position for specificity: higher is more specific.
const LIT: u8 = 4;
const ONE: u8 = 3;
const END: u8 = 2;
const REST: u8 = 1;

impl PathPattern {
    /// Parses a rule path, or says why no normalized request path could ever match it.
    pub fn parse(raw: &str) -> Result<PathPattern, String> {
        if !raw.starts_with('/') {
            return Err("it must start with \"/\" (request paths always do)".into());
        }
        if raw.contains(['?', '#']) {
            return Err("request paths never hold a query or fragment".into());
        }
        if raw == "/" {
            return Ok(PathPattern {
                raw: raw.into(),
                segs: Vec::new(),
                catch_all: false,
            });
        }
        let parts: Vec<&str> = raw[1..].split('/').collect();
        let last = parts.len() - 1;
        let mut segs = Vec::with_capacity(parts.len());
        let mut catch_all = false;
        for (i, part) in parts.iter().enumerate() {
            match *part {
                "*" if i == last => catch_all = true,
                "*" => segs.push(Seg::One),
                "" if i == last => {
                    let stem = raw.trim_end_matches('/');
                    let stem = if stem.is_empty() { "/" } else { stem };
                    return Err(format!(
                        "it ends with \"/\"; write {stem:?} (which also matches {raw:?}) or \"{}/*\"",
                        stem.trim_end_matches('/')
                    ));
                }
                "" => {
                    return Err(
                        "it holds an empty segment (\"//\"), which normalization removes".into(),
                    )
                }
                "." | ".." => {
                    return Err(format!(
                        "it holds a {part:?} segment, which normalization resolves"
                    ))
                }
                p if p.contains('*') => {
                    return Err(format!(
                        "{p:?}: '*' must be a whole segment, as in \"/admin/*\""
                    ))
                }
                p => segs.push(Seg::Lit(normalized_segment(p)?)),
            }
        }
        Ok(PathPattern {
            raw: raw.into(),
            segs,
            catch_all,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// True when `path` is matched by this pattern, its literal segments compared by `case`.
    pub fn matches(&self, path: &NormalizedPath, case: PathCase) -> bool {
        let p = path.as_str();
        let p = p.strip_prefix('/').unwrap_or(p);
        let p = p.strip_suffix('/').unwrap_or(p);
        let mut parts = p.split('/').filter(|s| !s.is_empty());
        for seg in &self.segs {
            match (seg, parts.next()) {
                (_, None) => return false,
                (Seg::Lit(l), Some(s)) if !case.same(l, s) => return false,
                _ => {}
            }
        }
        self.catch_all || parts.next().is_none()
    }

    /// Compares specificity: `Greater` means `self` is more specific than `other`.
    pub fn specificity_cmp(&self, other: &PathPattern) -> Ordering {
        self.ranks().cmp(other.ranks())
    }

    fn ranks(&self) -> impl Iterator<Item = u8> + '_ {
        let tail = if self.catch_all { REST } else { END };
        self.segs
            .iter()
            .map(|s| match s {
                Seg::Lit(_) => LIT,
                Seg::One => ONE,
            })
            .chain(std::iter::once(tail))
    }
}

/// Checks that a literal segment is already in normalized form, and not one that sites with
/// path rules refuse, and returns it.
fn normalized_segment(seg: &str) -> Result<String, String> {
    let probe = format!("/{seg}");
    match normalize_path(&probe) {
        Ok(n) if n.as_str() == probe => match check_unambiguous(&n) {
            Ok(()) => Ok(seg.to_string()),
            Err(e) => Err(format!(
                "segment {seg:?} is refused in request paths on sites with path rules ({e})"
            )),
        },
        Ok(n) => Err(format!(
            "segment {seg:?} is not in normalized form; request paths are compared as {:?}",
            &n.as_str()[1..]
        )),
        Err(e) => Err(format!("segment {seg:?} is refused in request paths ({e})")),
    }
}
