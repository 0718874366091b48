//! How many statements a piece of SQL holds, counted as SQLite splits them: at semicolons
//! outside quotes, brackets and comments, and past the `END` of a `CREATE TRIGGER` body.
//! D1 binds a query's values to its last statement only, so it needs to know which is last
//! before running the ones ahead of it.

/// The number of statements in `sql` (pieces with nothing but blanks and comments do not
/// count).
pub(crate) fn count(sql: &str) -> usize {
    let mut count = 0;
    let mut piece = Piece::default();
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\'' | '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                piece.word(&sql[at..at]);
                skip_quoted(&mut chars, close);
                piece.content = true;
            }
            '-' if chars.peek().is_some_and(|(_, n)| *n == '-') => {
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, n)| *n == '*') => {
                chars.next();
                let mut star = false;
                for (_, n) in chars.by_ref() {
                    if star && n == '/' {
                        break;
                    }
                    star = n == '*';
                }
            }
            ';' => {
                if piece.ends_here() {
                    count += usize::from(piece.content);
                    piece = Piece::default();
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = at;
                let mut end = at + c.len_utf8();
                while let Some((next, n)) = chars.peek().copied() {
                    if !(n.is_alphanumeric() || n == '_' || n == '$') {
                        break;
                    }
                    end = next + n.len_utf8();
                    chars.next();
                }
                piece.word(&sql[start..end]);
            }
            c if c.is_whitespace() => {}
            _ => {
                piece.word("");
            }
        }
    }
    count + usize::from(piece.content)
}

/// What the statement being read has shown so far.
#[derive(Default)]
struct Piece {
    /// Anything but blanks and comments.
    content: bool,
    /// Its first words, upper-cased (up to `CREATE TEMP TRIGGER`).
    start: Vec<String>,
    /// Whether it is a `CREATE [TEMP] TRIGGER`, whose body holds semicolons.
    trigger: bool,
    /// The last word read, upper-cased.
    last: String,
}

impl Piece {
    fn word(&mut self, word: &str) {
        self.content = true;
        let word = word.to_ascii_uppercase();
        if self.start.len() < 3 {
            self.start.push(word.clone());
            let starts = |w: &[&str]| self.start.iter().map(String::as_str).eq(w.iter().copied());
            self.trigger |= starts(&["CREATE", "TRIGGER"])
                || starts(&["CREATE", "TEMP", "TRIGGER"])
                || starts(&["CREATE", "TEMPORARY", "TRIGGER"]);
        }
        self.last = word;
    }

    /// Whether a semicolon read now ends the statement.
    fn ends_here(&self) -> bool {
        !self.trigger || self.last == "END"
    }
}

/// Skips to the closing `close` (a doubled one inside is part of the text).
fn skip_quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, close: char) {
    while let Some((_, c)) = chars.next() {
        if c == close {
            if close != ']' && chars.peek().is_some_and(|(_, n)| *n == close) {
                chars.next();
                continue;
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_statements_as_sqlite_splits_them() {
        let cases = [
            ("", 0),
            ("  -- nothing\n /* at all */ ;;", 0),
            ("SELECT 1", 1),
            ("SELECT 1;", 1),
            ("SELECT 1; SELECT 2", 2),
            ("SELECT ';' AS a, \"x;y\", [a;b], `c;d`; SELECT 2 -- ;\n", 2),
            ("SELECT 'it''s;'; SELECT 2", 2),
            ("SELECT 1 /* ; */; SELECT 2 /* unclosed ;", 2),
            ("CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET a = 1; DELETE FROM z; END; SELECT 1", 2),
            ("create temp trigger t after insert on x begin select 1; end", 1),
        ];
        for (sql, expected) in cases {
            assert_eq!(count(sql), expected, "{sql}");
        }
    }
}
