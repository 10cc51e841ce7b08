//! The shared conformance corpus (../shared/conformance), run against the real binary.
//!
//! Cases that do not pass yet are listed in tests/known_failures.txt; the list is
//! enforced both ways: a new failure fails the test, and so does a listed case that
//! now passes (take it off the list). `GARTER_SHARED` overrides where `shared` is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("GARTER_SHARED").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    candidates.into_iter().flatten().find(|p| p.join("conformance/run.py").exists())
}

fn known(file: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(file);
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Case paths relative to `root`, from a runner's JSON records (a list or JSON lines).
fn failures(json_text: &str, root: &Path) -> (BTreeSet<String>, usize) {
    let mut failed = BTreeSet::new();
    let mut total = 0;
    let mut records: Vec<serde_json::Value> = Vec::new();
    match serde_json::from_str::<serde_json::Value>(json_text) {
        Ok(serde_json::Value::Array(a)) => records = a,
        Ok(v) => records.push(v),
        Err(_) => {
            for line in json_text.lines().filter(|l| !l.trim().is_empty()) {
                if let Ok(v) = serde_json::from_str(line) {
                    records.push(v);
                }
            }
        }
    }
    for r in records {
        let case = r.get("case").or_else(|| r.get("file")).and_then(|c| c.as_str()).unwrap_or("");
        let rel = Path::new(case).strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_else(|_| case.to_owned());
        total += 1;
        let passed = match r.get("status").and_then(|s| s.as_str()) {
            Some(s) => s == "pass",
            // The syntax checker scores type, line and message separately.
            None => ["type", "line", "message"].iter().all(|k| r.get(*k).and_then(|v| v.as_bool()).unwrap_or(false)),
        };
        if !passed {
            failed.insert(rel);
        }
    }
    (failed, total)
}

fn check_against(list_file: &str, failed: &BTreeSet<String>, total: usize) {
    let expected = known(list_file);
    let new: Vec<&String> = failed.difference(&expected).collect();
    let fixed: Vec<&String> = expected.difference(failed).collect();
    println!("{} of {total} cases fail, {} listed in tests/{list_file}", failed.len(), expected.len());
    assert!(total > 0, "the runner reported no cases");
    assert!(new.is_empty(), "cases that fail but are not in tests/{list_file}:\n{}", join(&new));
    assert!(fixed.is_empty(), "cases in tests/{list_file} that now pass (take them off the list):\n{}", join(&fixed));
}

fn join(v: &[&String]) -> String {
    v.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
}

#[test]
fn conformance_corpus_matches_known_failures() {
    let Some(shared) = shared_dir() else {
        panic!("../shared/conformance not found: set GARTER_SHARED");
    };
    let out = std::env::temp_dir().join(format!("garter-conformance-{}.json", std::process::id()));
    let status = Command::new("python3")
        .arg(shared.join("conformance/run.py"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_garter"))
        .arg("--json")
        .arg(&out)
        .status()
        .expect("python3 runs the corpus runner");
    let _ = status;
    let text = std::fs::read_to_string(&out).expect("the runner writes its JSON records");
    let _ = std::fs::remove_file(&out);
    let root = shared.join("conformance/cases").canonicalize().unwrap_or_else(|_| shared.join("conformance/cases"));
    let (failed, total) = failures(&text, &root);
    check_against("known_failures.txt", &failed, total);
}

/// The project's own programs (tests/containers, outputs from CPython 3.11 by
/// `run.py --regen`): every one passes.
#[test]
fn project_programs_pass() {
    let Some(shared) = shared_dir() else {
        panic!("../shared/conformance not found: set GARTER_SHARED");
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/containers");
    let out = Command::new("python3")
        .arg(shared.join("conformance/run.py"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_garter"))
        .arg("--list-failures")
        .arg(&dir)
        .output()
        .expect("python3 runs the corpus runner");
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or("");
    assert!(last.ends_with(" 0 failed"), "tests/containers: {text}");
}

#[test]
fn syntax_corpus_matches_known_failures() {
    let Some(shared) = shared_dir() else {
        panic!("../shared/conformance not found: set GARTER_SHARED");
    };
    let out = std::env::temp_dir().join(format!("garter-syntax-{}.json", std::process::id()));
    Command::new("python3")
        .arg(shared.join("conformance/syntax/check.py"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_garter"))
        .arg("--json")
        .arg(&out)
        .status()
        .expect("python3 runs the syntax checker");
    let text = std::fs::read_to_string(&out).expect("the checker writes its JSON records");
    let _ = std::fs::remove_file(&out);
    let root = shared.join("conformance/syntax").canonicalize().unwrap_or_else(|_| shared.join("conformance/syntax"));
    let (failed, total) = failures(&text, &root);
    check_against("known_syntax_failures.txt", &failed, total);
}
