//! `URLSearchParams` (WHATWG URL Standard): an ordered list of name–value pairs built from a
//! query string, a sequence of pairs, a record or another `URLSearchParams`; serialized with the
//! `application/x-www-form-urlencoded` serializer; when it belongs to a `URL`, every change is
//! written back to that URL's query (so it lives with `URL`, which it and its URL update both
//! ways). Iterators are live, as the standard's are.

#[cfg(test)]
mod tests;

use ::url::form_urlencoded;
use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::{Opt, This};
use rquickjs::{Class, Ctx, Exception, Function, JsLifetime, Object, Result, Value};

use super::Url;
use crate::web::strings::{string_or_null, usv_string};

/// workerd's message for a pair that is not a pair.
const BAD_SEQUENCE: &str = "Invalid URL search params sequence.";

/// The name–value list, and the URL it belongs to, if any.
#[derive(Trace, JsLifetime, Default)]
#[rquickjs::class(rename = "URLSearchParams")]
pub struct UrlSearchParams<'js> {
    #[qjs(skip_trace)]
    list: Vec<(String, String)>,
    url: Option<Class<'js, Url<'js>>>,
}

/// Decodes a query (without its "?") into pairs.
fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// The values an iterable yields, by its `Symbol.iterator` method.
fn collect_iterable<'js>(iterable: &Object<'js>, method: Function<'js>) -> Result<Vec<Value<'js>>> {
    let iterator: Object = method.call((This(iterable.clone()),))?;
    let next: Function = iterator.get("next")?;
    let mut items = Vec::new();
    loop {
        let step: Object = next.call((This(iterator.clone()),))?;
        if step.get::<_, bool>("done")? {
            return Ok(items);
        }
        items.push(step.get("value")?);
    }
}

impl<'js> UrlSearchParams<'js> {
    /// The `searchParams` of `url`, holding its current `query`.
    pub(super) fn linked(query: &str, url: Class<'js, Url<'js>>) -> Result<Class<'js, Self>> {
        let ctx = url.ctx().clone();
        Class::instance(
            ctx,
            UrlSearchParams {
                list: parse_query(query),
                url: Some(url),
            },
        )
    }

    /// The URL's query changed: the list becomes its pairs.
    pub(super) fn reparse(&mut self, query: &str) {
        self.list = parse_query(query);
    }

    /// The pairs, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.list
    }

    /// The update steps: a linked URL takes the new serialization as its query.
    fn update(&self) {
        if let Some(url) = &self.url {
            url.borrow_mut().set_query_from_params(&self.serialized());
        }
    }

    fn fill(&mut self, ctx: &Ctx<'js>, init: Value<'js>) -> Result<()> {
        if let Ok(other) = Class::<UrlSearchParams>::from_value(&init) {
            self.list = other.borrow().list.clone();
            return Ok(());
        }
        let Some(object) = init.as_object() else {
            let query = usv_string(ctx, init)?;
            self.list = parse_query(query.strip_prefix('?').unwrap_or(&query));
            return Ok(());
        };
        if let Ok(method) = object.get::<_, Function>(PredefinedAtom::SymbolIterator) {
            for pair in collect_iterable(object, method)? {
                let pair = pair
                    .into_object()
                    .ok_or_else(|| Exception::throw_type(ctx, BAD_SEQUENCE))?;
                let method: Function = pair
                    .get(PredefinedAtom::SymbolIterator)
                    .map_err(|_| Exception::throw_type(ctx, BAD_SEQUENCE))?;
                let mut parts = collect_iterable(&pair, method)?.into_iter();
                let (Some(name), Some(value), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(Exception::throw_type(ctx, BAD_SEQUENCE));
                };
                self.list
                    .push((usv_string(ctx, name)?, usv_string(ctx, value)?));
            }
            return Ok(());
        }
        for entry in object.props::<String, Value>() {
            let (name, value) = entry?;
            self.list.push((name, usv_string(ctx, value)?));
        }
        Ok(())
    }
}

/// What an iterator yields.
#[derive(Clone, Copy)]
enum Part {
    Entries,
    Keys,
    Values,
}

/// A live iterator over a `URLSearchParams`: each step reads the list as it is then.
#[derive(Trace, JsLifetime)]
#[rquickjs::class(rename = "URLSearchParamsIterator")]
pub struct ParamsIterator<'js> {
    params: Class<'js, UrlSearchParams<'js>>,
    #[qjs(skip_trace)]
    index: usize,
    #[qjs(skip_trace)]
    part: Part,
}

#[rquickjs::methods(rename_all = "camelCase")]
impl<'js> ParamsIterator<'js> {
    /// The next `{value, done}` step.
    pub fn next(&mut self, ctx: Ctx<'js>) -> Result<Object<'js>> {
        let step = Object::new(ctx.clone())?;
        let params = self.params.borrow();
        match params.list.get(self.index) {
            Some((name, value)) => {
                self.index += 1;
                match self.part {
                    Part::Entries => step.set("value", vec![name.as_str(), value.as_str()])?,
                    Part::Keys => step.set("value", name.as_str())?,
                    Part::Values => step.set("value", value.as_str())?,
                }
                step.set("done", false)?;
            }
            None => {
                step.set("value", Value::new_undefined(ctx))?;
                step.set("done", true)?;
            }
        }
        Ok(step)
    }

    /// `Object.prototype.toString` tag, as workerd names its iterators.
    #[qjs(get, rename = PredefinedAtom::SymbolToStringTag, configurable)]
    pub fn to_string_tag(&self) -> &'static str {
        match self.part {
            Part::Entries => "EntryIterator",
            Part::Keys => "KeyIterator",
            Part::Values => "ValueIterator",
        }
    }
}

/// Defines `URLSearchParams` and makes its iterators inherit `%IteratorPrototype%` (so
/// `[Symbol.iterator]()` returns themselves and iterator helpers work).
pub(super) fn install(ctx: &Ctx<'_>) -> Result<()> {
    Class::<UrlSearchParams>::define(&ctx.globals())?;
    let iterator_prototype: Object =
        ctx.eval("Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))")?;
    if let Some(prototype) = Class::<ParamsIterator>::prototype(ctx)? {
        prototype.set_prototype(Some(&iterator_prototype))?;
    }
    Ok(())
}

#[rquickjs::methods(rename_all = "camelCase")]
impl<'js> UrlSearchParams<'js> {
    /// `new URLSearchParams(init?)`
    #[qjs(constructor)]
    pub fn new(ctx: Ctx<'js>, init: Opt<Value<'js>>) -> Result<Self> {
        let mut params = UrlSearchParams::default();
        if let Some(init) = init.0.filter(|i| !i.is_undefined()) {
            params.fill(&ctx, init)?;
        }
        Ok(params)
    }

    /// The number of pairs.
    #[qjs(get, enumerable)]
    pub fn size(&self) -> usize {
        self.list.len()
    }

    /// Adds a pair at the end.
    pub fn append(&mut self, ctx: Ctx<'js>, name: Value<'js>, value: Value<'js>) -> Result<()> {
        self.list
            .push((usv_string(&ctx, name)?, usv_string(&ctx, value)?));
        self.update();
        Ok(())
    }

    /// Removes every pair named `name` (and, when `value` is given, holding that value).
    pub fn delete(
        &mut self,
        ctx: Ctx<'js>,
        name: Value<'js>,
        value: Opt<Value<'js>>,
    ) -> Result<()> {
        let name = usv_string(&ctx, name)?;
        match value.0.filter(|v| !v.is_undefined()) {
            Some(value) => {
                let value = usv_string(&ctx, value)?;
                self.list.retain(|(n, v)| *n != name || *v != value);
            }
            None => self.list.retain(|(n, _)| *n != name),
        }
        self.update();
        Ok(())
    }

    /// The first value of `name`, or `null`.
    pub fn get(&self, ctx: Ctx<'js>, name: Value<'js>) -> Result<Value<'js>> {
        let name = usv_string(&ctx, name)?;
        let found = self.list.iter().find(|(n, _)| *n == name);
        string_or_null(&ctx, found.map(|(_, v)| v.as_str()))
    }

    /// Every value of `name`.
    pub fn get_all(&self, ctx: Ctx<'js>, name: Value<'js>) -> Result<Vec<String>> {
        let name = usv_string(&ctx, name)?;
        Ok(self
            .list
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .collect())
    }

    /// Whether a pair named `name` (and, when `value` is given, holding that value) exists.
    pub fn has(&self, ctx: Ctx<'js>, name: Value<'js>, value: Opt<Value<'js>>) -> Result<bool> {
        let name = usv_string(&ctx, name)?;
        Ok(match value.0.filter(|v| !v.is_undefined()) {
            Some(value) => {
                let value = usv_string(&ctx, value)?;
                self.list.iter().any(|(n, v)| *n == name && *v == value)
            }
            None => self.list.iter().any(|(n, _)| *n == name),
        })
    }

    /// Sets the first pair named `name` to `value` and removes the others (or appends).
    pub fn set(&mut self, ctx: Ctx<'js>, name: Value<'js>, value: Value<'js>) -> Result<()> {
        let name = usv_string(&ctx, name)?;
        let value = usv_string(&ctx, value)?;
        crate::web::pairs::set_first(&mut self.list, name, value);
        self.update();
        Ok(())
    }

    /// Sorts the pairs by name, in UTF-16 code unit order, keeping equal names in order.
    pub fn sort(&mut self) {
        self.list
            .sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
        self.update();
    }

    /// The `application/x-www-form-urlencoded` serialization (no leading "?").
    #[qjs(rename = "toString")]
    pub fn serialized(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.list.iter())
            .finish()
    }

    /// Calls `callback(value, name, params)` for each pair, reading the list as it goes.
    pub fn for_each(
        this: This<Class<'js, Self>>,
        callback: Function<'js>,
        this_arg: Opt<Value<'js>>,
    ) -> Result<()> {
        let receiver = this_arg
            .0
            .unwrap_or_else(|| Value::new_undefined(callback.ctx().clone()));
        let mut index = 0;
        loop {
            let Some((name, value)) = this.borrow().list.get(index).cloned() else {
                return Ok(());
            };
            callback.call::<_, ()>((This(receiver.clone()), value, name, this.0.clone()))?;
            index += 1;
        }
    }

    /// An iterator of `[name, value]` pairs.
    pub fn entries(this: This<Class<'js, Self>>) -> Result<Class<'js, ParamsIterator<'js>>> {
        iterator(this.0, Part::Entries)
    }

    /// An iterator of names.
    pub fn keys(this: This<Class<'js, Self>>) -> Result<Class<'js, ParamsIterator<'js>>> {
        iterator(this.0, Part::Keys)
    }

    /// An iterator of values.
    pub fn values(this: This<Class<'js, Self>>) -> Result<Class<'js, ParamsIterator<'js>>> {
        iterator(this.0, Part::Values)
    }

    /// `for (const [name, value] of params)`
    #[qjs(rename = PredefinedAtom::SymbolIterator)]
    pub fn iterate(this: This<Class<'js, Self>>) -> Result<Class<'js, ParamsIterator<'js>>> {
        iterator(this.0, Part::Entries)
    }

    /// `Object.prototype.toString` tag.
    #[qjs(prop, rename = PredefinedAtom::SymbolToStringTag, configurable)]
    pub fn to_string_tag() -> &'static str {
        "URLSearchParams"
    }
}

fn iterator<'js>(
    params: Class<'js, UrlSearchParams<'js>>,
    part: Part,
) -> Result<Class<'js, ParamsIterator<'js>>> {
    let ctx = params.ctx().clone();
    Class::instance(
        ctx,
        ParamsIterator {
            params,
            index: 0,
            part,
        },
    )
}
