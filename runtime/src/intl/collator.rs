//! `Intl.Collator`'s native half: an ICU4X collator (UCA with the locale's tailoring) set up
//! from `sensitivity`, `numeric`, `caseFirst` and `ignorePunctuation`.

use icu_collator::options::{AlternateHandling, CaseLevel, CollatorOptions, Strength};
use icu_collator::preferences::{CollationCaseFirst, CollationNumericOrdering};
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale::Locale;
use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result};

/// A resolved `Intl.Collator`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct LocaleCollator {
    #[qjs(skip_trace)]
    collator: CollatorBorrowed<'static>,
}

impl LocaleCollator {
    /// Builds the collator for a locale the glue resolved and its resolved options.
    pub(crate) fn new(ctx: &Ctx<'_>, locale: &Locale, options: &Object<'_>) -> Result<Self> {
        let sensitivity: String = options.get("sensitivity")?;
        let numeric: bool = options.get("numeric")?;
        let case_first: String = options.get("caseFirst")?;
        let ignore_punctuation: bool = options.get("ignorePunctuation")?;
        let mut collator_options = CollatorOptions::default();
        collator_options.strength = Some(match sensitivity.as_str() {
            "base" | "case" => Strength::Primary,
            "accent" => Strength::Secondary,
            _ => Strength::Tertiary,
        });
        if sensitivity == "case" {
            collator_options.case_level = Some(CaseLevel::On);
        }
        if ignore_punctuation {
            collator_options.alternate_handling = Some(AlternateHandling::Shifted);
        }
        let mut prefs = CollatorPreferences::from(locale);
        prefs.numeric_ordering = Some(if numeric {
            CollationNumericOrdering::True
        } else {
            CollationNumericOrdering::False
        });
        prefs.case_first = match case_first.as_str() {
            "upper" => Some(CollationCaseFirst::Upper),
            "lower" => Some(CollationCaseFirst::Lower),
            _ => prefs.case_first,
        };
        let collator = Collator::try_new(prefs, collator_options)
            .map_err(|e| Exception::throw_range(ctx, &format!("Intl data is missing: {e}")))?;
        Ok(LocaleCollator { collator })
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl LocaleCollator {
    /// -1, 0 or 1 as `a` sorts before, with or after `b`.
    pub fn compare(&self, a: String, b: String) -> i32 {
        self.collator.compare(&a, &b) as i32
    }
}

/// Creates a collator object for the glue.
pub(crate) fn create<'js>(
    ctx: &Ctx<'js>,
    locale: &Locale,
    options: &Object<'js>,
) -> Result<Class<'js, LocaleCollator>> {
    Class::instance(ctx.clone(), LocaleCollator::new(ctx, locale, options)?)
}
