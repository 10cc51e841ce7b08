//! Feeds arbitrary bytes (as lossy UTF-8) to the parser and the error renderer:
//! neither may panic or overflow the stack on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    if let Err(e) = garter::syntax::parse(&source) {
        let report = garter::syntax::render("fuzz.py", &source, &e);
        assert!(report.ends_with(&e.message));
    }
});
