//! WebIDL string conversions for natives: `USVString` (lone surrogates become U+FFFD) from any
//! JavaScript value.

use rquickjs::convert::Coerced;
use rquickjs::function::This;
use rquickjs::{Ctx, Error, FromJs, Function, Object, Result, Value};

/// `ToString(value)` as a `USVString`: QuickJS hands lone surrogates out as WTF-8, which Rust
/// strings cannot hold, so such strings are made well-formed first (the rare slow path).
pub fn usv_string<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Result<String> {
    let string = match value.as_string() {
        Some(string) => string.clone(),
        None => Coerced::<rquickjs::String>::from_js(ctx, value)?.0,
    };
    match string.to_string() {
        Err(Error::Utf8(_)) => {
            let prototype: Object = ctx.globals().get::<_, Object>("String")?.get("prototype")?;
            let well_formed: Function = prototype.get("toWellFormed")?;
            let fixed: rquickjs::String = well_formed.call((This(string),))?;
            fixed.to_string()
        }
        other => other,
    }
}

/// A string, or `null` (rquickjs turns `None` into `undefined`, while Web APIs answer `null`).
pub fn string_or_null<'js>(ctx: &Ctx<'js>, value: Option<&str>) -> Result<Value<'js>> {
    match value {
        Some(value) => Ok(rquickjs::String::from_str(ctx.clone(), value)?.into_value()),
        None => Ok(Value::new_null(ctx.clone())),
    }
}
