//! `Intl` for workers, on ICU4X with its compiled data: the natives here build formatters
//! and answer locale questions; `intl.js` (in the prelude) is the ECMA-402 surface on top of
//! them, including the `toLocaleString` family and `String.prototype.localeCompare`.

// `#[rquickjs::methods]` generates undocumented associated constants.
#[allow(missing_docs)]
pub mod collator;
#[allow(missing_docs)]
pub mod datetime;
mod digits;
mod locale;
#[allow(missing_docs)]
pub mod number;
mod parts;
#[allow(missing_docs)]
pub mod plural;

#[cfg(test)]
mod tests;

use rquickjs::{Class, Ctx, Function, Object, Result};

fn canonicalize_locale(ctx: Ctx<'_>, tag: String) -> Result<String> {
    locale::canonicalize(&ctx, &tag)
}

fn supported_locale(ctx: Ctx<'_>, tag: String) -> Result<bool> {
    locale::supported(&ctx, &tag)
}

fn resolve_locale(ctx: Ctx<'_>, tag: String, keys: Vec<String>) -> Result<String> {
    locale::resolve(&ctx, &tag, &keys)
}

fn currency_digits(ctx: Ctx<'_>, code: String) -> Result<u8> {
    number::currency_digits(&ctx, &code)
}

fn canonical_time_zone(ctx: Ctx<'_>, name: String) -> Result<String> {
    datetime::canonical_zone(&ctx, &name)
}

fn number_format<'js>(
    ctx: Ctx<'js>,
    tag: String,
    options: Object<'js>,
) -> Result<Class<'js, number::NumberFormatter>> {
    number::create(&ctx, &locale::parse(&ctx, &tag)?, &options)
}

fn date_time_format<'js>(
    ctx: Ctx<'js>,
    tag: String,
    options: Object<'js>,
) -> Result<Class<'js, datetime::DateFormatter>> {
    datetime::create(&ctx, &locale::parse(&ctx, &tag)?, &options)
}

fn collator<'js>(
    ctx: Ctx<'js>,
    tag: String,
    options: Object<'js>,
) -> Result<Class<'js, collator::LocaleCollator>> {
    collator::create(&ctx, &locale::parse(&ctx, &tag)?, &options)
}

fn plural_rules<'js>(
    ctx: Ctx<'js>,
    tag: String,
    options: Object<'js>,
) -> Result<Class<'js, plural::LocalePluralRules>> {
    plural::create(&ctx, &locale::parse(&ctx, &tag)?, &options)
}

/// Puts the natives on `internal.intl` for the glue.
pub fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    let intl = Object::new(ctx.clone())?;
    intl.set(
        "canonicalizeLocale",
        Function::new(ctx.clone(), canonicalize_locale)?,
    )?;
    intl.set(
        "supportedLocale",
        Function::new(ctx.clone(), supported_locale)?,
    )?;
    intl.set("resolveLocale", Function::new(ctx.clone(), resolve_locale)?)?;
    intl.set(
        "currencyDigits",
        Function::new(ctx.clone(), currency_digits)?,
    )?;
    intl.set(
        "canonicalTimeZone",
        Function::new(ctx.clone(), canonical_time_zone)?,
    )?;
    intl.set("numberFormat", Function::new(ctx.clone(), number_format)?)?;
    intl.set(
        "dateTimeFormat",
        Function::new(ctx.clone(), date_time_format)?,
    )?;
    intl.set("collator", Function::new(ctx.clone(), collator)?)?;
    intl.set("pluralRules", Function::new(ctx.clone(), plural_rules)?)?;
    internal.set("intl", intl)
}
