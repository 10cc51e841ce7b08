//! Every program of the shared conformance and bench corpora that CPython compiles
//! must parse. Cases whose expected output ends in a syntax exception are skipped.
//! `shared` is found via GARTER_SHARED, then beside the checkout, then /work/shared.

use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    std::env::var_os("GARTER_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([beside, PathBuf::from("/work/shared")])
        .find(|p| p.join("conformance").is_dir())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

/// CPython refuses to compile this case: its expected output says so.
fn cpython_refuses(py: &Path) -> bool {
    let Ok(dir) = std::fs::read_dir(py.parent().unwrap_or(Path::new("."))) else {
        return false;
    };
    let stem = py.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    for e in dir.flatten() {
        let p = e.path();
        let same = p.file_stem().and_then(|s| s.to_str()) == Some(stem);
        if same
            && p != py
            && let Ok(text) = std::fs::read_to_string(&p)
        {
            let tail = text.trim_end();
            if [
                "<<raised SyntaxError>>",
                "<<raised IndentationError>>",
                "<<raised TabError>>",
            ]
            .iter()
            .any(|m| tail.ends_with(m))
            {
                return true;
            }
        }
    }
    false
}

#[test]
fn every_corpus_program_cpython_compiles_parses() {
    let Some(root) = shared() else {
        eprintln!("no shared corpus found; skipping");
        return;
    };
    let mut files = Vec::new();
    collect(&root.join("conformance/cases"), &mut files);
    collect(&root.join("bench/programs"), &mut files);
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    let mut parsed = 0;
    for f in &files {
        if cpython_refuses(f) {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        match garter::syntax::parse(&src) {
            Ok(_) => parsed += 1,
            Err(e) => failures.push(format!(
                "{}: {}",
                f.display(),
                garter::syntax::render("x", &src, &e)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert!(parsed > 400, "only {parsed} parsed");
}
