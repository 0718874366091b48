//! `Headers` (WHATWG Fetch): lower-cased names kept in insertion order, values trimmed of HTTP
//! whitespace, `get` joining repeats with ", ", iteration sorted by name with `set-cookie`
//! kept as separate entries, and `getSetCookie`. Invalid names and values throw `TypeError`.
//! Headers can be immutable, as workerd makes those of the request a worker receives, of a
//! `fetch()` response and of `Response.redirect()`: `set`, `append` and `delete` then throw
//! `TypeError` before looking at their arguments. For the prelude, on `internal`:
//!   immutableHeaders(pairs) → Headers   immutable, from an array of [name, value]
//!   cloneHeaders(headers) → Headers      a copy that keeps the original's mutability

#[cfg(test)]
mod tests;

use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::{Array, Class, Ctx, Exception, Function, JsLifetime, Object, Result, Value};

use super::strings::string_or_null;

/// What an iterator yields.
#[derive(Clone, Copy)]
enum Part {
    Entries,
    Keys,
    Values,
}

/// A header list.
#[derive(Trace, JsLifetime, Default, Clone, Debug)]
#[rquickjs::class]
pub struct Headers {
    #[qjs(skip_trace)]
    list: Vec<(String, String)>,
    /// `set`, `append` and `delete` refuse (workerd's "immutable" guard).
    #[qjs(skip_trace)]
    immutable: bool,
}

/// Defines `internal.immutableHeaders` and `internal.cloneHeaders`.
pub fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    Class::<Headers>::define(&ctx.globals())?;
    let immutable = Function::new(ctx.clone(), |ctx: Ctx<'_>, pairs: Value<'_>| {
        let mut headers = Headers::new(ctx, Opt(Some(pairs)))?;
        headers.immutable = true;
        Ok::<_, rquickjs::Error>(headers)
    })?;
    internal.set("immutableHeaders", immutable.with_name("immutableHeaders")?)?;
    let clone = Function::new(ctx.clone(), |headers: Class<'_, Headers>| {
        headers.borrow().clone()
    })?;
    internal.set("cloneHeaders", clone.with_name("cloneHeaders")?)
}

/// A name is an HTTP token: visible ASCII without separators.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Trims HTTP whitespace; refuses NUL, CR and LF.
fn normalize_value(value: &str) -> Option<String> {
    let trimmed = value.trim_matches([' ', '\t', '\n', '\r']);
    (!trimmed.bytes().any(|b| b == 0 || b == b'\r' || b == b'\n')).then(|| trimmed.to_string())
}

impl Headers {
    /// Throws workerd's TypeError if the headers are immutable.
    fn mutable(&self, ctx: &Ctx<'_>) -> Result<()> {
        if self.immutable {
            return Err(Exception::throw_type(
                ctx,
                "Can't modify immutable headers.",
            ));
        }
        Ok(())
    }

    fn checked(ctx: &Ctx<'_>, name: &str, value: Option<&str>) -> Result<(String, Option<String>)> {
        if !valid_name(name) {
            return Err(Exception::throw_type(
                ctx,
                &format!("Invalid header name: {name:?}"),
            ));
        }
        let value = match value {
            Some(v) => Some(normalize_value(v).ok_or_else(|| {
                Exception::throw_type(ctx, &format!("Invalid header value for {name:?}"))
            })?),
            None => None,
        };
        Ok((name.to_ascii_lowercase(), value))
    }

    /// Entries as iteration sees them: sorted by name, repeats joined (but `set-cookie` kept
    /// one per entry).
    fn sorted(&self) -> Vec<(String, String)> {
        let mut names: Vec<&str> = self.list.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            if name == "set-cookie" {
                out.extend(
                    self.values_of(name)
                        .map(|v| (name.to_string(), v.to_string())),
                );
            } else {
                out.push((
                    name.to_string(),
                    self.values_of(name).collect::<Vec<_>>().join(", "),
                ));
            }
        }
        out
    }

    fn values_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.list
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The header list, for handing a request or response to Rust.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.list
    }

    fn fill(&mut self, ctx: &Ctx<'_>, init: Value<'_>) -> Result<()> {
        if init.is_undefined() || init.is_null() {
            return Ok(());
        }
        if let Ok(other) = Class::<Headers>::from_value(&init) {
            self.list.extend(other.borrow().list.iter().cloned());
            return Ok(());
        }
        if let Some(array) = init.as_array() {
            for pair in array.iter::<Array>() {
                let pair = pair.map_err(|_| {
                    Exception::throw_type(ctx, "Each header must be a [name, value] pair")
                })?;
                if pair.len() != 2 {
                    return Err(Exception::throw_type(
                        ctx,
                        "Each header must be a [name, value] pair",
                    ));
                }
                self.append(ctx.clone(), pair.get(0)?, pair.get(1)?)?;
            }
            return Ok(());
        }
        let Some(object) = init.as_object() else {
            return Err(Exception::throw_type(
                ctx,
                "Headers can be built from an object, an array of pairs or Headers",
            ));
        };
        for entry in object.props::<String, String>() {
            let (name, value) = entry?;
            self.append(ctx.clone(), name, value)?;
        }
        Ok(())
    }

    /// An array iterator over the entries, names or values, in iteration order.
    fn iterator<'js>(&self, ctx: &Ctx<'js>, part: Part) -> Result<Value<'js>> {
        let items = Array::new(ctx.clone())?;
        for (i, (name, value)) in self.sorted().into_iter().enumerate() {
            match part {
                Part::Entries => items.set(i, vec![name, value])?,
                Part::Keys => items.set(i, name)?,
                Part::Values => items.set(i, value)?,
            }
        }
        let values: Function = items.as_object().get(PredefinedAtom::SymbolIterator)?;
        values.call((This(items),))
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl Headers {
    /// `new Headers(init?)`
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'_>, init: Opt<Value<'_>>) -> Result<Self> {
        let mut headers = Headers::default();
        if let Some(init) = init.0 {
            headers.fill(&ctx, init)?;
        }
        Ok(headers)
    }

    /// Adds a value, keeping existing ones.
    pub fn append(&mut self, ctx: Ctx<'_>, name: String, value: String) -> Result<()> {
        self.mutable(&ctx)?;
        let (name, value) = Self::checked(&ctx, &name, Some(&value))?;
        self.list.push((name, value.unwrap_or_default()));
        Ok(())
    }

    /// Replaces every value of `name` with one.
    pub fn set(&mut self, ctx: Ctx<'_>, name: String, value: String) -> Result<()> {
        self.mutable(&ctx)?;
        let (name, value) = Self::checked(&ctx, &name, Some(&value))?;
        let value = value.unwrap_or_default();
        crate::web::pairs::set_first(&mut self.list, name, value);
        Ok(())
    }

    /// Removes every value of `name`.
    pub fn delete(&mut self, ctx: Ctx<'_>, name: String) -> Result<()> {
        self.mutable(&ctx)?;
        let (name, _) = Self::checked(&ctx, &name, None)?;
        self.list.retain(|(n, _)| *n != name);
        Ok(())
    }

    /// The values of `name` joined with ", ", or `null`.
    pub fn get<'js>(&self, ctx: Ctx<'js>, name: String) -> Result<Value<'js>> {
        let (name, _) = Self::checked(&ctx, &name, None)?;
        let values: Vec<&str> = self.values_of(&name).collect();
        let joined = (!values.is_empty()).then(|| values.join(", "));
        string_or_null(&ctx, joined.as_deref())
    }

    /// Whether `name` is present.
    pub fn has(&self, ctx: Ctx<'_>, name: String) -> Result<bool> {
        let (name, _) = Self::checked(&ctx, &name, None)?;
        let present = self.values_of(&name).next().is_some();
        Ok(present)
    }

    /// Every `Set-Cookie` value, separately.
    pub fn get_set_cookie(&self) -> Vec<String> {
        self.values_of("set-cookie").map(str::to_string).collect()
    }

    /// Calls `callback(value, name, headers)` for each entry in iteration order.
    pub fn for_each<'js>(
        &self,
        this: This<Class<'js, Headers>>,
        callback: Function<'js>,
        this_arg: Opt<Value<'js>>,
    ) -> Result<()> {
        let receiver = this_arg
            .0
            .unwrap_or_else(|| Value::new_undefined(callback.ctx().clone()));
        for (name, value) in self.sorted() {
            callback.call::<_, ()>((This(receiver.clone()), value, name, this.0.clone()))?;
        }
        Ok(())
    }

    /// An iterator of `[name, value]` pairs.
    pub fn entries<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.iterator(&ctx, Part::Entries)
    }

    /// An iterator of names.
    pub fn keys<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.iterator(&ctx, Part::Keys)
    }

    /// An iterator of values.
    pub fn values<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.iterator(&ctx, Part::Values)
    }

    /// `for (const [name, value] of headers)`
    #[qjs(rename = PredefinedAtom::SymbolIterator)]
    pub fn iterate<'js>(&self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.entries(ctx)
    }

    /// `Object.prototype.toString` tag.
    #[qjs(prop, rename = PredefinedAtom::SymbolToStringTag, configurable)]
    pub fn to_string_tag() -> &'static str {
        "Headers"
    }
}
