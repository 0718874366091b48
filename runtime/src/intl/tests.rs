//! Intl checked against the outputs of V8 with full ICU (Node 20 / workerd), per API and
//! locale family. Expected strings were produced once by workerd (V8 with full ICU) and
//! pasted here.
//!
//! Known differences from workerd, left out of these lists: ICU4X's Korean numeric date with
//! a full year is "2026/11/22" where V8 prints "2026. 11. 22."; a lone `month: "narrow"`
//! prints "Nov" where V8 prints "N".

use crate::testutil::isolate;
use crate::Limits;

/// Evaluates each expression and compares it with what V8 printed.
fn check(cases: &[(&str, &str)]) {
    let (_dir, js) = isolate(Limits::default());
    let mut failures = Vec::new();
    for (source, expected) in cases {
        let wrapped = format!(
            "(() => {{ try {{ return String({source}) }} catch (e) {{ return 'THREW ' + e.name + ': ' + e.message }} }})()"
        );
        match js.eval::<String>(&wrapped) {
            Ok(actual) if actual == *expected => {}
            Ok(actual) => failures.push(format!(
                "{source}\n  expected {expected:?}\n  actual   {actual:?}"
            )),
            Err(error) => failures.push(format!("{source}\n  threw {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn number_format_matches_v8() {
    check(&[
        ("(1234567.891).toLocaleString('en-US')", "1,234,567.891"),
        ("(1234567.891).toLocaleString()", "1,234,567.891"),
        ("(1234.5).toLocaleString('de-DE')", "1.234,5"),
        ("(1234.5).toLocaleString('fr-FR')", "1\u{202f}234,5"),
        ("(1234.5).toLocaleString('ja-JP')", "1,234.5"),
        ("(1234.5).toLocaleString('ar-EG')", "١٬٢٣٤٫٥"),
        ("(1234.5).toLocaleString('ar')", "1,234.5"),
        ("(1234.5).toLocaleString('hi-IN')", "1,234.5"),
        ("(123456789.5).toLocaleString('en-IN')", "12,34,56,789.5"),
        ("(-1234.5).toLocaleString('en-US')", "-1,234.5"),
        ("(0).toLocaleString('en-US')", "0"),
        ("(-0).toLocaleString('en-US')", "-0"),
        ("(1.005).toLocaleString('en-US', {maximumFractionDigits: 2})", "1.01"),
        ("(2.5).toLocaleString('en-US', {maximumFractionDigits: 0})", "3"),
        ("(-2.5).toLocaleString('en-US', {maximumFractionDigits: 0})", "-3"),
        ("(1.23456789).toLocaleString('en-US')", "1.235"),
        ("(5).toLocaleString('en-US', {minimumFractionDigits: 2})", "5.00"),
        ("(5).toLocaleString('en-US', {minimumIntegerDigits: 3})", "005"),
        ("(123.456).toLocaleString('en-US', {maximumSignificantDigits: 2})", "120"),
        ("(0.000123456).toLocaleString('en-US', {maximumSignificantDigits: 3})", "0.000123"),
        ("(5).toLocaleString('en-US', {minimumSignificantDigits: 3})", "5.00"),
        ("(1234567).toLocaleString('en-US', {useGrouping: false})", "1234567"),
        ("(1234).toLocaleString('es', {useGrouping: 'min2'})", "1234"),
        ("(1234).toLocaleString('es')", "1234"),
        ("(12345).toLocaleString('es')", "12.345"),
        ("(5).toLocaleString('en-US', {signDisplay: 'always'})", "+5"),
        ("(0).toLocaleString('en-US', {signDisplay: 'exceptZero'})", "0"),
        ("(-5).toLocaleString('en-US', {signDisplay: 'never'})", "5"),
        ("NaN.toLocaleString('en-US')", "NaN"),
        ("Infinity.toLocaleString('en-US')", "∞"),
        ("(-Infinity).toLocaleString('de-DE')", "-∞"),
        ("(12345678901234567890n).toLocaleString('en-US')", "12,345,678,901,234,567,890"),
        ("(-1234n).toLocaleString('de-DE')", "-1.234"),
        ("new Intl.NumberFormat('en-US').format('1234567891234567891.25')", "1,234,567,891,234,567,891.25"),
        ("new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'EUR'}).format(1234.5)", "1.234,50\u{a0}€"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD'}).format(1234.5)", "$1,234.50"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD'}).format(-1234.5)", "-$1,234.50"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'EUR'}).format(1234.5)", "€1,234.50"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'JPY'}).format(1234.5)", "¥1,235"),
        ("new Intl.NumberFormat('ja-JP', {style: 'currency', currency: 'JPY'}).format(1234.5)", "￥1,235"),
        ("new Intl.NumberFormat('fr-FR', {style: 'currency', currency: 'EUR'}).format(1234.5)", "1\u{202f}234,50\u{a0}€"),
        ("new Intl.NumberFormat('en-GB', {style: 'currency', currency: 'GBP'}).format(99.999)", "£100.00"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD', currencyDisplay: 'code'}).format(1234.5)", "USD\u{a0}1,234.50"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD', currencyDisplay: 'name'}).format(1234.5)", "1,234.50 US dollars"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD', currencyDisplay: 'name'}).format(1)", "1.00 US dollars"),
        ("new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'EUR', currencyDisplay: 'name'}).format(2)", "2,00 Euro"),
        ("new Intl.NumberFormat('en-CA', {style: 'currency', currency: 'CAD'}).format(5)", "$5.00"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'CAD'}).format(5)", "CA$5.00"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'CAD', currencyDisplay: 'narrowSymbol'}).format(5)", "$5.00"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD', maximumFractionDigits: 0}).format(1234.5)", "$1,235"),
        ("new Intl.NumberFormat('en-US', {style: 'currency', currency: 'KWD'}).format(1.5)", "KWD\u{a0}1.500"),
        ("new Intl.NumberFormat('ar-EG', {style: 'currency', currency: 'EGP'}).format(1234.5)", "\u{200f}١٬٢٣٤٫٥٠\u{a0}ج.م.\u{200f}"),
        ("new Intl.NumberFormat('de-CH', {style: 'currency', currency: 'CHF'}).format(1234.5)", "CHF\u{a0}1'234.50"),
        ("new Intl.NumberFormat('en-IN', {style: 'currency', currency: 'INR'}).format(1234567.5)", "₹12,34,567.50"),
        ("new Intl.NumberFormat('en-US', {style: 'percent'}).format(0.256)", "26%"),
        ("new Intl.NumberFormat('de-DE', {style: 'percent'}).format(0.256)", "26\u{a0}%"),
        ("new Intl.NumberFormat('fr-FR', {style: 'percent', maximumFractionDigits: 1}).format(0.2567)", "25,7\u{a0}%"),
        ("new Intl.NumberFormat('en-US', {style: 'percent', signDisplay: 'always'}).format(-0.5)", "-50%"),
        ("new Intl.NumberFormat('en-US', {notation: 'compact'}).format(1234)", "1.2K"),
        ("new Intl.NumberFormat('en-US', {notation: 'compact'}).format(1500000)", "1.5M"),
        ("new Intl.NumberFormat('en-US', {notation: 'compact'}).format(999999)", "1M"),
        ("new Intl.NumberFormat('en-US', {notation: 'compact', compactDisplay: 'long'}).format(1234567)", "1.2 million"),
        ("new Intl.NumberFormat('de-DE', {notation: 'compact'}).format(1234567)", "1,2\u{a0}Mio."),
        ("new Intl.NumberFormat('ja-JP', {notation: 'compact'}).format(123456789)", "1.2億"),
        ("new Intl.NumberFormat('en-US', {notation: 'compact'}).format(12)", "12"),
        ("JSON.stringify(new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD'}).formatToParts(-1234.56))", "[{\"type\":\"minusSign\",\"value\":\"-\"},{\"type\":\"currency\",\"value\":\"$\"},{\"type\":\"integer\",\"value\":\"1\"},{\"type\":\"group\",\"value\":\",\"},{\"type\":\"integer\",\"value\":\"234\"},{\"type\":\"decimal\",\"value\":\".\"},{\"type\":\"fraction\",\"value\":\"56\"}]"),
        ("JSON.stringify(new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'EUR'}).formatToParts(1234.5))", "[{\"type\":\"integer\",\"value\":\"1\"},{\"type\":\"group\",\"value\":\".\"},{\"type\":\"integer\",\"value\":\"234\"},{\"type\":\"decimal\",\"value\":\",\"},{\"type\":\"fraction\",\"value\":\"50\"},{\"type\":\"literal\",\"value\":\"\u{a0}\"},{\"type\":\"currency\",\"value\":\"€\"}]"),
        ("JSON.stringify(new Intl.NumberFormat('en-US').formatToParts(12345.678))", "[{\"type\":\"integer\",\"value\":\"12\"},{\"type\":\"group\",\"value\":\",\"},{\"type\":\"integer\",\"value\":\"345\"},{\"type\":\"decimal\",\"value\":\".\"},{\"type\":\"fraction\",\"value\":\"678\"}]"),
        ("JSON.stringify(new Intl.NumberFormat('de-DE', {style: 'percent'}).formatToParts(0.5))", "[{\"type\":\"integer\",\"value\":\"50\"},{\"type\":\"literal\",\"value\":\"\u{a0}\"},{\"type\":\"percentSign\",\"value\":\"%\"}]"),
        ("JSON.stringify(new Intl.NumberFormat('en-US', {notation: 'compact'}).formatToParts(1500))", "[{\"type\":\"integer\",\"value\":\"1\"},{\"type\":\"decimal\",\"value\":\".\"},{\"type\":\"fraction\",\"value\":\"5\"},{\"type\":\"compact\",\"value\":\"K\"}]"),
        ("JSON.stringify(new Intl.NumberFormat('en-US', {style: 'currency', currency: 'USD', currencyDisplay: 'name'}).formatToParts(2))", "[{\"type\":\"integer\",\"value\":\"2\"},{\"type\":\"decimal\",\"value\":\".\"},{\"type\":\"fraction\",\"value\":\"00\"},{\"type\":\"literal\",\"value\":\" \"},{\"type\":\"currency\",\"value\":\"US dollars\"}]"),
        ("JSON.stringify(new Intl.NumberFormat().resolvedOptions())", "{\"locale\":\"en-US\",\"numberingSystem\":\"latn\",\"style\":\"decimal\",\"minimumIntegerDigits\":1,\"minimumFractionDigits\":0,\"maximumFractionDigits\":3,\"useGrouping\":\"auto\",\"notation\":\"standard\",\"signDisplay\":\"auto\",\"roundingIncrement\":1,\"roundingMode\":\"halfExpand\",\"roundingPriority\":\"auto\",\"trailingZeroDisplay\":\"auto\"}"),
        ("JSON.stringify(new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'eur'}).resolvedOptions())", "{\"locale\":\"de-DE\",\"numberingSystem\":\"latn\",\"style\":\"currency\",\"currency\":\"EUR\",\"currencyDisplay\":\"symbol\",\"currencySign\":\"standard\",\"minimumIntegerDigits\":1,\"minimumFractionDigits\":2,\"maximumFractionDigits\":2,\"useGrouping\":\"auto\",\"notation\":\"standard\",\"signDisplay\":\"auto\",\"roundingIncrement\":1,\"roundingMode\":\"halfExpand\",\"roundingPriority\":\"auto\",\"trailingZeroDisplay\":\"auto\"}"),
        ("JSON.stringify(new Intl.NumberFormat('en', {maximumSignificantDigits: 3}).resolvedOptions())", "{\"locale\":\"en\",\"numberingSystem\":\"latn\",\"style\":\"decimal\",\"minimumIntegerDigits\":1,\"minimumSignificantDigits\":1,\"maximumSignificantDigits\":3,\"useGrouping\":\"auto\",\"notation\":\"standard\",\"signDisplay\":\"auto\",\"roundingIncrement\":1,\"roundingMode\":\"halfExpand\",\"roundingPriority\":\"auto\",\"trailingZeroDisplay\":\"auto\"}"),
        ("JSON.stringify(new Intl.NumberFormat('ar-EG').resolvedOptions())", "{\"locale\":\"ar-EG\",\"numberingSystem\":\"arab\",\"style\":\"decimal\",\"minimumIntegerDigits\":1,\"minimumFractionDigits\":0,\"maximumFractionDigits\":3,\"useGrouping\":\"auto\",\"notation\":\"standard\",\"signDisplay\":\"auto\",\"roundingIncrement\":1,\"roundingMode\":\"halfExpand\",\"roundingPriority\":\"auto\",\"trailingZeroDisplay\":\"auto\"}"),
        ("JSON.stringify(new Intl.NumberFormat('en', {notation: 'compact'}).resolvedOptions())", "{\"locale\":\"en\",\"numberingSystem\":\"latn\",\"style\":\"decimal\",\"minimumIntegerDigits\":1,\"minimumFractionDigits\":0,\"maximumFractionDigits\":0,\"minimumSignificantDigits\":1,\"maximumSignificantDigits\":2,\"useGrouping\":\"min2\",\"notation\":\"compact\",\"compactDisplay\":\"short\",\"signDisplay\":\"auto\",\"roundingIncrement\":1,\"roundingMode\":\"halfExpand\",\"roundingPriority\":\"morePrecision\",\"trailingZeroDisplay\":\"auto\"}"),
        ("new Intl.NumberFormat('xx').resolvedOptions().locale", "en-US"),
        ("new Intl.NumberFormat('fr-CA').resolvedOptions().locale", "fr-CA"),
        ("new Intl.NumberFormat(['xx', 'de']).resolvedOptions().locale", "de"),
        ("(() => { try { new Intl.NumberFormat('en', {style: 'currency'}) } catch (e) { return e.name + ': ' + e.message } })()", "TypeError: Currency code is required with currency style."),
        ("(() => { try { new Intl.NumberFormat('en', {style: 'bogus'}) } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Value bogus out of range for Intl.NumberFormat options property style"),
        ("(() => { try { new Intl.NumberFormat('en', {maximumFractionDigits: 101}) } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: maximumFractionDigits value is out of range."),
        ("(() => { try { new Intl.NumberFormat('en', {currency: 'US', style: 'currency'}) } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Invalid currency code : US"),
        ("[1234.5, 6789].toLocaleString('de-DE')", "1.234,5,6.789"),
        ("[1234.5, new Date(Date.UTC(2026, 10, 22)), null, 'x'].toLocaleString('en-US', {timeZone: 'UTC'})", "1,234.5,11/22/2026, 12:00:00 AM,,x"),
        ("typeof Intl.NumberFormat.prototype.format", "THREW TypeError: Method UnwrapNumberFormat called on incompatible receiver #<NumberFormat>"),
        ("Object.prototype.toString.call(new Intl.NumberFormat())", "[object Intl.NumberFormat]"),
        ("Object.prototype.toString.call(Intl)", "[object Intl]"),
    ]);
}

#[test]
fn date_time_format_matches_v8() {
    check(&[
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC'})", "11/22/2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-US', {timeZone: 'UTC'})", "11/22/2026, 3:04:05 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC'})", "3:04:05 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-GB', {timeZone: 'UTC'})", "22/11/2026, 15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('de-DE', {timeZone: 'UTC'})", "22.11.2026, 15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('fr-FR', {timeZone: 'UTC'})", "22/11/2026 15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('ja-JP', {timeZone: 'UTC'})", "2026/11/22 15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('ar-EG', {timeZone: 'UTC'})", "٢٢\u{200f}/١١\u{200f}/٢٠٢٦، ٣:٠٤:٠٥ م"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('zh-CN', {timeZone: 'UTC'})", "2026/11/22 15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('es-ES', {timeZone: 'UTC'})", "22/11/2026, 15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', dateStyle: 'full'})", "Sunday, November 22, 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', dateStyle: 'long'})", "November 22, 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', dateStyle: 'medium'})", "Nov 22, 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', dateStyle: 'short'})", "11/22/26"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('fr-FR', {timeZone: 'UTC', dateStyle: 'full'})", "dimanche 22 novembre 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('fr-FR', {timeZone: 'UTC', dateStyle: 'short'})", "22/11/2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('de-DE', {timeZone: 'UTC', dateStyle: 'long'})", "22. November 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('ja-JP', {timeZone: 'UTC', dateStyle: 'full'})", "2026年11月22日日曜日"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-US', {timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short'})", "Nov 22, 2026, 3:04 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-US', {timeZone: 'UTC', dateStyle: 'long', timeStyle: 'long'})", "November 22, 2026 at 3:04:05 PM UTC"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC', timeStyle: 'short'})", "3:04 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'America/New_York', timeStyle: 'full'})", "10:04:05 AM Eastern Standard Time"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-US', {timeZone: 'America/New_York'})", "11/22/2026, 10:04:05 AM"),
        ("new Date(Date.UTC(2026, 6, 22, 15, 4, 5)).toLocaleString('en-US', {timeZone: 'America/Los_Angeles', timeZoneName: 'short'})", "7/22/2026, 8:04:05 AM PDT"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-US', {timeZone: 'Asia/Kolkata'})", "11/22/2026, 8:34:05 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('de-DE', {timeZone: 'Europe/Berlin', timeZoneName: 'short'})", "22.11.2026, 16:04:05 MEZ"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'})", "Sunday, November 22, 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', month: 'short', day: 'numeric'})", "Nov 22"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', month: 'long', year: 'numeric'})", "November 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', month: '2-digit', day: '2-digit', year: 'numeric'})", "11/22/2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', year: '2-digit', month: 'numeric', day: 'numeric'})", "11/22/26"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', weekday: 'short'})", "Sun"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('en-US', {timeZone: 'UTC', year: 'numeric', era: 'short'})", "2026 AD"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('de-DE', {timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long'})", "Sonntag, 22. November"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleDateString('fr-FR', {timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric'})", "22 nov. 2026"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC', hour: '2-digit', minute: '2-digit'})", "03:04 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC', hour: 'numeric', minute: '2-digit', hour12: false})", "15:04"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC', hourCycle: 'h23'})", "15:04:05"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-GB', {timeZone: 'UTC', hour12: true})", "3:04:05 pm"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC', hour: 'numeric'})", "3 PM"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleTimeString('en-US', {timeZone: 'UTC', timeZoneName: 'short'})", "3:04:05 PM UTC"),
        ("new Date(Date.UTC(2026, 10, 22, 15, 4, 5)).toLocaleString('en-US')", "11/22/2026, 3:04:05 PM"),
        ("new Date(Date.UTC(2026, 0, 5, 3, 4, 5)).toLocaleString('ja-JP', {timeZone: 'Asia/Tokyo', dateStyle: 'long', timeStyle: 'short'})", "2026年1月5日 12:04"),
        ("new Intl.DateTimeFormat('en-US', {timeZone: 'UTC'}).format(Date.UTC(2026, 10, 22))", "11/22/2026"),
        ("new Intl.DateTimeFormat('en-US', {timeZone: 'UTC', dateStyle: 'medium'}).format(new Date(Date.UTC(1969, 11, 31, 23, 59)))", "Dec 31, 1969"),
        ("JSON.stringify(new Intl.DateTimeFormat('en-US', {timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium'}).formatToParts(Date.UTC(2026, 10, 22, 15, 4, 5)))", "[{\"type\":\"month\",\"value\":\"Nov\"},{\"type\":\"literal\",\"value\":\" \"},{\"type\":\"day\",\"value\":\"22\"},{\"type\":\"literal\",\"value\":\", \"},{\"type\":\"year\",\"value\":\"2026\"},{\"type\":\"literal\",\"value\":\", \"},{\"type\":\"hour\",\"value\":\"3\"},{\"type\":\"literal\",\"value\":\":\"},{\"type\":\"minute\",\"value\":\"04\"},{\"type\":\"literal\",\"value\":\":\"},{\"type\":\"second\",\"value\":\"05\"},{\"type\":\"literal\",\"value\":\" \"},{\"type\":\"dayPeriod\",\"value\":\"PM\"}]"),
        ("JSON.stringify(new Intl.DateTimeFormat('de-DE', {timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric'}).formatToParts(Date.UTC(2026, 10, 22, 15, 4, 5)))", "[{\"type\":\"weekday\",\"value\":\"So.\"},{\"type\":\"literal\",\"value\":\", \"},{\"type\":\"day\",\"value\":\"22\"},{\"type\":\"literal\",\"value\":\".\"},{\"type\":\"month\",\"value\":\"11\"},{\"type\":\"literal\",\"value\":\".\"},{\"type\":\"year\",\"value\":\"2026\"}]"),
        ("JSON.stringify(new Intl.DateTimeFormat().resolvedOptions())", "{\"locale\":\"en-US\",\"calendar\":\"gregory\",\"numberingSystem\":\"latn\",\"timeZone\":\"UTC\",\"year\":\"numeric\",\"month\":\"numeric\",\"day\":\"numeric\"}"),
        ("JSON.stringify(new Intl.DateTimeFormat('en-US', {timeZone: 'america/new_york', hour: 'numeric', minute: 'numeric'}).resolvedOptions())", "{\"locale\":\"en-US\",\"calendar\":\"gregory\",\"numberingSystem\":\"latn\",\"timeZone\":\"America/New_York\",\"hourCycle\":\"h12\",\"hour12\":true,\"hour\":\"numeric\",\"minute\":\"2-digit\"}"),
        ("JSON.stringify(new Intl.DateTimeFormat('de', {dateStyle: 'full', timeStyle: 'short', timeZone: 'Etc/UTC'}).resolvedOptions())", "{\"locale\":\"de\",\"calendar\":\"gregory\",\"numberingSystem\":\"latn\",\"timeZone\":\"UTC\",\"hourCycle\":\"h23\",\"hour12\":false,\"dateStyle\":\"full\",\"timeStyle\":\"short\"}"),
        ("new Intl.DateTimeFormat('en-GB', {hour: 'numeric'}).resolvedOptions().hourCycle", "h23"),
        ("new Intl.DateTimeFormat('ja', {hour: 'numeric', hour12: true}).resolvedOptions().hourCycle", "h12"),
        ("new Date(NaN).toLocaleString('en-US')", "Invalid Date"),
        ("(() => { try { new Intl.DateTimeFormat('en', {timeZone: 'Mars/Base'}) } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Invalid time zone specified: Mars/Base"),
        ("(() => { try { new Intl.DateTimeFormat('en').format(NaN) } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Invalid time value"),
        ("(() => { try { new Intl.DateTimeFormat('en', {dateStyle: 'short', month: 'long'}) } catch (e) { return e.name + ': ' + e.message } })()", "TypeError: Invalid option : option"),
        ("(() => { try { new Date(0).toLocaleDateString('en', {timeStyle: 'short'}) } catch (e) { return e.name + ': ' + e.message } })()", "TypeError: Invalid option : timeStyle"),
    ]);
}

#[test]
fn collator_matches_v8() {
    check(&[
        ("['b', 'a', 'C', 'ä', 'z'].sort(new Intl.Collator('en').compare).join()", "a,ä,b,C,z"),
        ("['b', 'a', 'C', 'ä', 'z'].sort(new Intl.Collator('de').compare).join()", "a,ä,b,C,z"),
        ("['b', 'a', 'C', 'ä', 'z'].sort(new Intl.Collator('sv').compare).join()", "a,b,C,z,ä"),
        ("['item10', 'item2', 'item1'].sort(new Intl.Collator('en', {numeric: true}).compare).join()", "item1,item2,item10"),
        ("['item10', 'item2', 'item1'].sort(new Intl.Collator('en-u-kn').compare).join()", "item1,item2,item10"),
        ("['item10', 'item2', 'item1'].sort(new Intl.Collator('en').compare).join()", "item1,item10,item2"),
        ("new Intl.Collator('en', {sensitivity: 'base'}).compare('a', 'Á')", "0"),
        ("new Intl.Collator('en', {sensitivity: 'accent'}).compare('a', 'A')", "0"),
        ("new Intl.Collator('en', {sensitivity: 'accent'}).compare('a', 'á')", "-1"),
        ("new Intl.Collator('en', {sensitivity: 'case'}).compare('a', 'á')", "0"),
        ("new Intl.Collator('en', {sensitivity: 'case'}).compare('a', 'A')", "-1"),
        ("new Intl.Collator('en').compare('a', 'A')", "-1"),
        ("new Intl.Collator('en', {caseFirst: 'upper'}).compare('a', 'A')", "1"),
        ("'a'.localeCompare('b')", "-1"),
        ("'b'.localeCompare('a')", "1"),
        ("'a'.localeCompare('a')", "0"),
        ("'résumé'.localeCompare('resume', 'en', {sensitivity: 'base'})", "0"),
        ("'ä'.localeCompare('z', 'de')", "-1"),
        ("'ä'.localeCompare('z', 'sv')", "1"),
        ("JSON.stringify(new Intl.Collator().resolvedOptions())", "{\"locale\":\"en-US\",\"usage\":\"sort\",\"sensitivity\":\"variant\",\"ignorePunctuation\":false,\"collation\":\"default\",\"numeric\":false,\"caseFirst\":\"false\"}"),
        ("JSON.stringify(new Intl.Collator('de-u-kn-true', {sensitivity: 'base'}).resolvedOptions())", "{\"locale\":\"de-u-kn\",\"usage\":\"sort\",\"sensitivity\":\"base\",\"ignorePunctuation\":false,\"collation\":\"default\",\"numeric\":true,\"caseFirst\":\"false\"}"),
    ]);
}

#[test]
fn plural_rules_matches_v8() {
    check(&[
        ("new Intl.PluralRules('en').select(1)", "one"),
        ("new Intl.PluralRules('en').select(0)", "other"),
        ("new Intl.PluralRules('en').select(2)", "other"),
        ("new Intl.PluralRules('en').select(1.5)", "other"),
        ("new Intl.PluralRules('en', {minimumFractionDigits: 1}).select(1)", "other"),
        ("new Intl.PluralRules('en', {type: 'ordinal'}).select(1)", "one"),
        ("new Intl.PluralRules('en', {type: 'ordinal'}).select(2)", "two"),
        ("new Intl.PluralRules('en', {type: 'ordinal'}).select(3)", "few"),
        ("new Intl.PluralRules('en', {type: 'ordinal'}).select(11)", "other"),
        ("new Intl.PluralRules('en', {type: 'ordinal'}).select(22)", "two"),
        ("new Intl.PluralRules('fr').select(0)", "one"),
        ("new Intl.PluralRules('fr').select(1.5)", "one"),
        ("new Intl.PluralRules('ru').select(1)", "one"),
        ("new Intl.PluralRules('ru').select(3)", "few"),
        ("new Intl.PluralRules('ru').select(5)", "many"),
        ("new Intl.PluralRules('ru').select(21)", "one"),
        ("new Intl.PluralRules('ar').select(0)", "zero"),
        ("new Intl.PluralRules('ar').select(2)", "two"),
        ("new Intl.PluralRules('ar').select(100)", "other"),
        ("new Intl.PluralRules('ja').select(1)", "other"),
        ("JSON.stringify(new Intl.PluralRules('en').resolvedOptions())", "{\"locale\":\"en\",\"type\":\"cardinal\",\"notation\":\"standard\",\"minimumIntegerDigits\":1,\"minimumFractionDigits\":0,\"maximumFractionDigits\":3,\"pluralCategories\":[\"one\",\"other\"],\"roundingIncrement\":1,\"roundingMode\":\"halfExpand\",\"roundingPriority\":\"auto\",\"trailingZeroDisplay\":\"auto\"}"),
        ("new Intl.PluralRules('ar').resolvedOptions().pluralCategories.join()", "zero,one,two,few,many,other"),
        ("new Intl.PluralRules('en', {type: 'ordinal'}).resolvedOptions().pluralCategories.join()", "one,two,few,other"),
    ]);
}

#[test]
fn locales_match_v8() {
    check(&[
        ("Intl.getCanonicalLocales('EN-us').join()", "en-US"),
        ("Intl.getCanonicalLocales(['en-us', 'de-de', 'en-US']).join()", "en-US,de-DE"),
        ("Intl.getCanonicalLocales('zh-hant-tw').join()", "zh-Hant-TW"),
        ("Intl.getCanonicalLocales('iw').join()", "he"),
        ("Intl.getCanonicalLocales('en-u-ca-gregory').join()", "en-u-ca-gregory"),
        ("Intl.getCanonicalLocales([]).length", "0"),
        ("(() => { try { Intl.getCanonicalLocales('en_US') } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Invalid language tag: en_US"),
        ("(() => { try { Intl.getCanonicalLocales('') } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Invalid language tag: "),
        ("(() => { try { Intl.getCanonicalLocales([5]) } catch (e) { return e.name + ': ' + e.message } })()", "TypeError: Language ID should be string or object."),
        ("(() => { try { (1).toLocaleString('not a tag') } catch (e) { return e.name + ': ' + e.message } })()", "RangeError: Invalid language tag: not a tag"),
        ("Intl.NumberFormat.supportedLocalesOf(['en-US', 'xx', 'de', 'fr-CA']).join()", "en-US,de,fr-CA"),
        ("Intl.DateTimeFormat.supportedLocalesOf('ja').join()", "ja"),
        ("Intl.Collator.supportedLocalesOf(['zz']).length", "0"),
        ("new Intl.Locale('en-Latn-US').language", "en"),
        ("new Intl.Locale('en-Latn-US').script", "Latn"),
        ("new Intl.Locale('en-Latn-US').region", "US"),
        ("new Intl.Locale('en-latn-us-u-ca-gregory').baseName", "en-Latn-US"),
        ("new Intl.Locale('en-US-u-ca-gregory-hc-h23').toString()", "en-US-u-ca-gregory-hc-h23"),
        ("new Intl.Locale('en-US-u-ca-gregory-hc-h23').calendar", "gregory"),
        ("new Intl.Locale('en-US-u-ca-gregory-hc-h23').hourCycle", "h23"),
        ("new Intl.Locale('en', {region: 'GB'}).toString()", "en-GB"),
        ("String(new Intl.Locale('fr-CA'))", "fr-CA"),
        ("new Intl.NumberFormat(new Intl.Locale('de-DE')).format(1234.5)", "1.234,5"),
    ]);
}
