//! The R2 binding run from real JavaScript in an isolate, against a bucket in a temporary
//! directory.

use std::path::Path;

use crate::testutil::{run_on, with_bindings};
use crate::{Bindings, Isolate};

/// An isolate whose `env.BUCKET` is the bucket kept in `bucket`.
fn with_bucket(root: &Path, bucket: &Path) -> Isolate {
    let bindings = Bindings {
        r2: vec![("BUCKET".into(), bucket.to_path_buf())],
        ..Default::default()
    };
    with_bindings(root, bindings)
}

/// Runs `body` (an async function body that sees `BUCKET`) and returns what it returned.
fn run(js: &Isolate, body: &str) -> String {
    run_on(
        js,
        &format!(
            "const {{ env }} = await import('cloudflare:workers');\nconst BUCKET = env.BUCKET;\n{body}"
        ),
    )
}

fn setup() -> (tempfile::TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    let js = with_bucket(&dir.path().join("site"), &dir.path().join("bucket"));
    (dir, js)
}

#[test]
fn put_get_head_round_trip_with_metadata_and_etag() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        const put = await BUCKET.put("a/b.txt", "hello", {
          httpMetadata: { contentType: "text/plain" },
          customMetadata: { owner: "me" },
        });
        const got = await BUCKET.get("a/b.txt");
        const head = await BUCKET.head("a/b.txt");
        const h = new Headers();
        got.writeHttpMetadata(h);
        return [put.etag, put.httpEtag, put.size, await got.text(), got.bodyUsed,
          head.httpMetadata.contentType, head.customMetadata.owner, h.get("content-type"),
          JSON.stringify(head.checksums), head.uploaded instanceof Date,
          await BUCKET.get("missing"), await BUCKET.head("missing")].join("|");
        "#,
    );
    assert_eq!(
        out,
        "5d41402abc4b2a76b9719d911017c592|\"5d41402abc4b2a76b9719d911017c592\"|5|hello|true|text/plain|me|text/plain|{\"md5\":\"5d41402abc4b2a76b9719d911017c592\"}|true||"
    );
}

#[test]
fn ranges_by_object_and_by_header() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        await BUCKET.put("k", new TextEncoder().encode("0123456789"));
        const a = await BUCKET.get("k", { range: { offset: 2, length: 3 } });
        const b = await BUCKET.get("k", { range: { suffix: 4 } });
        const c = await BUCKET.get("k", { range: new Headers({ range: "bytes=5-" }) });
        let err = "";
        const cut = await BUCKET.get("k", { range: { offset: 8, length: 5 } });
        const ignored = await BUCKET.get("k", { range: new Headers({ range: "bytes=5-2" }) });
        try { await BUCKET.get("k", { range: { offset: 10 } }); } catch (e) { err = e.message; }
        return [await a.text(), JSON.stringify(a.range), await b.text(), await c.text(),
          await cut.text(), await ignored.text(), err].join("|");
        "#,
    );
    assert_eq!(
        out,
        "234|{\"offset\":2,\"length\":3}|6789|56789|89|0123456789|get: The requested range is not satisfiable (10039)"
    );
}

#[test]
fn conditional_get_and_put() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        const first = await BUCKET.put("k", "one");
        const unmet = await BUCKET.get("k", { onlyIf: { etagMatches: "nope" } });
        const met = await BUCKET.get("k", { onlyIf: new Headers({ "if-match": first.httpEtag }) });
        const refused = await BUCKET.put("k", "two", { onlyIf: { etagDoesNotMatch: first.etag } });
        const later = await BUCKET.get("k", { onlyIf: { uploadedAfter: new Date(Date.now() + 10000) } });
        return ["body" in unmet, await met.text(), refused, "body" in later,
          await (await BUCKET.get("k")).text()].join("|");
        "#,
    );
    assert_eq!(out, "false|one||false|one");
}

#[test]
fn list_with_delimiter_cursor_and_limit() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        for (const k of ["a", "b/1", "b/2", "c/x/1", "d"]) await BUCKET.put(k, k, { customMetadata: { k } });
        const top = await BUCKET.list({ delimiter: "/" });
        const page1 = await BUCKET.list({ limit: 2, include: ["customMetadata"] });
        const page2 = await BUCKET.list({ limit: 2, cursor: page1.cursor });
        const page3 = await BUCKET.list({ limit: 2, cursor: page2.cursor });
        const pre = await BUCKET.list({ prefix: "b/", startAfter: "b/1" });
        const d1 = await BUCKET.list({ delimiter: "/", limit: 2 });
        const d2 = await BUCKET.list({ delimiter: "/", limit: 2, cursor: d1.cursor });
        let err = "";
        try { await BUCKET.list({ limit: 0 }); } catch (e) { err = e.message; }
        const keys = (l) => l.objects.map((o) => o.key).join(",");
        return [keys(top), top.delimitedPrefixes.join(","), keys(page1), page1.truncated,
          page1.objects[0].customMetadata.k, keys(page2), keys(page3), page3.truncated,
          page3.cursor, keys(pre), keys(d1) + ";" + d1.delimitedPrefixes,
          keys(d2) + ";" + d2.delimitedPrefixes, err].join("|");
        "#,
    );
    assert_eq!(
        out,
        "a,d|b/,c/|a,b/1|true|a|b/2,c/x/1|d|false||b/2|a;b/|d;c/|list: MaxKeys params must be positive integer <= 1000. (10022)"
    );
}

#[test]
fn delete_one_and_many() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        for (const k of ["a", "b", "c", "d"]) await BUCKET.put(k, k);
        await BUCKET.delete("a");
        await BUCKET.delete(["b", "c", "missing"]);
        let err = "";
        try { await BUCKET.delete(Array.from({ length: 1001 }, (_, i) => "k" + i)); } catch (e) { err = "refused"; }
        return (await BUCKET.list()).objects.map((o) => o.key).join(",") + "|" + err;
        "#,
    );
    assert_eq!(out, "d|refused");
}

#[test]
fn a_checksum_mismatch_and_too_much_metadata_are_refused() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        const ok = await BUCKET.put("k", "hello", { sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" });
        let bad = "", big = "";
        try { await BUCKET.put("k", "hello", { md5: "00000000000000000000000000000000" }); } catch (e) { bad = e.message; }
        try { await BUCKET.put("k", "x", { customMetadata: { big: "x".repeat(2048) } }); } catch (e) { big = e.message; }
        return [JSON.stringify(ok.checksums), bad, big].join("|");
        "#,
    );
    assert_eq!(
        out,
        "{\"md5\":\"5d41402abc4b2a76b9719d911017c592\",\"sha256\":\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"}|put: The MD5 checksum you specified did not match what we received.\nYou provided a MD5 checksum with value: 00000000000000000000000000000000\nActual MD5 was: 5d41402abc4b2a76b9719d911017c592 (10037)|put: Your metadata headers exceed the maximum allowed metadata size. (10012)"
    );
}

#[test]
fn multipart_complete_gives_the_etag_of_the_part_etags() {
    let (_dir, js) = setup();
    let out = run(
        &js,
        r#"
        const up = await BUCKET.createMultipartUpload("big", { httpMetadata: { contentType: "a/b" } });
        const first = await up.uploadPart(1, new Uint8Array(5 * 1024 * 1024).fill(97));
        const again = BUCKET.resumeMultipartUpload("big", up.uploadId);
        const second = await again.uploadPart(2, "tail");
        let order = "";
        try { await again.complete([second, first]); } catch (e) { order = e.message; }
        const done = await again.complete([first, second]);
        const got = await BUCKET.get("big", { range: { suffix: 5 } });
        const small = await BUCKET.createMultipartUpload("small");
        const s1 = await small.uploadPart(1, "x");
        const s2 = await small.uploadPart(2, "y");
        let err = "";
        try { await small.complete([s1, s2]); } catch (e) { err = e.message; }
        await small.abort();
        let gone = "";
        try { await small.uploadPart(3, "z"); } catch (e) { gone = e.message; }
        const parts = new Uint8Array(32);
        const h = (t) => Uint8Array.from(t.match(/../g), (x) => parseInt(x, 16));
        parts.set(h(first.etag), 0); parts.set(h(second.etag), 16);
        const want = Array.from(new Uint8Array(await crypto.subtle.digest("MD5", parts)), (b) => b.toString(16).padStart(2, "0")).join("") + "-2";
        return [done.etag === want, done.size, await got.text(), got.httpMetadata.contentType, order, err, gone].join("|");
        "#,
    );
    assert_eq!(
        out,
        "true|5242884|atail|a/b|completeMultipartUpload: Your proposed upload is smaller than the minimum allowed object size. (10011)|completeMultipartUpload: Your proposed upload is smaller than the minimum allowed object size. (10011)|uploadPart: The specified multipart upload does not exist. (10024)"
    );
}

#[test]
fn a_key_with_dot_dot_stays_inside_the_bucket_and_data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir(&root).unwrap();
    let bucket = dir.path().join("deep").join("bucket");
    {
        let js = with_bucket(&root, &bucket);
        run(
            &js,
            r#"await BUCKET.put("../../etc/passwd", "mine"); await BUCKET.put("/abs", "x"); return "";"#,
        );
    }
    let mut outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    outside.sort();
    assert_eq!(outside, ["deep", "site"]);
    assert_eq!(
        std::fs::read_dir(dir.path().join("deep")).unwrap().count(),
        1
    );
    let js = with_bucket(&root, &bucket);
    let out = run(
        &js,
        r#"return (await (await BUCKET.get("../../etc/passwd")).text()) + "|" + (await BUCKET.list()).objects.length;"#,
    );
    assert_eq!(out, "mine|2");
}
