//! The digit options shared by `Intl.NumberFormat` and `Intl.PluralRules`: how many integer,
//! fraction or significant digits a number keeps, rounded half away from zero ("halfExpand",
//! the ECMA-402 default).

use fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode};
use rquickjs::{Ctx, Exception, Object, Result, Value};

const HALF_EXPAND: SignedRoundingMode =
    SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand);

/// Which digits are kept.
#[derive(Debug, Clone, Copy)]
enum Rounding {
    Fraction {
        min: i16,
        max: i16,
    },
    Significant {
        min: i16,
        max: i16,
    },
    /// Compact notation's default: whole numbers from two integer digits on, two significant
    /// digits below that.
    Compact,
}

/// Resolved digit options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Digits {
    min_integer: i16,
    rounding: Rounding,
}

fn field(options: &Object<'_>, name: &str) -> Result<i16> {
    let value: Option<i32> = options.get(name)?;
    Ok(value.unwrap_or(0).clamp(0, 100) as i16)
}

impl Digits {
    /// Reads the digit options the JS glue resolved (`roundingType` is "fractionDigits",
    /// "significantDigits" or "compactRounding").
    pub(crate) fn from_options(options: &Object<'_>) -> Result<Self> {
        let kind: String = options.get("roundingType")?;
        let rounding = match kind.as_str() {
            "significantDigits" => Rounding::Significant {
                min: field(options, "minimumSignificantDigits")?.max(1),
                max: field(options, "maximumSignificantDigits")?.max(1),
            },
            "compactRounding" => Rounding::Compact,
            _ => Rounding::Fraction {
                min: field(options, "minimumFractionDigits")?,
                max: field(options, "maximumFractionDigits")?,
            },
        };
        Ok(Digits {
            min_integer: field(options, "minimumIntegerDigits")?.max(1),
            rounding,
        })
    }

    /// Rounds and pads `value` (already scaled, as a percent is) to these digits.
    pub(crate) fn apply(&self, value: &mut Decimal) {
        match self.rounding {
            Rounding::Fraction { min, max } => fraction(value, min, max),
            Rounding::Significant { min, max } => significant(value, min, max),
            Rounding::Compact => {
                if value.absolute.nonzero_magnitude_start() >= 1 {
                    fraction(value, 0, 0)
                } else {
                    significant(value, 1, 2)
                }
            }
        }
        value.absolute.pad_start(self.min_integer);
    }
}

fn fraction(value: &mut Decimal, min: i16, max: i16) {
    value.round_with_mode(-max, HALF_EXPAND);
    value.absolute.trim_end();
    value.absolute.pad_end(-min);
}

fn significant(value: &mut Decimal, min: i16, max: i16) {
    if !value.absolute.is_zero() {
        let top = value.absolute.nonzero_magnitude_start();
        value.round_with_mode(top - max + 1, HALF_EXPAND);
    }
    value.absolute.trim_end();
    let top = if value.absolute.is_zero() {
        0
    } else {
        value.absolute.nonzero_magnitude_start()
    };
    value.absolute.pad_end(top - min + 1);
}

/// A number to format: a finite decimal, or NaN or an infinity with its sign.
pub(crate) enum Input {
    Finite(Decimal),
    NaN,
    Infinite { negative: bool },
}

impl Input {
    /// Reads a JS number (as the shortest decimal that round-trips, as V8 does) or the decimal
    /// string the glue makes of a BigInt.
    pub(crate) fn from_js(ctx: &Ctx<'_>, value: &Value<'_>) -> Result<Self> {
        if let Some(text) = value.as_string() {
            let text = text.to_string()?;
            return text
                .parse::<Decimal>()
                .map(Input::Finite)
                .map_err(|_| Exception::throw_range(ctx, "Invalid number"));
        }
        let number = value.as_number().unwrap_or(f64::NAN);
        if number.is_nan() {
            return Ok(Input::NaN);
        }
        if number.is_infinite() {
            return Ok(Input::Infinite {
                negative: number < 0.0,
            });
        }
        let mut decimal = Decimal::try_from_f64(number, FloatPrecision::RoundTrip)
            .map_err(|_| Exception::throw_range(ctx, "Invalid number"))?;
        if number == 0.0 && number.is_sign_negative() {
            decimal.sign = fixed_decimal::Sign::Negative;
        }
        Ok(Input::Finite(decimal))
    }
}
