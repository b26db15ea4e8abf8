//! Panics that a parser is known to raise on malformed input (swc asserts on some token
//! sequences, proc-macro2 on some literals) are caught and turned into that file's parse
//! error. The process's panic hook would still print them to stderr, with a backtrace when
//! `RUST_BACKTRACE` is set, as if the run had crashed; [`catch_quietly`] keeps them off
//! stderr, and every other panic (a bug in a rule, which the engine reports as an internal
//! error) is printed as before.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`catch_quietly`] calls are active on this thread.
    static QUIET_DEPTH: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Wraps the process's panic hook so that panics inside [`catch_quietly`] print nothing.
/// Call it once at start-up, before other threads exist; later calls do nothing.
pub fn install_quiet_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET_DEPTH.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `run`, catching a panic as `Err` with its message. While it runs, the hook that
/// [`install_quiet_hook`] installed prints nothing for panics on this thread.
pub fn catch_quietly<T>(run: impl FnOnce() -> T) -> Result<T, String> {
    struct Depth;
    impl Drop for Depth {
        fn drop(&mut self) {
            QUIET_DEPTH.with(|depth| depth.set(depth.get() - 1));
        }
    }
    QUIET_DEPTH.with(|depth| depth.set(depth.get() + 1));
    let _depth = Depth;
    catch_unwind(AssertUnwindSafe(run)).map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|message| message.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_its_message_and_the_depth_returns_to_zero() {
        install_quiet_hook();
        let caught: Result<(), String> = catch_quietly(|| panic!("expected {{, got x"));
        assert_eq!(caught, Err("expected {, got x".to_string()));
        assert_eq!(catch_quietly(|| 7), Ok(7));
        let nested = catch_quietly(|| catch_quietly(|| panic!("inner")).unwrap_err());
        assert_eq!(nested, Ok("inner".to_string()));
        assert_eq!(QUIET_DEPTH.with(Cell::get), 0);
    }
}
