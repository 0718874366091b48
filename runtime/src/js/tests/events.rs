//! Event, CustomEvent, EventTarget, AbortController and AbortSignal.

use crate::testutil::run;

#[test]
fn an_event_has_its_init_flags_and_workerd_defaults() {
    let out = run(r#"
        const e = new Event("ping", { cancelable: true, bubbles: 1 });
        return JSON.stringify([e.type, e.bubbles, e.cancelable, e.composed, e.defaultPrevented,
            e.eventPhase, e.isTrusted, e.timeStamp, e.target, e.returnValue,
            Object.prototype.toString.call(e), Event.AT_TARGET, e.NONE]);
    "#);
    assert_eq!(
        out,
        r#"["ping",true,true,false,false,0,false,0,null,true,"[object Event]",2,0]"#
    );
}

#[test]
fn an_event_needs_a_type_and_an_object_init() {
    let out = run(r#"
        const errors = [];
        try { new Event(); } catch (e) { errors.push(e.name + ": " + e.message); }
        try { new Event("a", 5); } catch (e) { errors.push(e.name + ": " + e.message); }
        return errors.join("\n");
    "#);
    assert_eq!(
        out,
        "TypeError: Failed to construct 'Event': constructor parameter 1 is not of type 'string'.\n\
         TypeError: Failed to construct 'Event': constructor parameter 2 is not of type 'Init'."
    );
}

#[test]
fn dispatch_calls_listeners_in_order_and_returns_not_default_prevented() {
    let out = run(r#"
        const target = new EventTarget();
        const seen = [];
        target.addEventListener("go", (e) => seen.push("a" + e.eventPhase + (e.target === target)));
        target.addEventListener("go", (e) => { seen.push("b"); e.preventDefault(); });
        const plain = target.dispatchEvent(new Event("go"));
        const cancelable = new Event("go", { cancelable: true });
        const result = target.dispatchEvent(cancelable);
        return JSON.stringify([seen, plain, result, cancelable.defaultPrevented, cancelable.eventPhase]);
    "#);
    assert_eq!(out, r#"[["a2true","b","a2true","b"],true,false,true,0]"#);
}

#[test]
fn once_duplicates_handle_event_objects_and_removal() {
    let out = run(r#"
        const target = new EventTarget();
        const seen = [];
        const f = () => seen.push("f");
        target.addEventListener("x", f);
        target.addEventListener("x", f);
        const handler = { handleEvent(e) { seen.push("h" + (this === handler) + e.type); } };
        target.addEventListener("x", handler);
        target.addEventListener("x", () => seen.push("once"), { once: true });
        target.dispatchEvent(new Event("x"));
        target.dispatchEvent(new Event("x"));
        target.removeEventListener("x", f);
        target.removeEventListener("x", handler);
        target.dispatchEvent(new Event("x"));
        target.addEventListener("x", null);
        return seen.join(",");
    "#);
    assert_eq!(out, "f,htruex,once,f,htruex");
}

#[test]
fn listeners_added_or_removed_during_dispatch_follow_the_snapshot_rules() {
    let out = run(r#"
        const target = new EventTarget();
        const seen = [];
        const later = () => seen.push("later");
        target.addEventListener("x", () => {
            seen.push("first");
            target.removeEventListener("x", later);
            target.addEventListener("x", () => seen.push("added"));
        });
        target.addEventListener("x", later);
        target.dispatchEvent(new Event("x"));
        target.dispatchEvent(new Event("x"));
        return seen.join(",");
    "#);
    assert_eq!(out, "first,first,added");
}

#[test]
fn stop_immediate_propagation_skips_the_remaining_listeners() {
    let out = run(r#"
        const target = new EventTarget();
        const seen = [];
        target.addEventListener("x", (e) => { seen.push(1); e.stopImmediatePropagation(); });
        target.addEventListener("x", () => seen.push(2));
        target.dispatchEvent(new Event("x"));
        return seen.join(",");
    "#);
    assert_eq!(out, "1");
}

#[test]
fn a_throwing_listener_ends_the_dispatch_and_the_error_leaves_dispatch_event_as_in_workerd() {
    let out = run(r#"
        const target = new EventTarget();
        const seen = [];
        target.addEventListener("x", () => { throw new Error("listener failed"); });
        target.addEventListener("x", () => seen.push("second"));
        let thrown;
        try { target.dispatchEvent(new Event("x")); } catch (e) { thrown = e.message; }
        return JSON.stringify([thrown, seen]);
    "#);
    assert_eq!(out, r#"["listener failed",[]]"#);
}

#[test]
fn passive_listeners_cannot_prevent_default() {
    let out = run(r#"
        const target = new EventTarget();
        target.addEventListener("x", (e) => e.preventDefault(), { passive: true });
        const e = new Event("x", { cancelable: true });
        return String(target.dispatchEvent(e)) + e.defaultPrevented;
    "#);
    assert_eq!(out, "truefalse");
}

#[test]
fn capture_and_bad_arguments_are_type_errors_as_in_workerd() {
    let out = run(r#"
        const target = new EventTarget();
        const errors = [];
        const attempt = (f) => { try { f(); errors.push("ok"); } catch (e) { errors.push(e.name + ": " + e.message); } };
        attempt(() => target.addEventListener("x", () => {}, { capture: true }));
        attempt(() => target.addEventListener("x", () => {}, true));
        attempt(() => target.removeEventListener("x", () => {}, { capture: true }));
        attempt(() => target.addEventListener("x", "nope"));
        attempt(() => target.addEventListener("x", () => {}, { signal: 5 }));
        attempt(() => target.dispatchEvent({ type: "x" }));
        const e = new Event("again");
        target.addEventListener("again", () => attempt(() => target.dispatchEvent(e)));
        target.dispatchEvent(e);
        return errors.join("\n");
    "#);
    assert_eq!(
        out,
        "TypeError: addEventListener(): options.capture must be false.\n\
         TypeError: addEventListener(): useCapture must be false.\n\
         TypeError: removeEventListener(): options.capture must be false.\n\
         TypeError: Failed to execute 'addEventListener' on 'EventTarget': parameter 2 is not of type 'function or HandlerObject'.\n\
         TypeError: Incorrect type for the 'signal' field on 'AddEventListenerOptions': the provided value is not of type 'AbortSignal'.\n\
         TypeError: Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.\n\
         InvalidStateError: The event is already being dispatched."
    );
}

#[test]
fn a_listener_signal_removes_the_listener_when_aborted() {
    let out = run(r#"
        const target = new EventTarget();
        const seen = [];
        const controller = new AbortController();
        target.addEventListener("x", () => seen.push("x"), { signal: controller.signal });
        target.dispatchEvent(new Event("x"));
        controller.abort();
        target.dispatchEvent(new Event("x"));
        target.addEventListener("x", () => seen.push("never"), { signal: controller.signal });
        target.dispatchEvent(new Event("x"));
        return seen.join(",");
    "#);
    assert_eq!(out, "x");
}

#[test]
fn custom_event_carries_its_detail() {
    let out = run(r#"
        const e = new CustomEvent("c", { detail: { n: 1 } });
        return JSON.stringify([e.detail, new CustomEvent("d").detail === undefined,
            e instanceof Event, Object.prototype.toString.call(e)]);
    "#);
    assert_eq!(out, r#"[{"n":1},true,true,"[object CustomEvent]"]"#);
}

#[test]
fn abort_sets_the_reason_fires_abort_once_and_calls_onabort() {
    let out = run(r#"
        const controller = new AbortController();
        const signal = controller.signal;
        const seen = [];
        signal.addEventListener("abort", (e) => seen.push(e.type + signal.aborted));
        signal.onabort = (e) => seen.push("onabort" + (e.target === signal));
        const before = signal.aborted;
        controller.abort();
        controller.abort("again");
        const reason = signal.reason;
        let thrown;
        try { signal.throwIfAborted(); } catch (e) { thrown = e === reason; }
        return JSON.stringify([before, seen, reason.name, reason.message, reason.code,
            reason instanceof DOMException, thrown, Object.prototype.toString.call(signal)]);
    "#);
    assert_eq!(
        out,
        r#"[false,["aborttrue","onaborttrue"],"AbortError","The operation was aborted",20,true,true,"[object AbortSignal]"]"#
    );
}

#[test]
fn abort_signal_abort_keeps_a_given_reason_and_the_constructor_is_illegal() {
    let out = run(r#"
        const given = AbortSignal.abort("why");
        const plain = AbortSignal.abort();
        let illegal;
        try { new AbortSignal(); } catch (e) { illegal = e.name + ": " + e.message; }
        return JSON.stringify([given.aborted, given.reason, plain.reason.name, illegal]);
    "#);
    assert_eq!(
        out,
        r#"[true,"why","AbortError","TypeError: Illegal constructor"]"#
    );
}

#[test]
fn abort_signal_timeout_aborts_with_a_timeout_error_after_the_delay() {
    let out = run(r#"
        const signal = AbortSignal.timeout(2);
        const before = signal.aborted;
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        return JSON.stringify([before, signal.aborted, signal.reason.name, signal.reason.message,
            signal.reason.code]);
    "#);
    assert_eq!(
        out,
        r#"[false,true,"TimeoutError","The operation was aborted due to timeout",23]"#
    );
}

#[test]
fn abort_signal_any_follows_the_first_source_to_abort() {
    let out = run(r#"
        const a = new AbortController();
        const b = new AbortController();
        const any = AbortSignal.any([a.signal, b.signal]);
        const seen = [];
        any.onabort = () => seen.push(any.reason);
        b.abort("b first");
        a.abort("a later");
        const already = AbortSignal.any([new AbortController().signal, AbortSignal.abort("done")]);
        let bad;
        try { AbortSignal.any([1]); } catch (e) { bad = e.message; }
        return JSON.stringify([seen, any.reason, already.aborted, already.reason, bad]);
    "#);
    assert_eq!(
        out,
        r#"[["b first"],"b first",true,"done","Incorrect type for array element 0: the provided value is not of type 'AbortSignal'."]"#
    );
}

#[test]
fn a_throwing_abort_listener_makes_abort_throw_as_in_workerd() {
    let out = run(r#"
        const controller = new AbortController();
        controller.signal.addEventListener("abort", () => { throw new Error("in listener"); });
        let thrown;
        try { controller.abort(); } catch (e) { thrown = e.message; }
        return thrown + controller.signal.aborted;
    "#);
    assert_eq!(out, "in listenertrue");
}
