//! Every input the fuzzer found a crash with stays here as a regression test: it
//! must parse or fail with a SyntaxError, and its report must render.

#[test]
fn fuzz_findings_no_longer_crash() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("regression dir").flatten() {
        let bytes = std::fs::read(entry.path()).expect("readable");
        let src = String::from_utf8_lossy(&bytes);
        if let Err(e) = garter::syntax::parse(&src) {
            let report = garter::syntax::render("fuzz.py", &src, &e);
            assert!(report.ends_with(&e.message));
        }
        count += 1;
    }
    assert!(count > 0);
}
