//! `Intl.PluralRules`'s native half: ICU4X cardinal or ordinal rules applied to the number as
//! the digit options round it.

use icu_locale::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result, Value};

use super::digits::{Digits, Input};

/// A resolved `Intl.PluralRules`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct LocalePluralRules {
    #[qjs(skip_trace)]
    rules: PluralRules,
    #[qjs(skip_trace)]
    digits: Digits,
}

/// The ECMA-402 name of a category.
fn name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

impl LocalePluralRules {
    /// Builds the rules for a locale the glue resolved and its resolved options.
    pub(crate) fn new(ctx: &Ctx<'_>, locale: &Locale, options: &Object<'_>) -> Result<Self> {
        let kind: String = options.get("type")?;
        let rules = if kind == "ordinal" {
            PluralRules::try_new_ordinal(locale.into())
        } else {
            PluralRules::try_new_cardinal(locale.into())
        }
        .map_err(|e| Exception::throw_range(ctx, &format!("Intl data is missing: {e}")))?;
        Ok(LocalePluralRules {
            rules,
            digits: Digits::from_options(options)?,
        })
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl LocalePluralRules {
    /// The category of a number.
    pub fn select<'js>(&self, ctx: Ctx<'js>, value: Value<'js>) -> Result<&'static str> {
        Ok(match Input::from_js(&ctx, &value)? {
            Input::Finite(mut decimal) => {
                self.digits.apply(&mut decimal);
                name(self.rules.category_for(&decimal))
            }
            _ => "other",
        })
    }

    /// The categories the locale's rules use, in ECMA-402's order.
    pub fn categories(&self) -> Vec<&'static str> {
        let used: Vec<PluralCategory> = self.rules.categories().collect();
        [
            PluralCategory::Zero,
            PluralCategory::One,
            PluralCategory::Two,
            PluralCategory::Few,
            PluralCategory::Many,
            PluralCategory::Other,
        ]
        .into_iter()
        .filter(|c| used.contains(c))
        .map(name)
        .collect()
    }
}

/// Creates a plural rules object for the glue.
pub(crate) fn create<'js>(
    ctx: &Ctx<'js>,
    locale: &Locale,
    options: &Object<'js>,
) -> Result<Class<'js, LocalePluralRules>> {
    Class::instance(ctx.clone(), LocalePluralRules::new(ctx, locale, options)?)
}
