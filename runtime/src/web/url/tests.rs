use crate::testutil::{eval, thrown};

/// `[href, origin, protocol, host, hostname, port, pathname, search, hash]` of `new URL(input, base)`.
fn parts(input: &str, base: Option<&str>) -> String {
    let base = base.map_or("undefined".to_string(), |b| format!("{b:?}"));
    eval(&format!(
        "const u = new URL({input:?}, {base}); JSON.stringify([u.href, u.origin, u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash])"
    ))
}

#[test]
fn parses_like_the_url_standard() {
    // Expected values are Node's (ada, as in workerd).
    let cases: &[(&str, Option<&str>, &str)] = &[
        (
            "http://[2001:db8::1]:8080/p",
            None,
            r##"["http://[2001:db8::1]:8080/p","http://[2001:db8::1]:8080","http:","[2001:db8::1]:8080","[2001:db8::1]","8080","/p","",""]"##,
        ),
        (
            "http://[::ffff:192.168.0.1]/",
            None,
            r##"["http://[::ffff:c0a8:1]/","http://[::ffff:c0a8:1]","http:","[::ffff:c0a8:1]","[::ffff:c0a8:1]","","/","",""]"##,
        ),
        (
            "HTTP://EXAMPLE.COM:80/a/./b/../c",
            None,
            r##"["http://example.com/a/c","http://example.com","http:","example.com","example.com","","/a/c","",""]"##,
        ),
        (
            "https://example.com:443",
            None,
            r##"["https://example.com/","https://example.com","https:","example.com","example.com","","/","",""]"##,
        ),
        (
            "ws://h:80/",
            None,
            r##"["ws://h/","ws://h","ws:","h","h","","/","",""]"##,
        ),
        (
            "ftp://h:21/x",
            None,
            r##"["ftp://h/x","ftp://h","ftp:","h","h","","/x","",""]"##,
        ),
        (
            "http://münchen.de/ä ö?q=ä ö&x='\"<>#f ä",
            None,
            r##"["http://xn--mnchen-3ya.de/%C3%A4%20%C3%B6?q=%C3%A4%20%C3%B6&x=%27%22%3C%3E#f%20%C3%A4","http://xn--mnchen-3ya.de","http:","xn--mnchen-3ya.de","xn--mnchen-3ya.de","","/%C3%A4%20%C3%B6","?q=%C3%A4%20%C3%B6&x=%27%22%3C%3E","#f%20%C3%A4"]"##,
        ),
        (
            "../x/y?z#w",
            Some("http://a/b/c/d"),
            r##"["http://a/b/x/y?z#w","http://a","http:","a","a","","/b/x/y","?z","#w"]"##,
        ),
        (
            "//other.host/p",
            Some("https://a/b"),
            r##"["https://other.host/p","https://other.host","https:","other.host","other.host","","/p","",""]"##,
        ),
        (
            "?q",
            Some("http://a/b/c"),
            r##"["http://a/b/c?q","http://a","http:","a","a","","/b/c","?q",""]"##,
        ),
        (
            "#h",
            Some("http://a/b?q"),
            r##"["http://a/b?q#h","http://a","http:","a","a","","/b","?q","#h"]"##,
        ),
        (
            "mailto:someone@example.com",
            None,
            r##"["mailto:someone@example.com","null","mailto:","","","","someone@example.com","",""]"##,
        ),
        (
            "data:text/plain,hi there",
            None,
            r##"["data:text/plain,hi there","null","data:","","","","text/plain,hi there","",""]"##,
        ),
        (
            "file:///C:/x/../y",
            None,
            r##"["file:///C:/y","null","file:","","","","/C:/y","",""]"##,
        ),
        (
            "http://0x7f.1/",
            None,
            r##"["http://127.0.0.1/","http://127.0.0.1","http:","127.0.0.1","127.0.0.1","","/","",""]"##,
        ),
        (
            "non-special://h/a/../b",
            None,
            r##"["non-special://h/b","null","non-special:","h","h","","/b","",""]"##,
        ),
        (
            "http://a/%2e%2E/b/%2e/c",
            None,
            r##"["http://a/b/c","http://a","http:","a","a","","/b/c","",""]"##,
        ),
        (
            "http://a\\b\\c",
            None,
            r##"["http://a/b/c","http://a","http:","a","a","","/b/c","",""]"##,
        ),
        (
            "  http://a/b\t\n  ",
            None,
            r##"["http://a/b","http://a","http:","a","a","","/b","",""]"##,
        ),
        (
            "blob:https://a.com/uuid",
            None,
            r##"["blob:https://a.com/uuid","https://a.com","blob:","","","","https://a.com/uuid","",""]"##,
        ),
    ];
    for (input, base, expected) in cases {
        assert_eq!(parts(input, *base), *expected, "{input} against {base:?}");
    }
}

#[test]
fn invalid_urls_throw_type_errors_and_can_parse_says_no() {
    for bad in [
        "http://",
        "http://a b/",
        "http://[::1/",
        "http://999.1.1.1.1/",
        "http://300.0.0.1/",
        "//x",
        "",
    ] {
        assert_eq!(
            thrown(&format!("new URL({bad:?})")),
            "TypeError: Invalid URL string.",
            "{bad}"
        );
        assert_eq!(
            eval(&format!("String(URL.canParse({bad:?}))")),
            "false",
            "{bad}"
        );
        assert_eq!(
            eval(&format!("String(URL.parse({bad:?}))")),
            "null",
            "{bad}"
        );
    }
    assert_eq!(
        thrown("new URL('/a', 'not a base')"),
        "TypeError: Invalid URL string."
    );
    assert_eq!(
        eval("String(URL.canParse('/a', 'http://x')) + URL.parse('/a', 'http://x').href"),
        "truehttp://x/a"
    );
    assert_eq!(eval("new URL('http://x/', undefined).href"), "http://x/");
}

#[test]
fn setters_follow_the_standard() {
    assert_eq!(
        eval(
            "const u = new URL('https://a.com/p?x=1#f'); const out = [];
             u.hostname = 'b.com'; u.pathname = '/q r'; u.hash = 'g h'; u.username = 'u@'; u.password = 'p:'; u.port = '443'; out.push(u.href);
             u.port = '99999'; u.host = 'c.com:81'; out.push(u.href);
             u.protocol = 'foo'; out.push(u.href); u.protocol = 'http:'; out.push(u.href);
             u.search = ''; u.hash = ''; out.push(u.href);
             try { u.href = 'bad' } catch (e) { out.push(e.name + ' ' + u.href) }
             out.join('\\n')"
        ),
        "https://u%40:p%3A@b.com/q%20r?x=1#g%20h\n\
         https://u%40:p%3A@c.com:81/q%20r?x=1#g%20h\n\
         https://u%40:p%3A@c.com:81/q%20r?x=1#g%20h\n\
         http://u%40:p%3A@c.com:81/q%20r?x=1#g%20h\n\
         http://u%40:p%3A@c.com:81/q%20r\n\
         TypeError http://u%40:p%3A@c.com:81/q%20r"
    );
}

#[test]
fn search_params_are_linked_both_ways() {
    assert_eq!(
        eval(
            "const v = new URL('http://h/?a=1&b=2'); const p = v.searchParams; const out = [];
             p.delete('a'); out.push(v.href, v.search); p.delete('b'); out.push(v.href);
             p.set('é', 'x y'); out.push(v.href);
             v.search = '?c=3'; out.push(p.get('c'), p.size, v.searchParams === p);
             v.href = 'http://new/?d=4'; out.push([...p].join());
             out.join(' ')"
        ),
        "http://h/?b=2 ?b=2 http://h/ http://h/?%C3%A9=x+y 3 1 true d,4"
    );
}

#[test]
fn serializes_as_href() {
    assert_eq!(
        eval("const u = new URL('http://x/a b'); [String(u), u.toString(), JSON.stringify({u}), Object.prototype.toString.call(u)].join(' ')"),
        r#"http://x/a%20b http://x/a%20b {"u":"http://x/a%20b"} [object URL]"#
    );
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    assert_eq!(eval("new URL('http://x/\\uD800').pathname"), "/%EF%BF%BD");
}
