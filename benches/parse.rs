//! Parse throughput on realistic code: the bench programs (and the conformance
//! cases) concatenated, parsed repeatedly. Plain `Instant` timing, no harness.
//! Run with `cargo bench --bench parse`.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn shared() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    std::env::var_os("GARTER_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([beside, PathBuf::from("/work/shared")])
        .find(|p| p.join("bench/programs").is_dir())
}

fn corpus() -> String {
    let mut src = String::new();
    let Some(root) = shared() else { return src };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("bench/programs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        // Each program must parse alone; concatenated they stay one valid module.
        if garter::syntax::parse(&text).is_ok() {
            src.push_str(&text);
            src.push('\n');
        }
    }
    src
}

fn main() {
    let src = corpus();
    if src.is_empty() {
        eprintln!("no bench programs found; set GARTER_SHARED");
        return;
    }
    garter::syntax::parse(&src).expect("the concatenated bench programs parse");
    let target = std::time::Duration::from_secs(3);
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < target {
        let m = garter::syntax::parse(std::hint::black_box(&src)).expect("parses");
        std::hint::black_box(m);
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (src.len() as f64 * runs as f64) / 1e6;
    println!(
        "parse: {} bytes x {runs} runs in {secs:.2} s = {:.1} MB/s ({:.1} us per parse)",
        src.len(),
        mb / secs,
        secs * 1e6 / runs as f64
    );
}
