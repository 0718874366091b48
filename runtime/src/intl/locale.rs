//! Language tags: parsing and canonicalizing BCP 47 tags (`Intl.getCanonicalLocales`), and
//! deciding whether the compiled ICU4X data has a locale's language, which is what makes it
//! "supported" for `supportedLocalesOf` and locale negotiation.

use icu_datetime::provider::names::DatetimeNamesMonthGregorianV1;
use icu_datetime::provider::Baked;
use icu_locale::{Locale, LocaleCanonicalizer};
use icu_provider::{
    DataIdentifierBorrowed, DataLocale, DataMarkerAttributes, DataProvider, DataRequest,
};
use rquickjs::{Ctx, Exception, Result};

/// Parses a tag, throwing V8's `RangeError` when it is not a well-formed BCP 47 tag.
pub(crate) fn parse(ctx: &Ctx<'_>, tag: &str) -> Result<Locale> {
    // ICU4X also accepts "_" as a separator; ECMA-402 does not.
    let parsed = if tag.contains('_') {
        None
    } else {
        Locale::try_from_str(tag).ok()
    };
    parsed.ok_or_else(|| Exception::throw_range(ctx, &format!("Invalid language tag: {tag}")))
}

/// The canonical form of a tag: aliases replaced, subtags in canonical case and order.
pub(crate) fn canonicalize(ctx: &Ctx<'_>, tag: &str) -> Result<String> {
    let mut locale = parse(ctx, tag)?;
    LocaleCanonicalizer::new_extended().canonicalize(&mut locale);
    Ok(locale.to_string())
}

/// Whether the compiled data has the tag's language (and script, when it names one), as
/// opposed to falling back to the root locale. Gregorian month names tell: the root locale
/// has none ("M01"), so every language with data has its own.
pub(crate) fn supported(ctx: &Ctx<'_>, tag: &str) -> Result<bool> {
    let locale = parse(ctx, tag)?;
    let mut base = Locale::UNKNOWN;
    base.id.language = locale.id.language;
    base.id.script = locale.id.script;
    if base.id.language.is_unknown() {
        return Ok(false);
    }
    let data_locale = DataLocale::from(&base);
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_marker_attributes_and_locale(
            DataMarkerAttributes::from_str_or_panic("5"),
            &data_locale,
        ),
        ..Default::default()
    };
    Ok(
        match DataProvider::<DatetimeNamesMonthGregorianV1>::load(&Baked, request) {
            Ok(response) => response
                .metadata
                .locale
                .is_none_or(|found| !found.is_unknown()),
            Err(_) => false,
        },
    )
}

/// The tag as a formatter resolves it: its language, script, region and variants, plus only
/// the Unicode extension keywords in `keys` (like "nu" or "co") that the tag carries.
pub(crate) fn resolve(ctx: &Ctx<'_>, tag: &str, keys: &[String]) -> Result<String> {
    let mut locale = parse(ctx, tag)?;
    LocaleCanonicalizer::new_extended().canonicalize(&mut locale);
    let unicode = &mut locale.extensions.unicode;
    unicode
        .keywords
        .retain_by_key(|key| keys.iter().any(|k| k == key.as_str()));
    let keywords = unicode.keywords.clone();
    locale.extensions = Default::default();
    locale.extensions.unicode.keywords = keywords;
    Ok(locale.to_string())
}
