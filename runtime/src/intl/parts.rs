//! Collects `writeable` output with its annotated parts and turns it into the
//! `[{ type, value }]` list that every `formatToParts` returns.

use std::fmt;

use rquickjs::{Array, Ctx, Object, Result};
use writeable::{Part, PartsWrite, Writeable};

/// Formatted text with the byte spans of its parts, outermost parts last.
#[derive(Default)]
pub(crate) struct Spans {
    pub(crate) text: String,
    spans: Vec<(usize, usize, Part)>,
}

impl fmt::Write for Spans {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl PartsWrite for Spans {
    type SubPartsWrite = Self;

    fn with_part(
        &mut self,
        part: Part,
        mut f: impl FnMut(&mut Self::SubPartsWrite) -> fmt::Result,
    ) -> fmt::Result {
        let start = self.text.len();
        f(self)?;
        self.spans.push((start, self.text.len(), part));
        Ok(())
    }
}

impl Spans {
    /// Writes `value` with its parts.
    pub(crate) fn of(value: &impl Writeable) -> Self {
        let mut spans = Spans::default();
        // Writing to a String cannot fail.
        let _ = value.write_to_parts(&mut spans);
        spans
    }

    /// The text cut into typed pieces: each byte takes the type of the innermost span that
    /// `name` gives a JS type to ("literal" where there is none), and runs of one type make
    /// one piece.
    pub(crate) fn pieces(&self, name: impl Fn(&Part) -> Option<&'static str>) -> Vec<Piece> {
        let mut named: Vec<(usize, usize, &'static str)> = self
            .spans
            .iter()
            .filter_map(|(start, end, part)| name(part).map(|n| (*start, *end, n)))
            .collect();
        named.sort_by_key(|(start, end, _)| end - start);
        let mut kinds: Vec<Option<&'static str>> = vec![None; self.text.len()];
        for (start, end, kind) in named {
            for slot in &mut kinds[start..end] {
                slot.get_or_insert(kind);
            }
        }
        let mut out: Vec<Piece> = Vec::new();
        let mut start = 0;
        for end in 1..=self.text.len() {
            let boundary = end == self.text.len() || kinds[end] != kinds[start];
            if boundary && self.text.is_char_boundary(end) {
                let kind = kinds[start].unwrap_or("literal");
                out.push(Piece::new(kind, &self.text[start..end]));
                start = end;
            }
        }
        out
    }
}

/// One `{ type, value }` entry of `formatToParts`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    pub(crate) kind: &'static str,
    pub(crate) value: String,
}

impl Piece {
    pub(crate) fn new(kind: &'static str, value: &str) -> Self {
        Piece {
            kind,
            value: value.to_string(),
        }
    }
}

/// Appends `piece` to `out`, merging it into the previous piece of the same type.
pub(crate) fn push_merged(out: &mut Vec<Piece>, piece: Piece) {
    match out.last_mut() {
        Some(last) if last.kind == piece.kind => last.value.push_str(&piece.value),
        _ => out.push(piece),
    }
}

/// The pieces as a JS array of `{ type, value }` objects.
pub(crate) fn to_js<'js>(ctx: &Ctx<'js>, pieces: &[Piece]) -> Result<Array<'js>> {
    let array = Array::new(ctx.clone())?;
    for (i, piece) in pieces.iter().enumerate() {
        let entry = Object::new(ctx.clone())?;
        entry.set("type", piece.kind)?;
        entry.set("value", piece.value.as_str())?;
        array.set(i, entry)?;
    }
    Ok(array)
}
