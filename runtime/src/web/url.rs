//! `URL` (WHATWG URL Standard) on the `url` crate: parsing against an optional base,
//! `URL.canParse` / `URL.parse`, the component getters (read as slices of the one stored
//! serialization) and setters (the standard's setter algorithms, `url::quirks`), and a
//! `searchParams` object kept in step with the URL both ways.

#[allow(missing_docs)]
pub mod search_params;
#[cfg(test)]
mod tests;

use ::url::{quirks, Url as Parsed};
use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::{Class, Ctx, Exception, JsLifetime, Result, Value};

use super::strings::usv_string;
use search_params::UrlSearchParams;

/// workerd's message for a string that does not parse.
const INVALID: &str = "Invalid URL string.";

/// Defines `URL` and `URLSearchParams`.
pub fn install(ctx: &Ctx<'_>) -> Result<()> {
    Class::<Url>::define(&ctx.globals())?;
    search_params::install(ctx)
}

/// A parsed URL and, once asked for, its `searchParams`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "URL")]
pub struct Url<'js> {
    #[qjs(skip_trace)]
    parsed: Parsed,
    params: Option<Class<'js, UrlSearchParams<'js>>>,
}

/// Parses `input` against `base` (absent or `undefined`: no base).
fn parse<'js>(ctx: &Ctx<'js>, input: Value<'js>, base: Opt<Value<'js>>) -> Result<Option<Parsed>> {
    let input = usv_string(ctx, input)?;
    let base = match base.0.filter(|b| !b.is_undefined()) {
        Some(base) => match Parsed::parse(&usv_string(ctx, base)?) {
            Ok(base) => Some(base),
            Err(_) => return Ok(None),
        },
        None => None,
    };
    Ok(Parsed::options().base_url(base.as_ref()).parse(&input).ok())
}

impl<'js> Url<'js> {
    /// The URL as Rust sees it (for `fetch` and `Request`).
    pub fn parsed(&self) -> &Parsed {
        &self.parsed
    }

    /// After the query changed through the URL: the linked `searchParams` re-reads it.
    fn query_changed(&self) {
        if let Some(params) = &self.params {
            params
                .borrow_mut()
                .reparse(self.parsed.query().unwrap_or(""));
        }
    }

    /// The URL update steps of a linked `URLSearchParams`: its serialization becomes the query.
    fn set_query_from_params(&mut self, serialized: &str) {
        quirks::set_search(&mut self.parsed, serialized);
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl<'js> Url<'js> {
    /// `new URL(url, base?)`
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'js>, input: Value<'js>, base: Opt<Value<'js>>) -> Result<Self> {
        match parse(&ctx, input, base)? {
            Some(parsed) => Ok(Url {
                parsed,
                params: None,
            }),
            None => Err(Exception::throw_type(&ctx, INVALID)),
        }
    }

    /// `URL.canParse(url, base?)`
    #[qjs(static)]
    pub fn can_parse(ctx: Ctx<'js>, input: Value<'js>, base: Opt<Value<'js>>) -> Result<bool> {
        Ok(parse(&ctx, input, base)?.is_some())
    }

    /// `URL.parse(url, base?)`: the URL, or `null` where the constructor would throw.
    #[qjs(static)]
    pub fn parse(ctx: Ctx<'js>, input: Value<'js>, base: Opt<Value<'js>>) -> Result<Value<'js>> {
        match parse(&ctx, input, base)? {
            Some(parsed) => Ok(Class::instance(
                ctx,
                Url {
                    parsed,
                    params: None,
                },
            )?
            .into_value()),
            None => Ok(Value::new_null(ctx)),
        }
    }

    /// The whole URL.
    #[qjs(get, enumerable)]
    pub fn href(&self) -> &str {
        self.parsed.as_str()
    }

    /// Replaces the whole URL; a string that does not parse throws and changes nothing.
    #[qjs(set, rename = "href")]
    pub fn set_href(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let value = usv_string(&ctx, value)?;
        quirks::set_href(&mut self.parsed, &value)
            .map_err(|_| Exception::throw_type(&ctx, INVALID))?;
        self.query_changed();
        Ok(())
    }

    /// `scheme://host:port`, or `"null"` for opaque origins.
    #[qjs(get, enumerable)]
    pub fn origin(&self) -> String {
        quirks::origin(&self.parsed)
    }

    /// The scheme and ":".
    #[qjs(get, enumerable)]
    pub fn protocol(&self) -> &str {
        quirks::protocol(&self.parsed)
    }

    /// Changes the scheme where the standard allows it (special stays special).
    #[qjs(set, rename = "protocol")]
    pub fn set_protocol(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let _ignored = quirks::set_protocol(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// The percent-encoded user name.
    #[qjs(get, enumerable)]
    pub fn username(&self) -> &str {
        quirks::username(&self.parsed)
    }

    /// Sets the user name (ignored where the URL cannot have credentials).
    #[qjs(set, rename = "username")]
    pub fn set_username(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let _ignored = quirks::set_username(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// The percent-encoded password.
    #[qjs(get, enumerable)]
    pub fn password(&self) -> &str {
        quirks::password(&self.parsed)
    }

    /// Sets the password (ignored where the URL cannot have credentials).
    #[qjs(set, rename = "password")]
    pub fn set_password(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let _ignored = quirks::set_password(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// Host name and, unless it is the scheme's default, ":port".
    #[qjs(get, enumerable)]
    pub fn host(&self) -> &str {
        quirks::host(&self.parsed)
    }

    /// Sets host and port; an invalid host changes nothing.
    #[qjs(set, rename = "host")]
    pub fn set_host(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let _ignored = quirks::set_host(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// The host name (IPv6 addresses in brackets, IDNA names in punycode).
    #[qjs(get, enumerable)]
    pub fn hostname(&self) -> &str {
        quirks::hostname(&self.parsed)
    }

    /// Sets the host name; an invalid one changes nothing.
    #[qjs(set, rename = "hostname")]
    pub fn set_hostname(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let _ignored = quirks::set_hostname(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// The port, or "" when it is absent or the scheme's default.
    #[qjs(get, enumerable)]
    pub fn port(&self) -> &str {
        quirks::port(&self.parsed)
    }

    /// Sets the port from its leading digits; "" removes it.
    #[qjs(set, rename = "port")]
    pub fn set_port(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        let _ignored = quirks::set_port(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// The path, percent-encoded.
    #[qjs(get, enumerable)]
    pub fn pathname(&self) -> &str {
        quirks::pathname(&self.parsed)
    }

    /// Sets the path (not for URLs with an opaque path).
    #[qjs(set, rename = "pathname")]
    pub fn set_pathname(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        quirks::set_pathname(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// "?" and the query, or "" when the query is absent or empty.
    #[qjs(get, enumerable)]
    pub fn search(&self) -> &str {
        quirks::search(&self.parsed)
    }

    /// Sets the query (a leading "?" is dropped; "" removes it) and refreshes `searchParams`.
    #[qjs(set, rename = "search")]
    pub fn set_search(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        quirks::set_search(&mut self.parsed, &usv_string(&ctx, value)?);
        self.query_changed();
        Ok(())
    }

    /// The query as a live `URLSearchParams`, the same object every time.
    #[qjs(get, enumerable)]
    pub fn search_params(this: This<Class<'js, Self>>) -> Result<Class<'js, UrlSearchParams<'js>>> {
        if let Some(params) = &this.borrow().params {
            return Ok(params.clone());
        }
        let query = this.borrow().parsed.query().unwrap_or("").to_string();
        let params = UrlSearchParams::linked(&query, this.0.clone())?;
        this.borrow_mut().params = Some(params.clone());
        Ok(params)
    }

    /// "#" and the fragment, or "" when it is absent or empty.
    #[qjs(get, enumerable)]
    pub fn hash(&self) -> &str {
        quirks::hash(&self.parsed)
    }

    /// Sets the fragment (a leading "#" is dropped; "" removes it).
    #[qjs(set, rename = "hash")]
    pub fn set_hash(&mut self, ctx: Ctx<'js>, value: Value<'js>) -> Result<()> {
        quirks::set_hash(&mut self.parsed, &usv_string(&ctx, value)?);
        Ok(())
    }

    /// The href.
    pub fn to_string(&self) -> &str {
        self.parsed.as_str()
    }

    /// The href (what `JSON.stringify` writes).
    #[qjs(rename = "toJSON")]
    pub fn to_json(&self) -> &str {
        self.parsed.as_str()
    }

    /// `Object.prototype.toString` tag.
    #[qjs(prop, rename = PredefinedAtom::SymbolToStringTag, configurable)]
    pub fn to_string_tag() -> &'static str {
        "URL"
    }
}
