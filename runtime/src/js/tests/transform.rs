//! TransformStream and the text encoding streams.

use crate::testutil::run;

#[test]
fn a_transform_runs_per_chunk_with_backpressure_and_flushes_at_close() {
    let out = run(r#"
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const seen = [];
        const stream = new TransformStream({
            transform(chunk, c) { seen.push("t" + chunk); c.enqueue(chunk * 10); },
            flush(c) { seen.push("flush"); c.enqueue("end"); },
        });
        const writer = stream.writable.getWriter();
        seen.push("size " + writer.desiredSize);
        writer.write(1);
        writer.write(2);
        await tick();
        seen.push("size " + writer.desiredSize);
        const reader = stream.readable.getReader();
        seen.push(JSON.stringify(await reader.read()));
        seen.push(JSON.stringify(await reader.read()));
        writer.close();
        seen.push(JSON.stringify(await reader.read()), JSON.stringify(await reader.read()));
        return seen.join(",");
    "#);
    assert_eq!(
        out,
        r#"size 1,size -1,t1,{"value":10,"done":false},t2,{"value":20,"done":false},flush,{"value":"end","done":false},{"done":true}"#
    );
}

#[test]
fn a_throwing_transform_errors_both_sides() {
    let out = run(r#"
        const stream = new TransformStream({ transform() { throw new Error("transform failed"); } });
        const writer = stream.writable.getWriter();
        const read = stream.readable.getReader().read();
        const results = [];
        for (const p of [writer.write(1), read, writer.closed]) {
            try { await p; results.push("ok"); } catch (e) { results.push(e.message); }
        }
        return results.join(",");
    "#);
    assert_eq!(out, "transform failed,transform failed,transform failed");
}

#[test]
fn terminate_closes_the_readable_and_errors_the_writable() {
    let out = run(r#"
        const stream = new TransformStream({ start(c) { c.terminate(); } });
        const results = [JSON.stringify(await stream.readable.getReader().read())];
        try { await stream.writable.getWriter().write(1); } catch (e) { results.push(e.name + ": " + e.message); }
        let c;
        new TransformStream({ start(x) { c = x; } });
        c.terminate();
        try { c.enqueue(1); } catch (e) { results.push(e.message); }
        return results.join("\n");
    "#);
    assert_eq!(
        out,
        "{\"done\":true}\n\
         TypeError: The transform stream has been terminated\n\
         The readable side of this TransformStream is no longer readable."
    );
}

#[test]
fn an_identity_transform_passes_chunks_through() {
    let out = run(r#"
        const { readable, writable } = new TransformStream();
        const writer = writable.getWriter();
        writer.write("a");
        writer.close();
        const all = [];
        for await (const x of readable) all.push(x);
        return JSON.stringify(all);
    "#);
    assert_eq!(out, r#"["a"]"#);
}
