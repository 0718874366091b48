//! `Intl.NumberFormat`'s native half: a formatter resolved once from the options the JS glue
//! validated, turning a number into `formatToParts` pieces. Decimal digits come from ICU4X's
//! `DecimalFormatter`; the text around them (currency symbol, code or name, percent sign,
//! compact suffix, sign) is cut from the matching ICU4X formatter's output for the same value.

use fixed_decimal::{Decimal, Sign, SignDisplay};
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_decimal::{CompactDecimalFormatter, DecimalFormatter};
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_experimental::dimension::provider::currency::fractions::CurrencyFractionsV1;
use icu_locale::Locale;
use icu_provider::{DataError, DataProvider, DataRequest};
use rquickjs::class::Trace;
use rquickjs::{Array, Class, Ctx, Exception, JsLifetime, Object, Result, Value};
use writeable::{Part, Writeable};

use super::digits::{Digits, Input};
use super::parts::{push_merged, to_js, Piece, Spans};

/// What surrounds the digits.
enum Style {
    Decimal,
    Percent(PercentFormatter<DecimalFormatter>),
    Currency(CurrencyFormatter<DecimalFormatter>),
    Compact(CompactDecimalFormatter),
}

/// A resolved `Intl.NumberFormat`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct NumberFormatter {
    #[qjs(skip_trace)]
    digits_formatter: DecimalFormatter,
    #[qjs(skip_trace)]
    style: Style,
    #[qjs(skip_trace)]
    digits: Digits,
    #[qjs(skip_trace)]
    sign_display: SignDisplay,
}

fn data_error(ctx: &Ctx<'_>, error: DataError) -> rquickjs::Error {
    Exception::throw_range(ctx, &format!("Intl data is missing: {error}"))
}

fn grouping(name: &str) -> GroupingStrategy {
    match name {
        "always" => GroupingStrategy::Always,
        "min2" => GroupingStrategy::Min2,
        "false" => GroupingStrategy::Never,
        _ => GroupingStrategy::Auto,
    }
}

fn sign_display(name: &str) -> SignDisplay {
    match name {
        "always" => SignDisplay::Always,
        "exceptZero" => SignDisplay::ExceptZero,
        "negative" => SignDisplay::Negative,
        "never" => SignDisplay::Never,
        _ => SignDisplay::Auto,
    }
}

/// Parses an ISO 4217 code the glue already checked for shape.
pub(crate) fn currency_type(ctx: &Ctx<'_>, code: &str) -> Result<CurrencyType> {
    CurrencyType::try_from_str(&code.to_ascii_lowercase())
        .map_err(|_| Exception::throw_range(ctx, &format!("Invalid currency code : {code}")))
}

/// The number of fraction digits a currency is shown with (2 unless CLDR says otherwise).
pub(crate) fn currency_digits(ctx: &Ctx<'_>, code: &str) -> Result<u8> {
    let currency = currency_type(ctx, code)?;
    let fractions = DataProvider::<CurrencyFractionsV1>::load(
        &icu_experimental::provider::Baked,
        DataRequest::default(),
    )
    .map_err(|e| data_error(ctx, e))?;
    Ok(fractions.payload.get().resolve(currency).digits)
}

impl NumberFormatter {
    /// Builds the formatter for a locale the glue resolved and its resolved options.
    pub(crate) fn new(ctx: &Ctx<'_>, locale: &Locale, options: &Object<'_>) -> Result<Self> {
        let style: String = options.get("style")?;
        let notation: String = options.get("notation")?;
        let use_grouping: String = options.get("useGrouping")?;
        let mut decimal_options = DecimalFormatterOptions::default();
        decimal_options.grouping_strategy = Some(grouping(&use_grouping));
        let digits_formatter = DecimalFormatter::try_new(locale.into(), decimal_options)
            .map_err(|e| data_error(ctx, e))?;
        let style = match (style.as_str(), notation.as_str()) {
            ("percent", _) => Style::Percent(
                PercentFormatter::try_new(locale.into(), Default::default())
                    .map_err(|e| data_error(ctx, e))?,
            ),
            ("currency", _) => {
                let code: String = options.get("currency")?;
                let currency = currency_type(ctx, &code)?;
                let display: String = options.get("currencyDisplay")?;
                let prefs = locale.into();
                let formatter = match display.as_str() {
                    "code" => CurrencyFormatter::try_new_code(prefs, currency, Default::default()),
                    "name" => CurrencyFormatter::try_new_name(prefs, currency),
                    "narrowSymbol" => CurrencyFormatter::try_new_symbol_narrow(
                        prefs,
                        currency,
                        Default::default(),
                    ),
                    _ => CurrencyFormatter::try_new_symbol(prefs, currency, Default::default()),
                };
                Style::Currency(formatter.map_err(|e| data_error(ctx, e))?)
            }
            (_, "compact") => {
                let display: String = options.get("compactDisplay")?;
                let mut compact_options =
                    icu_decimal::options::CompactDecimalFormatterOptions::default();
                compact_options.grouping_strategy = Some(grouping(&use_grouping));
                let formatter = if display == "long" {
                    CompactDecimalFormatter::try_new_long(locale.into(), compact_options)
                } else {
                    CompactDecimalFormatter::try_new_short(locale.into(), compact_options)
                };
                Style::Compact(formatter.map_err(|e| data_error(ctx, e))?)
            }
            _ => Style::Decimal,
        };
        let sign: String = options.get("signDisplay")?;
        Ok(NumberFormatter {
            digits_formatter,
            style,
            digits: Digits::from_options(options)?,
            sign_display: sign_display(&sign),
        })
    }

    /// Rounds a finite value and applies the sign display, returning it with the compact
    /// exponent it is shown with (0 outside compact notation).
    fn prepare(&self, mut value: Decimal) -> (Decimal, u8) {
        if let Style::Percent(_) = self.style {
            value.multiply_pow10(2);
        }
        let mut exponent = 0;
        if let Style::Compact(compact) = &self.style {
            let magnitude = value.absolute.nonzero_magnitude_start();
            exponent = compact.compact_exponent_for_magnitude(magnitude);
            let mut scaled = value.clone();
            scaled.multiply_pow10(-i16::from(exponent));
            self.digits.apply(&mut scaled);
            let rounded_magnitude = scaled.absolute.nonzero_magnitude_start() + i16::from(exponent);
            if rounded_magnitude != magnitude {
                // Rounding carried into a new power of ten ("999.9K" to "1M").
                exponent = compact.compact_exponent_for_magnitude(rounded_magnitude);
                scaled = value;
                scaled.multiply_pow10(-i16::from(exponent));
                self.digits.apply(&mut scaled);
            }
            value = scaled;
        } else {
            self.digits.apply(&mut value);
        }
        value.apply_sign_display(self.sign_display);
        (value, exponent)
    }

    /// The styled text for `value` (signed), from which the affixes are cut.
    fn template(&self, value: &Decimal, exponent: u8) -> String {
        match &self.style {
            Style::Decimal => self
                .digits_formatter
                .format(value)
                .write_to_string()
                .into_owned(),
            Style::Percent(percent) => percent.format(value).write_to_string().into_owned(),
            Style::Currency(currency) => currency
                .format_fixed_decimal(value)
                .write_to_string()
                .into_owned(),
            Style::Compact(compact) => match compact.format_with_exponent(value, exponent) {
                Ok(text) => text.write_to_string().into_owned(),
                Err(_) => self
                    .digits_formatter
                    .format(value)
                    .write_to_string()
                    .into_owned(),
            },
        }
    }

    /// The JS type of affix text that is neither a sign nor a space.
    fn affix_kind(&self, c: char) -> &'static str {
        match (&self.style, c) {
            (_, '%' | '٪' | '‰' | '؉') => "percentSign",
            (Style::Currency(_), _) => "currency",
            (Style::Compact(_), _) => "compact",
            _ => "literal",
        }
    }

    /// Cuts an affix into typed pieces; spaces inside a currency name belong to it.
    fn affix_pieces(&self, affix: &str, out: &mut Vec<Piece>) {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut pending_marks = String::new();
        for c in affix.chars() {
            let kind = match c {
                '\u{200E}' | '\u{200F}' | '\u{061C}' => {
                    pending_marks.push(c);
                    continue;
                }
                '-' | '\u{2212}' => "minusSign",
                '+' => "plusSign",
                c if c.is_whitespace() => "literal",
                c => self.affix_kind(c),
            };
            let mut text = std::mem::take(&mut pending_marks);
            text.push(c);
            push_merged(&mut pieces, Piece { kind, value: text });
        }
        if !pending_marks.is_empty() {
            push_merged(&mut pieces, Piece::new("literal", &pending_marks));
        }
        for (i, piece) in pieces.iter().enumerate() {
            let inside_name = piece.kind == "literal"
                && i > 0
                && pieces[i - 1].kind == "currency"
                && pieces
                    .get(i + 1)
                    .is_some_and(|next| next.kind == "currency");
            let kind = if inside_name { "currency" } else { piece.kind };
            push_merged(out, Piece::new(kind, &piece.value));
        }
    }

    /// The pieces for one number.
    pub(crate) fn pieces(&self, input: Input) -> Vec<Piece> {
        let (stand_in, digits, exponent) = match input {
            Input::Finite(value) => {
                let (value, exponent) = self.prepare(value);
                let mut unsigned = value.clone();
                unsigned.sign = Sign::None;
                let spans = Spans::of(&self.digits_formatter.format(&unsigned));
                (value, spans.pieces(decimal_part), exponent)
            }
            Input::NaN => (Decimal::from(0), vec![Piece::new("nan", "NaN")], 0),
            Input::Infinite { negative } => {
                let mut zero = Decimal::from(0);
                if negative {
                    zero.sign = Sign::Negative;
                }
                zero.apply_sign_display(self.sign_display);
                (zero, vec![Piece::new("infinity", "∞")], 0)
            }
        };
        let template = self.template(&stand_in, exponent);
        let first = template.find(char::is_numeric).unwrap_or(template.len());
        let last = template
            .rfind(char::is_numeric)
            .map(|i| i + template[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(first)
            .max(first);
        let mut out = Vec::new();
        self.affix_pieces(&template[..first], &mut out);
        out.extend(digits);
        self.affix_pieces(&template[last..], &mut out);
        out
    }
}

/// Names ICU4X's decimal parts as ECMA-402 does.
fn decimal_part(part: &Part) -> Option<&'static str> {
    if part.category != "decimal" {
        return None;
    }
    Some(match part.value {
        "integer" => "integer",
        "fraction" => "fraction",
        "group" => "group",
        "decimal" => "decimal",
        "minusSign" => "minusSign",
        "plusSign" => "plusSign",
        _ => return None,
    })
}

#[rquickjs::methods(rename_all = "camelCase")]
impl NumberFormatter {
    /// `formatToParts` for a number, or for a BigInt passed as its decimal string.
    pub fn format_to_parts<'js>(&self, ctx: Ctx<'js>, value: Value<'js>) -> Result<Array<'js>> {
        let input = Input::from_js(&ctx, &value)?;
        to_js(&ctx, &self.pieces(input))
    }
}

/// Creates a formatter object for the glue.
pub(crate) fn create<'js>(
    ctx: &Ctx<'js>,
    locale: &Locale,
    options: &Object<'js>,
) -> Result<Class<'js, NumberFormatter>> {
    Class::instance(ctx.clone(), NumberFormatter::new(ctx, locale, options)?)
}
