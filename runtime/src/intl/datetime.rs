//! `Intl.DateTimeFormat`'s native half: an ICU4X `DateTimeFormatter` built from either the
//! `dateStyle`/`timeStyle` lengths or the component options (through ICU4X's field bag, which
//! mirrors ECMA-402's options), and a time zone from jiff's bundled tzdb that turns epoch
//! milliseconds into the zoned date and time being formatted.

use icu_datetime::fieldbag::field;
use icu_datetime::fieldbag::DateTimeFieldBag;
use icu_datetime::fieldsets::builder::{DateFields, FieldSetBuilder, ZoneStyle};
use icu_datetime::fieldsets::enums::CompositeFieldSet;
use icu_datetime::options::{Length, TimePrecision};
use icu_datetime::preferences::HourCycle;
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_locale::Locale;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rquickjs::class::Trace;
use rquickjs::{Array, Class, Ctx, Exception, JsLifetime, Object, Result};
use writeable::Part;

use super::parts::{to_js, Piece, Spans};

/// A resolved `Intl.DateTimeFormat`.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct DateFormatter {
    #[qjs(skip_trace)]
    formatter: DateTimeFormatter<CompositeFieldSet>,
    #[qjs(skip_trace)]
    zone: TimeZone,
}

/// The IANA zone for a name, as tzdb spells it, or V8's `RangeError`.
pub(crate) fn time_zone(ctx: &Ctx<'_>, name: &str) -> Result<TimeZone> {
    jiff::tz::db()
        .get(name)
        .map_err(|_| Exception::throw_range(ctx, &format!("Invalid time zone specified: {name}")))
}

/// The canonical spelling of a zone name.
pub(crate) fn canonical_zone(ctx: &Ctx<'_>, name: &str) -> Result<String> {
    let zone = time_zone(ctx, name)?;
    Ok(zone.iana_name().unwrap_or(name).to_string())
}

fn length(style: &str) -> Length {
    match style {
        "full" | "long" => Length::Long,
        "medium" => Length::Medium,
        _ => Length::Short,
    }
}

/// The field set of `dateStyle` and `timeStyle`.
fn styles(date_style: Option<&str>, time_style: Option<&str>) -> FieldSetBuilder {
    let mut builder = FieldSetBuilder::new();
    builder.length = Some(length(date_style.or(time_style).unwrap_or("short")));
    builder.date_fields = date_style.map(|style| match style {
        "full" => DateFields::YMDE,
        _ => DateFields::YMD,
    });
    builder.time_precision = time_style.map(|style| match style {
        "short" => TimePrecision::Minute,
        _ => TimePrecision::Second,
    });
    builder.zone_style = time_style.and_then(|style| match style {
        "full" => Some(ZoneStyle::SpecificLong),
        "long" => Some(ZoneStyle::SpecificShort),
        _ => None,
    });
    builder
}

fn text(options: &Object<'_>, name: &str) -> Result<Option<String>> {
    options.get(name)
}

/// The field bag of the component options (`weekday`, `year`, `hour`, ...).
fn components(options: &Object<'_>) -> Result<DateTimeFieldBag> {
    let mut bag = DateTimeFieldBag::default();
    bag.era = text(options, "era")?.map(|v| match v.as_str() {
        "long" => field::Era::Long,
        "narrow" => field::Era::Narrow,
        _ => field::Era::Short,
    });
    bag.year = text(options, "year")?.map(|v| match v.as_str() {
        "2-digit" => field::Year::TwoDigit,
        _ => field::Year::Numeric,
    });
    bag.month = text(options, "month")?.map(|v| match v.as_str() {
        "2-digit" => field::Month::TwoDigit,
        "long" => field::Month::Long,
        "short" => field::Month::Short,
        "narrow" => field::Month::Narrow,
        _ => field::Month::Numeric,
    });
    bag.day = text(options, "day")?.map(|v| match v.as_str() {
        "2-digit" => field::Day::TwoDigit,
        _ => field::Day::Numeric,
    });
    bag.weekday = text(options, "weekday")?.map(|v| match v.as_str() {
        "long" => field::Weekday::Long,
        "narrow" => field::Weekday::Narrow,
        _ => field::Weekday::Short,
    });
    bag.hour = text(options, "hour")?.map(|v| match v.as_str() {
        "2-digit" => field::Hour::TwoDigit,
        _ => field::Hour::Numeric,
    });
    bag.minute = text(options, "minute")?.map(|v| match v.as_str() {
        "2-digit" => field::Minute::TwoDigit,
        _ => field::Minute::Numeric,
    });
    bag.second = text(options, "second")?.map(|v| match v.as_str() {
        "2-digit" => field::Second::TwoDigit,
        _ => field::Second::Numeric,
    });
    bag.fractional_second_digits =
        options
            .get::<_, Option<u8>>("fractionalSecondDigits")?
            .map(|n| match n {
                1 => field::FractionalSecondDigits::F1,
                2 => field::FractionalSecondDigits::F2,
                _ => field::FractionalSecondDigits::F3,
            });
    bag.time_zone_name = text(options, "timeZoneName")?.map(|v| match v.as_str() {
        "long" => field::TimeZoneName::LongSpecific,
        "shortOffset" => field::TimeZoneName::ShortOffset,
        "longOffset" => field::TimeZoneName::LongOffset,
        "shortGeneric" => field::TimeZoneName::ShortGeneric,
        "longGeneric" => field::TimeZoneName::LongGeneric,
        _ => field::TimeZoneName::ShortSpecific,
    });
    if bag.hour.is_some() {
        bag.hour_kind = text(options, "hourCycle")?.map(|v| match v.as_str() {
            "h11" | "h12" => field::HourKind::Clock12,
            _ => field::HourKind::Clock24,
        });
    }
    Ok(bag)
}

impl DateFormatter {
    /// Builds the formatter for a locale the glue resolved and its resolved options.
    pub(crate) fn new(ctx: &Ctx<'_>, locale: &Locale, options: &Object<'_>) -> Result<Self> {
        let date_style = text(options, "dateStyle")?;
        let time_style = text(options, "timeStyle")?;
        let builder = if date_style.is_some() || time_style.is_some() {
            styles(date_style.as_deref(), time_style.as_deref())
        } else {
            components(options)?.to_field_set_builder()
        };
        let field_set = builder.build_composite().map_err(|e| {
            Exception::throw_type(ctx, &format!("Unsupported date-time options: {e}"))
        })?;
        let mut prefs = DateTimeFormatterPreferences::from(locale);
        if let Some(cycle) = text(options, "hourCycle")? {
            prefs.hour_cycle = Some(match cycle.as_str() {
                "h11" => HourCycle::H11,
                "h12" => HourCycle::H12,
                _ => HourCycle::H23,
            });
        }
        let formatter = DateTimeFormatter::try_new(prefs, field_set)
            .map_err(|e| Exception::throw_range(ctx, &format!("Intl data is missing: {e}")))?;
        let zone_name: String = options.get("timeZone")?;
        Ok(DateFormatter {
            formatter,
            zone: time_zone(ctx, &zone_name)?,
        })
    }

    /// The pieces for one instant, in epoch milliseconds.
    pub(crate) fn pieces(&self, ctx: &Ctx<'_>, epoch_ms: f64) -> Result<Vec<Piece>> {
        let instant = Timestamp::from_millisecond(epoch_ms as i64)
            .map_err(|_| Exception::throw_range(ctx, "Invalid time value"))?;
        let zoned = instant.to_zoned(self.zone.clone());
        let mut pieces = Spans::of(&self.formatter.format(&zoned)).pieces(datetime_part);
        // V8 prints U+202F (CLDR's space before "PM" and in ranges) as a plain space.
        for piece in &mut pieces {
            piece.value = piece.value.replace('\u{202F}', " ");
        }
        Ok(pieces)
    }
}

/// Names ICU4X's date-time parts as ECMA-402 does.
fn datetime_part(part: &Part) -> Option<&'static str> {
    if part.category != "datetime" {
        return None;
    }
    Some(match part.value {
        "era" => "era",
        "year" | "extendedYear" => "year",
        "relatedYear" => "relatedYear",
        "yearName" => "yearName",
        "month" => "month",
        "day" => "day",
        "weekday" => "weekday",
        "dayPeriod" => "dayPeriod",
        "hour" => "hour",
        "minute" => "minute",
        "second" => "second",
        "timeZoneName" => "timeZoneName",
        _ => return None,
    })
}

#[rquickjs::methods(rename_all = "camelCase")]
impl DateFormatter {
    /// `formatToParts` for a time value (epoch milliseconds, already checked finite).
    pub fn format_to_parts<'js>(&self, ctx: Ctx<'js>, epoch_ms: f64) -> Result<Array<'js>> {
        let pieces = self.pieces(&ctx, epoch_ms)?;
        to_js(&ctx, &pieces)
    }
}

/// Creates a formatter object for the glue.
pub(crate) fn create<'js>(
    ctx: &Ctx<'js>,
    locale: &Locale,
    options: &Object<'js>,
) -> Result<Class<'js, DateFormatter>> {
    Class::instance(ctx.clone(), DateFormatter::new(ctx, locale, options)?)
}
