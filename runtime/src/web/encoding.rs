//! `TextEncoder` and `TextDecoder` (WHATWG Encoding Standard) on `encoding_rs`: UTF-8 out
//! (lone surrogates become U+FFFD, `encodeInto` never splits a character), and every encoding
//! the standard names in (labels, BOM handling, `fatal`, and `stream` keeping a partial
//! sequence for the next call).

#[cfg(test)]
mod tests;

use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding};
use rquickjs::atom::PredefinedAtom;
use rquickjs::class::Trace;
use rquickjs::function::Opt;
use rquickjs::{Class, Ctx, Exception, JsLifetime, Object, Result, TypedArray, Value};

use super::strings::usv_string;
use crate::buffer_source::{copy_of, write_into};

/// Defines `TextEncoder` and `TextDecoder`.
pub fn install(ctx: &Ctx<'_>) -> Result<()> {
    Class::<TextEncoder>::define(&ctx.globals())?;
    Class::<TextDecoder>::define(&ctx.globals())
}

/// A UTF-8 encoder (stateless).
#[derive(Trace, JsLifetime, Default)]
#[rquickjs::class]
pub struct TextEncoder {}

#[rquickjs::methods(rename_all = "camelCase")]
impl TextEncoder {
    /// `new TextEncoder()`
    #[qjs(constructor)]
    pub fn new() -> Self {
        TextEncoder {}
    }

    /// Always "utf-8".
    #[qjs(get, enumerable)]
    pub fn encoding(&self) -> &'static str {
        "utf-8"
    }

    /// The UTF-8 bytes of `input` (default "").
    pub fn encode<'js>(
        &self,
        ctx: Ctx<'js>,
        input: Opt<Value<'js>>,
    ) -> Result<TypedArray<'js, u8>> {
        let text = match input.0.filter(|i| !i.is_undefined()) {
            Some(input) => usv_string(&ctx, input)?,
            None => String::new(),
        };
        TypedArray::new(ctx, text.into_bytes())
    }

    /// Encodes as much of `source` as fits into `destination` (a `Uint8Array`), whole
    /// characters only, and answers `{read, written}` (UTF-16 code units read, bytes written).
    pub fn encode_into<'js>(
        &self,
        ctx: Ctx<'js>,
        source: Value<'js>,
        destination: Value<'js>,
    ) -> Result<Object<'js>> {
        let is_uint8 = destination
            .as_object()
            .is_some_and(|o| o.is_typed_array::<u8>());
        if !is_uint8 {
            return Err(Exception::throw_type(
                &ctx,
                "Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.",
            ));
        }
        let capacity = TypedArray::<u8>::from_value(destination.clone())?.len();
        let source = usv_string(&ctx, source)?;
        let (mut read, mut written) = (0, 0);
        for c in source.chars() {
            if written + c.len_utf8() > capacity {
                break;
            }
            written += c.len_utf8();
            read += c.len_utf16();
        }
        write_into(&ctx, &destination, &source.as_bytes()[..written])?;
        let result = Object::new(ctx)?;
        result.set("read", read)?;
        result.set("written", written)?;
        Ok(result)
    }

    /// `Object.prototype.toString` tag.
    #[qjs(prop, rename = PredefinedAtom::SymbolToStringTag, configurable)]
    pub fn to_string_tag() -> &'static str {
        "TextEncoder"
    }
}

/// A decoder for one encoding; between `stream: true` calls it keeps the partial input.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct TextDecoder {
    #[qjs(skip_trace)]
    encoding: &'static Encoding,
    #[qjs(skip_trace)]
    fatal: bool,
    #[qjs(skip_trace)]
    ignore_bom: bool,
    /// The decoder of a stream in progress.
    #[qjs(skip_trace)]
    pending: Option<Decoder>,
}

/// Reads a boolean member of an options dictionary (absent: false).
fn flag(options: &Opt<Value<'_>>, name: &str) -> Result<bool> {
    match options.0.as_ref().and_then(Value::as_object) {
        Some(options) => Ok(options
            .get::<_, Option<rquickjs::Coerced<bool>>>(name)?
            .is_some_and(|b| b.0)),
        None => Ok(false),
    }
}

impl TextDecoder {
    fn start(&self) -> Decoder {
        if self.ignore_bom {
            self.encoding.new_decoder_without_bom_handling()
        } else {
            self.encoding.new_decoder_with_bom_removal()
        }
    }

    /// Decodes `input` with replacement characters for malformed sequences.
    fn replacing(decoder: &mut Decoder, input: &[u8], last: bool) -> String {
        let capacity = decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len() * 3 + 16);
        let mut out = String::with_capacity(capacity);
        let mut rest = input;
        loop {
            let (result, read, _) = decoder.decode_to_string(rest, &mut out, last);
            rest = &rest[read..];
            match result {
                CoderResult::InputEmpty => return out,
                CoderResult::OutputFull => out.reserve(rest.len() * 3 + 16),
            }
        }
    }

    /// Decodes `input`, or `None` at the first malformed sequence.
    fn strict(decoder: &mut Decoder, input: &[u8], last: bool) -> Option<String> {
        let capacity = decoder
            .max_utf8_buffer_length_without_replacement(input.len())
            .unwrap_or(input.len() * 3 + 16);
        let mut out = String::with_capacity(capacity);
        let mut rest = input;
        loop {
            let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, last);
            rest = &rest[read..];
            match result {
                DecoderResult::InputEmpty => return Some(out),
                DecoderResult::OutputFull => out.reserve(rest.len() * 3 + 16),
                DecoderResult::Malformed(_, _) => return None,
            }
        }
    }
}

#[rquickjs::methods(rename_all = "camelCase")]
impl TextDecoder {
    /// `new TextDecoder(label = "utf-8", {fatal, ignoreBOM})`
    #[qjs(constructor)]
    pub fn new<'js>(
        ctx: Ctx<'js>,
        label: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<Self> {
        let label = match label.0.filter(|l| !l.is_undefined()) {
            Some(label) => usv_string(&ctx, label)?,
            None => "utf-8".to_string(),
        };
        let Some(encoding) = Encoding::for_label_no_replacement(label.as_bytes()) else {
            return Err(Exception::throw_range(
                &ctx,
                &format!("\"{label}\" is not a valid encoding."),
            ));
        };
        Ok(TextDecoder {
            encoding,
            fatal: flag(&options, "fatal")?,
            ignore_bom: flag(&options, "ignoreBOM")?,
            pending: None,
        })
    }

    /// The encoding's name, lower-cased ("utf-8", "windows-1252", ...).
    #[qjs(get, enumerable)]
    pub fn encoding(&self) -> String {
        self.encoding.name().to_ascii_lowercase()
    }

    /// Whether malformed input throws instead of decoding to U+FFFD.
    #[qjs(get, enumerable)]
    pub fn fatal(&self) -> bool {
        self.fatal
    }

    /// Whether a leading byte order mark is kept in the output.
    #[qjs(get, enumerable, rename = "ignoreBOM")]
    pub fn ignore_bom(&self) -> bool {
        self.ignore_bom
    }

    /// Decodes `input` (an `ArrayBuffer` or view; absent: nothing); with `{stream: true}` an
    /// incomplete sequence at the end waits for the next call.
    pub fn decode<'js>(
        &mut self,
        ctx: Ctx<'js>,
        input: Opt<Value<'js>>,
        options: Opt<Value<'js>>,
    ) -> Result<String> {
        let bytes = match input.0.filter(|i| !i.is_undefined()) {
            Some(input) => copy_of(&ctx, &input)?.ok_or_else(|| {
                Exception::throw_type(
                    &ctx,
                    "Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type 'Array'.",
                )
            })?,
            None => Vec::new(),
        };
        let stream = flag(&options, "stream")?;
        let mut decoder = self.pending.take().unwrap_or_else(|| self.start());
        let text = if self.fatal {
            Self::strict(&mut decoder, &bytes, !stream)
                .ok_or_else(|| Exception::throw_type(&ctx, "Failed to decode input."))?
        } else {
            Self::replacing(&mut decoder, &bytes, !stream)
        };
        if stream {
            self.pending = Some(decoder);
        }
        Ok(text)
    }

    /// `Object.prototype.toString` tag.
    #[qjs(prop, rename = PredefinedAtom::SymbolToStringTag, configurable)]
    pub fn to_string_tag() -> &'static str {
        "TextDecoder"
    }
}
