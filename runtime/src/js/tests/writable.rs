//! WritableStream and its writer: writes in order, backpressure, close, abort, errors.

use crate::testutil::run;

#[test]
fn writes_reach_the_sink_in_order_then_close() {
    let out = run(r#"
        const seen = [];
        const stream = new WritableStream({
            start() { seen.push("start"); },
            write(chunk, controller) { seen.push("write:" + chunk + ":" + (controller instanceof WritableStreamDefaultController)); },
            close() { seen.push("close"); },
        });
        const writer = stream.getWriter();
        writer.write("a");
        writer.write("b");
        await writer.close();
        await writer.closed;
        return JSON.stringify([seen, writer.desiredSize, stream.locked]);
    "#);
    assert_eq!(
        out,
        r#"[["start","write:a:true","write:b:true","close"],0,true]"#
    );
}

#[test]
fn desired_size_and_ready_signal_backpressure() {
    let out = run(r#"
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const seen = [];
        let finishWrite;
        const stream = new WritableStream({
            write(chunk) { seen.push("write " + chunk); return new Promise((r) => { finishWrite = r; }); },
        }, { highWaterMark: 1 });
        const writer = stream.getWriter();
        seen.push("size " + writer.desiredSize);
        const first = writer.write("a");
        seen.push("size " + writer.desiredSize);
        const second = writer.write("b");
        seen.push("size " + writer.desiredSize);
        let ready = false;
        writer.ready.then(() => { ready = true; });
        await tick();
        seen.push("ready " + ready);
        finishWrite();
        await first;
        await tick();
        seen.push("ready " + ready + " size " + writer.desiredSize);
        finishWrite();
        await second;
        seen.push("size " + writer.desiredSize);
        return seen.join(",");
    "#);
    assert_eq!(
        out,
        "size 1,size 0,size -1,write a,ready false,write b,ready false size 0,size 1"
    );
}

#[test]
fn a_size_strategy_counts_bytes() {
    let out = run(r#"
        const writer = new WritableStream({}, new ByteLengthQueuingStrategy({ highWaterMark: 4 })).getWriter();
        writer.write(new Uint8Array(3));
        const strategy = new CountQueuingStrategy({ highWaterMark: 2 });
        let error;
        try { new CountQueuingStrategy(); } catch (e) { error = e.message; }
        return JSON.stringify([writer.desiredSize, strategy.highWaterMark, strategy.size(), error]);
    "#);
    assert_eq!(
        out,
        r#"[1,2,1,"Failed to construct 'CountQueuingStrategy': constructor parameter 1 is not of type 'QueuingStrategyInit'."]"#
    );
}

#[test]
fn abort_waits_for_the_write_in_flight_and_rejects_the_rest() {
    let out = run(r#"
        const tick = () => new Promise((r) => setTimeout(r, 0));
        const seen = [];
        let finishWrite;
        const stream = new WritableStream({
            write() { return new Promise((r) => { finishWrite = r; }); },
            abort(reason) { seen.push("sink abort:" + reason); },
        });
        const writer = stream.getWriter();
        const first = writer.write(1);
        const second = writer.write(2);
        await tick();
        const aborted = writer.abort("stop");
        second.catch((e) => seen.push("second:" + e));
        writer.closed.catch((e) => seen.push("closed:" + e));
        await tick();
        seen.push("write still running");
        finishWrite();
        await first;
        await aborted;
        seen.push("aborted");
        await tick();
        return seen.join(",");
    "#);
    assert_eq!(
        out,
        "write still running,sink abort:stop,second:stop,aborted,closed:stop"
    );
}

#[test]
fn failures_and_misuse_reject_with_workerd_messages() {
    let out = run(r#"
        const errors = [];
        const attempt = async (f) => { try { await f(); errors.push("ok"); } catch (e) { errors.push(e.name + ": " + e.message); } };
        const failing = new WritableStream({ write() { throw new Error("sink failed"); } }).getWriter();
        await attempt(() => failing.write(1));
        await attempt(() => failing.write(2));
        await attempt(() => failing.closed);
        const stream = new WritableStream();
        const writer = stream.getWriter();
        await attempt(() => stream.getWriter());
        await attempt(() => stream.close());
        await writer.close();
        await attempt(() => writer.write(1));
        writer.releaseLock();
        await attempt(() => writer.write(1));
        await attempt(() => writer.desiredSize);
        const refused = new WritableStream({ start() { return Promise.reject(new Error("no start")); } });
        await attempt(() => refused.getWriter().write(1));
        const errored = new WritableStream({ start(c) { c.error(new Error("controller error")); } });
        await attempt(() => errored.getWriter().closed);
        return errors.join("\n");
    "#);
    assert_eq!(
        out,
        "Error: sink failed\n\
         Error: sink failed\n\
         Error: sink failed\n\
         TypeError: This WritableStream is currently locked to a writer.\n\
         TypeError: This WritableStream is currently locked to a writer.\n\
         TypeError: This WritableStream has been closed.\n\
         TypeError: This WritableStream writer has been released.\n\
         TypeError: This WritableStream writer has been released.\n\
         Error: no start\n\
         Error: controller error"
    );
}

#[test]
fn the_controller_signal_aborts_with_the_stream() {
    let out = run(r#"
        let signal;
        const stream = new WritableStream({ start(c) { signal = c.signal; } });
        const before = signal.aborted;
        await stream.abort("why");
        return JSON.stringify([before, signal.aborted, signal.reason]);
    "#);
    assert_eq!(out, r#"[false,true,"why"]"#);
}
