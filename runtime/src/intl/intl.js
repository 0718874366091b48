// Intl (ECMA-402) for workers: option validation, locale negotiation and the constructors,
// over the ICU4X natives on internal.intl; plus the built-ins that use Intl
// (Number/BigInt/Date/Array toLocaleString, String.prototype.localeCompare).
(function (internal) {
  "use strict";
  const native = internal.intl;
  const DEFAULT_LOCALE = "en-US";
  const DEFAULT_TIME_ZONE = "UTC";
  /** Per Intl object: its native formatter and resolved options. */
  const slots = new WeakMap();

  /** How V8 names a receiver in its TypeErrors. */
  function describe(value) {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value !== "object" && typeof value !== "function") return String(value);
    if (value === null) return "null";
    const constructor = value.constructor;
    return `#<${(typeof constructor === "function" && constructor.name) || "Object"}>`;
  }

  function slotOf(object, kind, method) {
    const slot = typeof object === "object" && object !== null ? slots.get(object) : undefined;
    if (!slot || slot.kind !== kind) {
      throw new TypeError(`Method ${method} called on incompatible receiver ${describe(object)}`);
    }
    return slot;
  }

  /** The rounding fields V8 reports after the others. */
  function roundingOptions(out, priority) {
    out.roundingIncrement = 1;
    out.roundingMode = "halfExpand";
    out.roundingPriority = priority;
    out.trailingZeroDisplay = "auto";
    return out;
  }

  /** Defines non-enumerable methods and getters, as built-ins have them. */
  function define(target, members) {
    for (const key of Reflect.ownKeys(members)) {
      const descriptor = Object.getOwnPropertyDescriptor(members, key);
      descriptor.enumerable = false;
      Object.defineProperty(target, key, descriptor);
    }
  }

  function tag(prototype, name) {
    Object.defineProperty(prototype, Symbol.toStringTag, { value: name, configurable: true });
  }

  // --- Locales -------------------------------------------------------------------------

  function canonicalizeLocaleList(locales) {
    if (locales === undefined) return [];
    const seen = [];
    const list =
      typeof locales === "string" || slots.get(locales)?.kind === "Locale"
        ? [locales]
        : Object(locales);
    const length = Math.min(Math.max(Math.floor(Number(list.length)) || 0, 0), 2 ** 32);
    for (let k = 0; k < length; k++) {
      if (!(k in list)) continue;
      const value = list[k];
      if (typeof value !== "string" && (typeof value !== "object" || value === null)) {
        throw new TypeError("Language ID should be string or object.");
      }
      const text = slots.get(value)?.kind === "Locale" ? slots.get(value).tag : String(value);
      const canonical = native.canonicalizeLocale(text);
      if (!seen.includes(canonical)) seen.push(canonical);
    }
    return seen;
  }

  /** The first requested locale the data supports (else the default), with only `keys`
   * of its Unicode extension kept. */
  function resolveLocale(locales, keys) {
    for (const requested of canonicalizeLocaleList(locales)) {
      if (native.supportedLocale(requested)) return native.resolveLocale(requested, keys);
    }
    return DEFAULT_LOCALE;
  }

  /** The `-u-` keywords of a resolved tag, as { key: value }. */
  function keywordsOf(locale) {
    const keywords = {};
    const at = locale.indexOf("-u-");
    if (at < 0) return keywords;
    let key;
    for (const subtag of locale.slice(at + 3).split("-")) {
      if (subtag.length === 1) break;
      if (subtag.length === 2) {
        key = subtag;
        keywords[key] = "true";
      } else if (key) {
        keywords[key] = keywords[key] === "true" ? subtag : `${keywords[key]}-${subtag}`;
      }
    }
    return keywords;
  }

  function supportedLocalesOf(locales, options) {
    const requested = canonicalizeLocaleList(locales);
    if (options !== undefined) getOption(Object(options), "localeMatcher", ["lookup", "best fit"], "best fit", "Intl");
    return requested.filter((locale) => native.supportedLocale(locale));
  }

  // --- Options -------------------------------------------------------------------------

  function toOptions(options) {
    if (options === undefined) return Object.create(null);
    if (options === null) throw new TypeError("Cannot convert undefined or null to object");
    return Object(options);
  }

  function getOption(options, name, values, fallback, owner) {
    const value = options[name];
    if (value === undefined) return fallback;
    const text = String(value);
    if (values && !values.includes(text)) {
      throw new RangeError(`Value ${text} out of range for ${owner} options property ${name}`);
    }
    return text;
  }

  function getBoolean(options, name, fallback) {
    const value = options[name];
    return value === undefined ? fallback : Boolean(value);
  }

  function defaultNumberOption(value, minimum, maximum, fallback, name) {
    if (value === undefined) return fallback;
    const number = Number(value);
    if (Number.isNaN(number) || number < minimum || number > maximum) {
      throw new RangeError(`${name} value is out of range.`);
    }
    return Math.floor(number);
  }

  /** ECMA-402 SetNumberFormatDigitOptions, into `resolved`. */
  function digitOptions(resolved, options, fractionMin, fractionMax, notation) {
    const integerDigits = defaultNumberOption(options.minimumIntegerDigits, 1, 21, 1, "minimumIntegerDigits");
    const fractionLow = options.minimumFractionDigits;
    const fractionHigh = options.maximumFractionDigits;
    const significantLow = options.minimumSignificantDigits;
    const significantHigh = options.maximumSignificantDigits;
    resolved.minimumIntegerDigits = integerDigits;
    const hasSignificant = significantLow !== undefined || significantHigh !== undefined;
    const hasFraction = fractionLow !== undefined || fractionHigh !== undefined;
    const needSignificant = hasSignificant;
    const needFraction = !hasSignificant && (hasFraction || notation !== "compact");
    if (needSignificant) {
      const low = defaultNumberOption(significantLow, 1, 21, 1, "minimumSignificantDigits");
      resolved.minimumSignificantDigits = low;
      resolved.maximumSignificantDigits = defaultNumberOption(significantHigh, low, 21, 21, "maximumSignificantDigits");
    }
    if (needFraction) {
      if (hasFraction) {
        let low = defaultNumberOption(fractionLow, 0, 100, undefined, "minimumFractionDigits");
        let high = defaultNumberOption(fractionHigh, 0, 100, undefined, "maximumFractionDigits");
        if (low === undefined) low = Math.min(fractionMin, high);
        else if (high === undefined) high = Math.max(fractionMax, low);
        else if (low > high) throw new RangeError("maximumFractionDigits value is out of range.");
        resolved.minimumFractionDigits = low;
        resolved.maximumFractionDigits = high;
      } else {
        resolved.minimumFractionDigits = fractionMin;
        resolved.maximumFractionDigits = fractionMax;
      }
    }
    if (!needSignificant && !needFraction) {
      resolved.minimumFractionDigits = 0;
      resolved.maximumFractionDigits = 0;
      resolved.minimumSignificantDigits = 1;
      resolved.maximumSignificantDigits = 2;
      resolved.roundingType = "compactRounding";
    } else {
      resolved.roundingType = hasSignificant ? "significantDigits" : "fractionDigits";
    }
  }

  const DIGIT_ZEROS = {
    0x30: "latn", 0x660: "arab", 0x6f0: "arabext", 0x966: "deva", 0x9e6: "beng",
    0xa66: "guru", 0xae6: "gujr", 0xb66: "orya", 0xbe6: "tamldec", 0xc66: "telu",
    0xce6: "knda", 0xd66: "mlym", 0xe50: "thai", 0xed0: "laoo", 0xf20: "tibt",
    0x1040: "mymr", 0x17e0: "khmr", 0x1810: "mong", 0xff10: "fullwide",
  };

  /** The numbering system a locale's numbers use, read off how it writes zero. */
  function numberingSystemOf(locale) {
    const probe = native.numberFormat(locale, {
      style: "decimal", notation: "standard", useGrouping: "auto", signDisplay: "auto",
      roundingType: "fractionDigits", minimumIntegerDigits: 1,
      minimumFractionDigits: 0, maximumFractionDigits: 0,
    });
    const zero = probe.formatToParts(0).find((part) => part.type === "integer");
    return DIGIT_ZEROS[zero ? zero.value.codePointAt(0) : 0x30] || "latn";
  }

  // --- NumberFormat --------------------------------------------------------------------

  /** A number, or the exact decimal text of a BigInt or numeric string. */
  function toIntlNumber(value) {
    if (typeof value === "bigint") return String(value);
    if (typeof value === "string") {
      const match = /^\s*([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*$/.exec(value);
      if (match) return (match[1] === "-" ? "-" : "") + (match[2].startsWith(".") ? "0" + match[2] : match[2].replace(/\.$/, ""));
    }
    return Number(value);
  }

  function joinParts(parts) {
    let text = "";
    for (const part of parts) text += part.value;
    return text;
  }

  const NUMBER_OWNER = "Intl.NumberFormat";

  function NumberFormat(locales, options) {
    if (new.target === undefined) return new NumberFormat(locales, options);
    const opts = toOptions(options);
    getOption(opts, "localeMatcher", ["lookup", "best fit"], "best fit", NUMBER_OWNER);
    const numberingSystem = getOption(opts, "numberingSystem", undefined, undefined, NUMBER_OWNER);
    if (numberingSystem !== undefined && !/^[a-zA-Z0-9]{3,8}(-[a-zA-Z0-9]{3,8})*$/.test(numberingSystem)) {
      throw new RangeError("Invalid numberingSystem : " + numberingSystem);
    }
    let locale = resolveLocale(locales, ["nu"]);
    if (numberingSystem !== undefined && DIGITS_BY_NAME.has(numberingSystem)) {
      locale = native.resolveLocale(`${locale.split("-u-")[0]}-u-nu-${numberingSystem}`, ["nu"]);
    }
    const resolved = { locale, numberingSystem: numberingSystemOf(locale) };
    const style = getOption(opts, "style", ["decimal", "percent", "currency", "unit"], "decimal", NUMBER_OWNER);
    resolved.style = style;
    const currency = getOption(opts, "currency", undefined, undefined, NUMBER_OWNER);
    if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency)) {
      throw new RangeError("Invalid currency code : " + currency);
    }
    const currencyDisplay = getOption(opts, "currencyDisplay", ["code", "symbol", "narrowSymbol", "name"], "symbol", NUMBER_OWNER);
    const currencySign = getOption(opts, "currencySign", ["standard", "accounting"], "standard", NUMBER_OWNER);
    const unit = getOption(opts, "unit", undefined, undefined, NUMBER_OWNER);
    getOption(opts, "unitDisplay", ["short", "narrow", "long"], "short", NUMBER_OWNER);
    if (style === "currency") {
      if (currency === undefined) throw new TypeError("Currency code is required with currency style.");
      resolved.currency = currency.toUpperCase();
      resolved.currencyDisplay = currencyDisplay;
      resolved.currencySign = currencySign;
    }
    if (style === "unit") {
      if (unit === undefined) throw new TypeError("Unit is required with unit style.");
      throw new RangeError("Invalid unit argument for Intl.NumberFormat() '" + unit + "'");
    }
    const notation = getOption(opts, "notation", ["standard", "scientific", "engineering", "compact"], "standard", NUMBER_OWNER);
    let fractionMin = 0;
    let fractionMax = style === "percent" ? 0 : 3;
    if (style === "currency" && notation === "standard") {
      fractionMin = native.currencyDigits(resolved.currency);
      fractionMax = fractionMin;
    } else if (style === "currency") {
      fractionMax = 0;
    }
    digitOptions(resolved, opts, fractionMin, fractionMax, notation);
    const compactDisplay = getOption(opts, "compactDisplay", ["short", "long"], "short", NUMBER_OWNER);
    const groupingDefault = notation === "compact" ? "min2" : "auto";
    let useGrouping = opts.useGrouping;
    if (useGrouping === undefined) useGrouping = groupingDefault;
    else if (useGrouping === true) useGrouping = "always";
    else if (!useGrouping) useGrouping = false;
    else {
      useGrouping = String(useGrouping);
      if (useGrouping === "true" || useGrouping === "false") useGrouping = groupingDefault;
      else if (!["min2", "auto", "always"].includes(useGrouping)) {
        throw new RangeError(`Value ${useGrouping} out of range for ${NUMBER_OWNER} options property useGrouping`);
      }
    }
    resolved.useGrouping = useGrouping;
    resolved.notation = notation;
    if (notation === "compact") resolved.compactDisplay = compactDisplay;
    resolved.signDisplay = getOption(opts, "signDisplay", ["auto", "never", "always", "exceptZero", "negative"], "auto", NUMBER_OWNER);
    const formatter = native.numberFormat(locale, {
      ...resolved,
      useGrouping: String(useGrouping),
    });
    slots.set(this, { kind: "NumberFormat", formatter, resolved, bound: undefined });
  }

  const NUMBER_RESOLVED_ORDER = [
    "locale", "numberingSystem", "style", "currency", "currencyDisplay", "currencySign",
    "minimumIntegerDigits", "minimumFractionDigits", "maximumFractionDigits",
    "minimumSignificantDigits", "maximumSignificantDigits", "useGrouping", "notation",
    "compactDisplay", "signDisplay",
  ];

  const DIGITS_BY_NAME = new Set(Object.values(DIGIT_ZEROS));

  define(NumberFormat.prototype, {
    get format() {
      const slot = slotOf(this, "NumberFormat", "UnwrapNumberFormat");
      if (!slot.bound) {
        slot.bound = (value) => joinParts(slot.formatter.formatToParts(toIntlNumber(value)));
      }
      return slot.bound;
    },
    formatToParts(value) {
      const slot = slotOf(this, "NumberFormat", "Intl.NumberFormat.prototype.formatToParts");
      return slot.formatter.formatToParts(toIntlNumber(value));
    },
    resolvedOptions() {
      const slot = slotOf(this, "NumberFormat", "Intl.NumberFormat.prototype.resolvedOptions");
      const out = {};
      for (const key of NUMBER_RESOLVED_ORDER) {
        if (slot.resolved[key] !== undefined) out[key] = slot.resolved[key];
      }
      return roundingOptions(out, slot.resolved.roundingType === "compactRounding" ? "morePrecision" : "auto");
    },
  });
  tag(NumberFormat.prototype, "Intl.NumberFormat");

  // --- DateTimeFormat ------------------------------------------------------------------

  const DATE_OWNER = "Intl.DateTimeFormat";
  const DATE_COMPONENTS = [
    ["weekday", ["narrow", "short", "long"]],
    ["era", ["narrow", "short", "long"]],
    ["year", ["2-digit", "numeric"]],
    ["month", ["2-digit", "numeric", "narrow", "short", "long"]],
    ["day", ["2-digit", "numeric"]],
    ["dayPeriod", ["narrow", "short", "long"]],
    ["hour", ["2-digit", "numeric"]],
    ["minute", ["2-digit", "numeric"]],
    ["second", ["2-digit", "numeric"]],
    ["fractionalSecondDigits", undefined],
    ["timeZoneName", ["short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"]],
  ];
  const UTC_NAMES = new Set([
    "UTC", "ETC/UTC", "ETC/UCT", "UCT", "ETC/UNIVERSAL", "UNIVERSAL", "ETC/ZULU", "ZULU",
    "GMT", "ETC/GMT", "GMT0", "ETC/GMT0", "GMT+0", "GMT-0", "ETC/GMT+0", "ETC/GMT-0",
    "ETC/GREENWICH", "GREENWICH",
  ]);

  function canonicalTimeZone(value) {
    if (value === undefined) return DEFAULT_TIME_ZONE;
    const name = String(value);
    if (UTC_NAMES.has(name.toUpperCase())) return "UTC";
    return native.canonicalTimeZone(name);
  }

  /** ECMA-402 ToDateTimeOptions: which fields a toLocale*String call shows by default. */
  function toDateTimeOptions(options, required, defaults) {
    const opts = Object.create(options === undefined ? null : toOptions(options));
    let needDefaults = true;
    const dateFields = ["weekday", "year", "month", "day"];
    const timeFields = ["dayPeriod", "hour", "minute", "second", "fractionalSecondDigits"];
    if (required === "date" || required === "any") {
      if (dateFields.some((name) => opts[name] !== undefined)) needDefaults = false;
    }
    if (required === "time" || required === "any") {
      if (timeFields.some((name) => opts[name] !== undefined)) needDefaults = false;
    }
    const dateStyle = opts.dateStyle;
    const timeStyle = opts.timeStyle;
    if (dateStyle !== undefined || timeStyle !== undefined) needDefaults = false;
    if (required === "date" && timeStyle !== undefined) throw new TypeError("Invalid option : timeStyle");
    if (required === "time" && dateStyle !== undefined) throw new TypeError("Invalid option : dateStyle");
    if (needDefaults && (defaults === "date" || defaults === "all")) {
      for (const name of ["year", "month", "day"]) opts[name] = "numeric";
    }
    if (needDefaults && (defaults === "time" || defaults === "all")) {
      for (const name of ["hour", "minute", "second"]) opts[name] = "numeric";
    }
    return opts;
  }

  /** The hour cycle a formatter shows, read off how it writes half past midnight. */
  function hourCycleOf(locale, hourCycle) {
    const probe = native.dateTimeFormat(locale, { hour: "numeric", hourCycle, timeZone: "UTC" });
    const parts = probe.formatToParts(30 * 60 * 1000);
    const hour = parts.find((part) => part.type === "hour");
    const twelveHour = parts.some((part) => part.type === "dayPeriod");
    const digits = hour ? hour.value.replace(/[^0-9]/g, "") : "";
    if (twelveHour) return digits === "12" ? "h12" : "h11";
    return digits === "24" ? "h24" : "h23";
  }

  function DateTimeFormat(locales, options) {
    if (new.target === undefined) return new DateTimeFormat(locales, options);
    createDateTimeFormat(this, locales, toDateTimeOptions(options, "any", "date"));
  }

  function createDateTimeFormat(target, locales, opts) {
    getOption(opts, "localeMatcher", ["lookup", "best fit"], "best fit", DATE_OWNER);
    const calendar = getOption(opts, "calendar", undefined, undefined, DATE_OWNER);
    getOption(opts, "numberingSystem", undefined, undefined, DATE_OWNER);
    const hour12 = opts.hour12 === undefined ? undefined : Boolean(opts.hour12);
    let hourCycle = getOption(opts, "hourCycle", ["h11", "h12", "h23", "h24"], undefined, DATE_OWNER);
    const timeZone = canonicalTimeZone(opts.timeZone);
    const components = {};
    let hasComponent = false;
    for (const [name, values] of DATE_COMPONENTS) {
      const value =
        name === "fractionalSecondDigits"
          ? defaultNumberOption(opts[name], 1, 3, undefined, name)
          : getOption(opts, name, values, undefined, DATE_OWNER);
      if (value !== undefined) {
        components[name] = value;
        hasComponent = true;
      }
    }
    getOption(opts, "formatMatcher", ["basic", "best fit"], "best fit", DATE_OWNER);
    const dateStyle = getOption(opts, "dateStyle", ["full", "long", "medium", "short"], undefined, DATE_OWNER);
    const timeStyle = getOption(opts, "timeStyle", ["full", "long", "medium", "short"], undefined, DATE_OWNER);
    if ((dateStyle !== undefined || timeStyle !== undefined) && hasComponent) {
      throw new TypeError("Invalid option : option");
    }
    let locale = resolveLocale(locales, ["ca", "hc", "nu"]);
    const keywords = keywordsOf(locale);
    if (hourCycle === undefined && keywords.hc) hourCycle = keywords.hc;
    if (hour12 !== undefined) {
      hourCycle = hour12 ? "h12" : "h23";
    }
    if (hourCycle === "h24") hourCycle = "h23";
    if (hour12 !== undefined || hourCycle !== keywords.hc) {
      locale = native.resolveLocale(locale, ["ca", "nu"]);
    }
    const showsHour = components.hour !== undefined || timeStyle !== undefined;
    const resolved = {
      locale,
      calendar: calendar || keywords.ca || "gregory",
      numberingSystem: numberingSystemOf(locale),
      timeZone,
    };
    if (showsHour) {
      resolved.hourCycle = hourCycleOf(locale, hourCycle);
      resolved.hour12 = resolved.hourCycle === "h11" || resolved.hourCycle === "h12";
    }
    for (const [name] of DATE_COMPONENTS) {
      let value = components[name];
      if (value === undefined) continue;
      if ((name === "minute" || name === "second") && components.hour !== undefined) value = "2-digit";
      resolved[name] = value;
    }
    if (dateStyle !== undefined) resolved.dateStyle = dateStyle;
    if (timeStyle !== undefined) resolved.timeStyle = timeStyle;
    const formatter = native.dateTimeFormat(locale, {
      ...components,
      dateStyle,
      timeStyle,
      hourCycle: showsHour ? resolved.hourCycle : undefined,
      timeZone,
    });
    slots.set(target, { kind: "DateTimeFormat", formatter, resolved, bound: undefined });
  }

  /** A Date argument as a time value, as `format` takes it. */
  function toTimeValue(date) {
    const time = date === undefined ? Date.now() : Number(date);
    if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) throw new RangeError("Invalid time value");
    return Math.trunc(time) + 0;
  }

  define(DateTimeFormat.prototype, {
    get format() {
      const slot = slotOf(this, "DateTimeFormat", "UnwrapDateTimeFormat");
      if (!slot.bound) {
        slot.bound = (date) => joinParts(slot.formatter.formatToParts(toTimeValue(date)));
      }
      return slot.bound;
    },
    formatToParts(date) {
      const slot = slotOf(this, "DateTimeFormat", "Intl.DateTimeFormat.prototype.formatToParts");
      return slot.formatter.formatToParts(toTimeValue(date));
    },
    resolvedOptions() {
      const slot = slotOf(this, "DateTimeFormat", "Intl.DateTimeFormat.prototype.resolvedOptions");
      return { ...slot.resolved };
    },
  });
  tag(DateTimeFormat.prototype, "Intl.DateTimeFormat");

  // --- Collator ------------------------------------------------------------------------

  const COLLATOR_OWNER = "Intl.Collator";

  function Collator(locales, options) {
    if (new.target === undefined) return new Collator(locales, options);
    const opts = toOptions(options);
    const usage = getOption(opts, "usage", ["sort", "search"], "sort", COLLATOR_OWNER);
    getOption(opts, "localeMatcher", ["lookup", "best fit"], "best fit", COLLATOR_OWNER);
    getOption(opts, "collation", undefined, undefined, COLLATOR_OWNER);
    const numericOption = opts.numeric === undefined ? undefined : Boolean(opts.numeric);
    const caseFirstOption = getOption(opts, "caseFirst", ["upper", "lower", "false"], undefined, COLLATOR_OWNER);
    let locale = resolveLocale(locales, ["co", "kn", "kf"]);
    const keywords = keywordsOf(locale);
    const numeric = numericOption !== undefined ? numericOption : keywords.kn === "true";
    const caseFirst = caseFirstOption || keywords.kf || "false";
    const sensitivity = getOption(opts, "sensitivity", ["base", "accent", "case", "variant"], "variant", COLLATOR_OWNER);
    const ignorePunctuation = getBoolean(opts, "ignorePunctuation", false);
    if (numericOption !== undefined || caseFirstOption !== undefined) {
      locale = native.resolveLocale(locale, ["co"]);
    }
    const resolved = {
      locale, usage, sensitivity, ignorePunctuation,
      collation: keywords.co || "default", numeric, caseFirst,
    };
    const collator = native.collator(locale, resolved);
    slots.set(this, { kind: "Collator", collator, resolved, bound: undefined });
  }

  define(Collator.prototype, {
    get compare() {
      const slot = slotOf(this, "Collator", "get Intl.Collator.prototype.compare");
      if (!slot.bound) slot.bound = (x, y) => slot.collator.compare(String(x), String(y));
      return slot.bound;
    },
    resolvedOptions() {
      return { ...slotOf(this, "Collator", "Intl.Collator.prototype.resolvedOptions").resolved };
    },
  });
  tag(Collator.prototype, "Intl.Collator");

  // --- PluralRules ---------------------------------------------------------------------

  const PLURAL_OWNER = "Intl.PluralRules";

  function PluralRules(locales, options) {
    if (new.target === undefined) throw new TypeError("Constructor Intl.PluralRules requires 'new'");
    const opts = toOptions(options);
    getOption(opts, "localeMatcher", ["lookup", "best fit"], "best fit", PLURAL_OWNER);
    const type = getOption(opts, "type", ["cardinal", "ordinal"], "cardinal", PLURAL_OWNER);
    const resolved = { locale: resolveLocale(locales, []), type };
    digitOptions(resolved, opts, 0, 3, "standard");
    const rules = native.pluralRules(resolved.locale, resolved);
    slots.set(this, { kind: "PluralRules", rules, resolved });
  }

  define(PluralRules.prototype, {
    select(value) {
      return slotOf(this, "PluralRules", "Intl.PluralRules.prototype.select").rules.select(Number(value));
    },
    resolvedOptions() {
      const slot = slotOf(this, "PluralRules", "Intl.PluralRules.prototype.resolvedOptions");
      const { locale, type, roundingType, ...digits } = slot.resolved;
      const shown = { locale, type, notation: "standard", ...digits };
      shown.pluralCategories = slot.rules.categories();
      return roundingOptions(shown, "auto");
    },
  });
  tag(PluralRules.prototype, "Intl.PluralRules");

  // --- Locale --------------------------------------------------------------------------

  function Locale(tagName, options) {
    if (new.target === undefined) throw new TypeError("Constructor Intl.Locale requires 'new'");
    if (typeof tagName !== "string" && (typeof tagName !== "object" || tagName === null)) {
      throw new TypeError("First argument to Intl.Locale constructor can't be empty or missing");
    }
    let text = slots.get(tagName)?.kind === "Locale" ? slots.get(tagName).tag : String(tagName);
    const opts = toOptions(options);
    const canonical = native.canonicalizeLocale(text);
    const base = canonical.split(/-[a-wyz0-9]-|-x-/)[0];
    const subtags = base.split("-");
    const parts = { language: subtags[0] };
    for (const subtag of subtags.slice(1)) {
      if (/^[A-Z][a-z]{3}$/.test(subtag) && !parts.script && !parts.region) parts.script = subtag;
      else if (/^([A-Z]{2}|\d{3})$/.test(subtag) && !parts.region) parts.region = subtag;
    }
    for (const name of ["language", "script", "region"]) {
      const value = getOption(opts, name, undefined, undefined, "Intl.Locale");
      if (value !== undefined) parts[name] = value;
    }
    text = [parts.language, parts.script, parts.region].filter(Boolean).join("-") + canonical.slice(base.length);
    const final = native.canonicalizeLocale(text);
    slots.set(this, { kind: "Locale", tag: final, parts, keywords: keywordsOf(final) });
  }

  function localeSlot(object, name) {
    return slotOf(object, "Locale", `get Intl.Locale.prototype.${name}`);
  }

  define(Locale.prototype, {
    toString() {
      return localeSlot(this, "toString").tag;
    },
    get baseName() {
      const { parts } = localeSlot(this, "baseName");
      return [parts.language, parts.script, parts.region].filter(Boolean).join("-");
    },
    get language() {
      return localeSlot(this, "language").parts.language;
    },
    get script() {
      return localeSlot(this, "script").parts.script;
    },
    get region() {
      return localeSlot(this, "region").parts.region;
    },
    get calendar() {
      return localeSlot(this, "calendar").keywords.ca;
    },
    get numberingSystem() {
      return localeSlot(this, "numberingSystem").keywords.nu;
    },
    get hourCycle() {
      return localeSlot(this, "hourCycle").keywords.hc;
    },
  });
  tag(Locale.prototype, "Intl.Locale");

  // --- Intl ----------------------------------------------------------------------------

  const constructors = { Collator, DateTimeFormat, NumberFormat, PluralRules };
  for (const [name, constructor] of Object.entries(constructors)) {
    define(constructor, {
      supportedLocalesOf(locales, options) {
        return supportedLocalesOf(locales, options);
      },
    });
    Object.defineProperty(constructor, "name", { value: name });
  }

  const Intl = {};
  define(Intl, {
    getCanonicalLocales(locales) {
      return canonicalizeLocaleList(locales);
    },
  });
  for (const [name, constructor] of Object.entries({ ...constructors, Locale })) {
    Object.defineProperty(Intl, name, { value: constructor, writable: true, configurable: true });
  }
  Object.defineProperty(Intl, Symbol.toStringTag, { value: "Intl", configurable: true });
  Object.defineProperty(globalThis, "Intl", { value: Intl, writable: true, configurable: true });

  // --- Built-ins that use Intl ---------------------------------------------------------

  /** Formatters for calls without locales or options, made once. */
  const defaults = new Map();

  function cached(key, locales, options, make) {
    if (locales !== undefined || options !== undefined) return make();
    let made = defaults.get(key);
    if (!made) {
      made = make();
      defaults.set(key, made);
    }
    return made;
  }

  function thisNumber(value, method) {
    if (typeof value === "number") return value;
    if (value instanceof Number) return Number.prototype.valueOf.call(value);
    throw new TypeError(`${method} requires that 'this' be a Number`);
  }

  function thisBigInt(value, method) {
    if (typeof value === "bigint") return value;
    if (typeof value === "object" && value !== null) return BigInt.prototype.valueOf.call(value);
    throw new TypeError(`${method} requires that 'this' be a BigInt`);
  }

  function dateMethod(name, required, defaultsKind) {
    return function (locales, options) {
      if (!(this instanceof Date)) throw new TypeError("this is not a Date object.");
      const time = Date.prototype.getTime.call(this);
      if (Number.isNaN(time)) return "Invalid Date";
      const format = cached(name, locales, options, () => {
        const target = Object.create(DateTimeFormat.prototype);
        createDateTimeFormat(target, locales, toDateTimeOptions(options, required, defaultsKind));
        return target;
      });
      return format.format(time);
    };
  }

  define(Number.prototype, {
    toLocaleString(locales, options) {
      const value = thisNumber(this, "Number.prototype.toLocaleString");
      return cached("number", locales, options, () => new NumberFormat(locales, options)).format(value);
    },
  });
  define(BigInt.prototype, {
    toLocaleString(locales, options) {
      const value = thisBigInt(this, "BigInt.prototype.toLocaleString");
      return cached("number", locales, options, () => new NumberFormat(locales, options)).format(value);
    },
  });
  define(Date.prototype, {
    toLocaleString: dateMethod("dateTime", "any", "all"),
    toLocaleDateString: dateMethod("date", "date", "date"),
    toLocaleTimeString: dateMethod("time", "time", "time"),
  });
  define(String.prototype, {
    localeCompare(that, locales, options) {
      if (this === undefined || this === null) {
        throw new TypeError("String.prototype.localeCompare called on null or undefined");
      }
      const collator = cached("collator", locales, options, () => new Collator(locales, options));
      return collator.compare(String(this), String(that));
    },
  });
  define(Array.prototype, {
    toLocaleString(locales, options) {
      const array = Object(this);
      const length = Math.min(Math.max(Math.floor(Number(array.length)) || 0, 0), 2 ** 53 - 1);
      let text = "";
      for (let k = 0; k < length; k++) {
        if (k > 0) text += ",";
        const element = array[k];
        if (element !== undefined && element !== null) text += String(element.toLocaleString(locales, options));
      }
      return text;
    },
  });
});
