//! ReadableStream: sources, readers, byte streams and BYOB reads, tee, pipes, iteration, from,
//! and the internals shared with Request/Response.

use super::run_with_internal;
use crate::testutil::run;

#[test]
fn a_default_reader_reads_the_chunks_then_done() {
    let out = run(r#"
        const stream = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
        const reader = stream.getReader();
        const reads = [await reader.read(), await reader.read(), await reader.read()];
        await reader.closed;
        return JSON.stringify([reads, stream.locked, Object.prototype.toString.call(stream)]);
    "#);
    assert_eq!(
        out,
        r#"[[{"value":"a","done":false},{"value":"b","done":false},{"done":true}],true,"[object ReadableStream]"]"#
    );
}

#[test]
fn pull_is_called_only_while_the_queue_wants_chunks() {
    let out = run(r#"
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const events = [];
        const stream = new ReadableStream({
            start() { events.push("start"); },
            pull(c) { events.push("pull" + c.desiredSize); c.enqueue(events.length); },
        }, { highWaterMark: 2 });
        events.push("constructed");
        await tick();
        events.push("filled");
        const lazy = new ReadableStream({ pull() { events.push("lazy pull"); } }, { highWaterMark: 0 });
        await tick();
        events.push("before read");
        lazy.getReader().read();
        await tick();
        return events.join(",");
    "#);
    assert_eq!(
        out,
        "start,constructed,pull2,pull1,filled,before read,lazy pull"
    );
}

#[test]
fn desired_size_follows_the_size_strategy_and_close() {
    let out = run(r#"
        let c;
        new ReadableStream({ start(x) { c = x; } }, { highWaterMark: 10, size: (chunk) => chunk.length });
        const sizes = [c.desiredSize];
        c.enqueue("abc");
        sizes.push(c.desiredSize);
        c.close();
        sizes.push(c.desiredSize);
        return JSON.stringify(sizes);
    "#);
    assert_eq!(out, "[10,7,0]");
}

#[test]
fn locked_streams_and_released_readers_fail_with_workerd_messages() {
    let out = run(r#"
        const errors = [];
        const attempt = async (f) => { try { await f(); errors.push("ok"); } catch (e) { errors.push(e.name + ": " + e.message); } };
        const stream = new ReadableStream({ start(c) { c.enqueue(1); } });
        const reader = stream.getReader();
        await attempt(() => stream.getReader());
        await attempt(() => stream.cancel());
        await attempt(() => stream.pipeTo(new WritableStream()));
        const pending = new ReadableStream().getReader();
        const read = pending.read();
        pending.releaseLock();
        await attempt(() => read);
        await attempt(() => pending.closed);
        await attempt(() => pending.read());
        await attempt(() => new ReadableStream().getReader({ mode: "byob" }));
        await attempt(() => new ReadableStream().getReader({ mode: "other" }));
        await attempt(() => new ReadableStream({ type: "nope" }));
        await attempt(() => new ReadableStream({ start: 5 }));
        await attempt(() => new ReadableStreamDefaultReader({}));
        return errors.join("\n");
    "#);
    assert_eq!(
        out,
        "TypeError: This ReadableStream is currently locked to a reader.\n\
         TypeError: This ReadableStream is currently locked to a reader.\n\
         TypeError: This ReadableStream is currently locked to a reader.\n\
         TypeError: This ReadableStream reader has been released.\n\
         TypeError: This ReadableStream reader has been released.\n\
         TypeError: This ReadableStream reader has been released.\n\
         TypeError: This ReadableStream does not support BYOB reads.\n\
         TypeError: mode must be undefined or 'byob' in call to getReader().\n\
         TypeError: \"nope\" is not a valid type of ReadableStream.\n\
         TypeError: Incorrect type for the 'start' field on 'UnderlyingSource': the provided value is not of type 'function'.\n\
         TypeError: Failed to construct 'ReadableStreamDefaultReader': constructor parameter 1 is not of type 'ReadableStream'."
    );
}

#[test]
fn controller_misuse_and_errors_reach_the_reader() {
    let out = run(r#"
        const errors = [];
        let c;
        const stream = new ReadableStream({ start(x) { c = x; } });
        c.close();
        try { c.enqueue(1); } catch (e) { errors.push(e.message); }
        try { c.close(); } catch (e) { errors.push(e.message); }
        const failing = new ReadableStream({ pull() { throw new Error("pull failed"); } });
        try { await failing.getReader().read(); } catch (e) { errors.push(e.message); }
        const errored = new ReadableStream({ start(x) { x.error(new Error("boom")); } });
        const reader = errored.getReader();
        try { await reader.closed; } catch (e) { errors.push("closed: " + e.message); }
        return errors.join("|");
    "#);
    assert_eq!(
        out,
        "Unable to enqueue|This ReadableStream is closed.|pull failed|closed: boom"
    );
}

#[test]
fn cancel_reaches_the_source_and_ends_reads() {
    let out = run(r#"
        const seen = [];
        const stream = new ReadableStream({
            start(c) { c.enqueue("queued"); },
            cancel(reason) { seen.push("cancel:" + reason); },
        });
        const reader = stream.getReader();
        const cancelled = await reader.cancel("because");
        seen.push(JSON.stringify(await reader.read()), String(cancelled));
        return seen.join(",");
    "#);
    assert_eq!(out, r#"cancel:because,{"done":true},undefined"#);
}

#[test]
fn async_iteration_reads_everything_and_break_cancels() {
    let out = run(r#"
        const seen = [];
        const all = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
        for await (const x of all) seen.push(x);
        seen.push("locked:" + all.locked);
        const broken = new ReadableStream({
            start(c) { c.enqueue(3); c.enqueue(4); },
            cancel() { seen.push("cancelled"); },
        });
        for await (const x of broken) { seen.push(x); break; }
        const kept = new ReadableStream({ start(c) { c.enqueue(5); c.enqueue(6); c.close(); } });
        for await (const x of kept.values({ preventCancel: true })) { seen.push(x); break; }
        seen.push(JSON.stringify(await kept.getReader().read()));
        return seen.join(",");
    "#);
    assert_eq!(
        out,
        r#"1,2,locked:false,3,cancelled,5,{"value":6,"done":false}"#
    );
}

#[test]
fn readable_stream_from_takes_async_and_sync_iterables() {
    let out = run(r#"
        const collect = async (stream) => { const all = []; for await (const x of stream) all.push(x); return all; };
        const fromAsync = await collect(ReadableStream.from((async function* () { yield 1; yield 2; })()));
        const fromSync = await collect(ReadableStream.from([3, Promise.resolve(4)]));
        let error;
        try { ReadableStream.from(5); } catch (e) { error = e.message; }
        return JSON.stringify([fromAsync, fromSync, error]);
    "#);
    assert_eq!(
        out,
        r#"[[1,2],[3,4],"Failed to execute 'from' on 'ReadableStream': parameter 1 is not of type 'AsyncGenerator'."]"#
    );
}

#[test]
fn tee_gives_both_branches_every_chunk_and_cancels_the_source_when_both_cancel() {
    let out = run(r#"
        const [a, b] = new ReadableStream({ start(c) { c.enqueue("x"); c.close(); } }).tee();
        const ra = a.getReader();
        const rb = b.getReader();
        const reads = [await ra.read(), await rb.read(), await ra.read(), await rb.read()];
        const seen = [];
        const source = new ReadableStream({ cancel(reason) { seen.push(reason); } });
        const [c, d] = source.tee();
        const first = c.cancel("c");
        await new Promise((r) => setTimeout(r, 0));
        seen.push("after first");
        await d.cancel("d");
        await first;
        return JSON.stringify([reads, seen, source.locked]);
    "#);
    assert_eq!(
        out,
        r#"[[{"value":"x","done":false},{"value":"x","done":false},{"done":true},{"done":true}],["after first","d"],true]"#
    );
}

#[test]
fn byte_streams_transfer_enqueued_chunks_and_fill_byob_views() {
    let out = run(r#"
        let c;
        const stream = new ReadableStream({ type: "bytes", start(x) { c = x; } });
        const chunk = new Uint8Array([1, 2, 3, 4, 5]);
        c.enqueue(chunk);
        c.close();
        const detached = chunk.byteLength;
        const reader = stream.getReader({ mode: "byob" });
        const two = await reader.read(new Uint8Array(2), { min: 2 });
        const rest = await reader.read(new Uint8Array(4));
        const end = await reader.read(new Uint8Array(4));
        return JSON.stringify([detached, Array.from(two.value), Array.from(rest.value), end.done,
            end.value.byteLength, Object.prototype.toString.call(reader)]);
    "#);
    assert_eq!(
        out,
        r#"[0,[1,2],[3,4,5],true,0,"[object ReadableStreamBYOBReader]"]"#
    );
}

#[test]
fn a_byob_request_is_answered_by_the_source() {
    let out = run(r#"
        const seen = [];
        const stream = new ReadableStream({
            type: "bytes",
            pull(c) {
                const request = c.byobRequest;
                seen.push(request.view.constructor.name + request.view.byteLength);
                request.view.set([1, 2, 3]);
                request.respond(3);
                seen.push(String(c.byobRequest));
            },
        });
        const reader = stream.getReader({ mode: "byob" });
        const wide = await reader.read(new Uint16Array(4));
        const auto = new ReadableStream({
            type: "bytes",
            autoAllocateChunkSize: 4,
            pull(c) { c.byobRequest.view.set([9, 8]); c.byobRequest.respond(2); c.close(); },
        });
        const autoReader = auto.getReader();
        const first = await autoReader.read();
        return JSON.stringify([seen, Array.from(wide.value), wide.value.constructor.name,
            Array.from(first.value), first.value.buffer.byteLength, (await autoReader.read()).done]);
    "#);
    assert_eq!(
        out,
        r#"[["Uint8Array8","null"],[513],"Uint16Array",[9,8],4,true]"#
    );
}

#[test]
fn byte_stream_misuse_is_a_type_error() {
    let out = run(r#"
        const errors = [];
        let c;
        const stream = new ReadableStream({ type: "bytes", start(x) { c = x; } });
        for (const bad of [new Uint8Array(0), "text"]) {
            try { c.enqueue(bad); } catch (e) { errors.push(e.message); }
        }
        const reader = stream.getReader({ mode: "byob" });
        for (const bad of [new Uint8Array(0), new ArrayBuffer(2)]) {
            try { await reader.read(bad); } catch (e) { errors.push(e.message); }
        }
        return errors.join("\n");
    "#);
    assert_eq!(
        out,
        "Cannot enqueue a zero-length ArrayBuffer.\n\
         Failed to execute 'enqueue' on 'ReadableByteStreamController': parameter 1 is not of type 'BufferSource'.\n\
         You must call read() on a \"byob\" reader with a positive-sized TypedArray object.\n\
         Failed to execute 'read' on 'ReadableStreamBYOBReader': parameter 1 is not of type 'ArrayBufferView'."
    );
}

#[test]
fn a_byte_stream_tee_copies_the_second_branch() {
    let out = run(r#"
        const [a, b] = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2])); c.close(); } }).tee();
        const ra = await a.getReader().read();
        const rb = await b.getReader().read();
        return JSON.stringify([Array.from(ra.value), Array.from(rb.value), ra.value.buffer === rb.value.buffer]);
    "#);
    assert_eq!(out, "[[1,2],[1,2],false]");
}

#[test]
fn pipe_to_writes_every_chunk_then_closes_and_unlocks() {
    let out = run(r#"
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const seen = [];
        const source = new ReadableStream({ start(c) { for (let i = 0; i < 5; i++) c.enqueue(i); c.close(); } });
        const sink = new WritableStream({
            write(chunk) { seen.push("w" + chunk); return tick(); },
            close() { seen.push("close"); },
        }, { highWaterMark: 2 });
        await source.pipeTo(sink);
        return JSON.stringify([seen, source.locked, sink.locked]);
    "#);
    assert_eq!(out, r#"[["w0","w1","w2","w3","w4","close"],false,false]"#);
}

#[test]
fn pipe_to_propagates_errors_both_ways_unless_prevented() {
    let out = run(r#"
        const seen = [];
        const outcome = (p) => p.then(() => "resolved", (e) => "rejected:" + (e.message ?? e));
        const cancelled = new ReadableStream({ start(c) { c.enqueue(1); }, cancel(r) { seen.push("cancel:" + r.message); } });
        seen.push(await outcome(cancelled.pipeTo(new WritableStream({ write() { throw new Error("sink failed"); } }))));
        let c;
        const failing = new ReadableStream({ start(x) { c = x; } });
        const piped = failing.pipeTo(new WritableStream({ abort(r) { seen.push("abort:" + r); } }));
        c.error("source failed");
        seen.push(await outcome(piped));
        let d;
        const kept = new ReadableStream({ start(x) { d = x; } });
        const sink = new WritableStream({ close() { seen.push("never closed"); } });
        const prevented = kept.pipeTo(sink, { preventClose: true });
        d.enqueue(1);
        d.close();
        seen.push(await outcome(prevented), "sink locked:" + sink.locked);
        return seen.join("\n");
    "#);
    assert_eq!(
        out,
        "cancel:sink failed\nrejected:sink failed\nabort:source failed\nrejected:source failed\nresolved\nsink locked:false"
    );
}

#[test]
fn pipe_to_stops_on_its_signal() {
    let out = run(r#"
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const seen = [];
        const controller = new AbortController();
        const source = new ReadableStream({ cancel(r) { seen.push("cancel:" + r.name); } });
        const sink = new WritableStream({ abort(r) { seen.push("abort:" + r.name); } });
        const piped = source.pipeTo(sink, { signal: controller.signal });
        await tick();
        controller.abort();
        try { await piped; } catch (e) { seen.push("rejected:" + e.name); }
        const other = new AbortController();
        const kept = new ReadableStream({ cancel() { seen.push("not cancelled"); } });
        const keptPipe = kept.pipeTo(new WritableStream(), { signal: other.signal, preventCancel: true });
        other.abort("stop");
        try { await keptPipe; } catch (e) { seen.push("rejected:" + e); }
        seen.push("kept locked:" + kept.locked);
        return seen.join(",");
    "#);
    assert_eq!(
        out,
        "abort:AbortError,cancel:AbortError,rejected:AbortError,rejected:stop,kept locked:false"
    );
}

#[test]
fn pipe_through_returns_the_readable_side() {
    let out = run(r#"
        const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
        const source = new ReadableStream({ start(c) { c.enqueue("x"); c.enqueue("y"); c.close(); } });
        const result = source.pipeThrough(upper);
        const all = [];
        for await (const x of result) all.push(x);
        let error;
        try { new ReadableStream().pipeThrough({}); } catch (e) { error = e.message; }
        return JSON.stringify([result === upper.readable, all, error]);
    "#);
    assert_eq!(
        out,
        r#"[true,["X","Y"],"Incorrect type for the 'readable' field on 'Transform': the provided value is not of type 'ReadableStream'."]"#
    );
}

#[test]
fn internal_read_all_concatenates_bytes_and_checks_the_stream() {
    let out = run_with_internal(
        r#"
        const { readAll, fromBytes, isDisturbed, isReadableStream } = internal.streams;
        const results = [];
        const mixed = new ReadableStream({ start(c) {
            c.enqueue(new Uint8Array([1, 2]));
            c.enqueue(new Uint16Array([0x0403]).buffer);
            c.enqueue(new DataView(new Uint8Array([9, 5, 9]).buffer, 1, 1));
            c.close();
        } });
        results.push(Array.from(await readAll(mixed)), isDisturbed(mixed), mixed.locked);
        const bytes = fromBytes(new Uint8Array([7, 8]));
        results.push(isDisturbed(bytes), Array.from(await readAll(bytes)), isDisturbed(bytes));
        const locked = new ReadableStream();
        locked.getReader();
        try { await readAll(locked); } catch (e) { results.push(e.name + ": " + e.message); }
        const text = new ReadableStream({ start(c) { c.enqueue("text"); } });
        try { await readAll(text); } catch (e) { results.push(e.name + ": " + e.message); }
        results.push(isReadableStream(bytes), isReadableStream({}), Array.from(await readAll(fromBytes(new Uint8Array(0)))));
        return JSON.stringify(results);
    "#,
    );
    assert_eq!(
        out,
        r#"[[1,2,3,4,5],true,true,false,[7,8],true,"TypeError: This ReadableStream is currently locked to a reader.","TypeError: This ReadableStream did not return bytes.",true,false,[]]"#
    );
}
