//! Generates the parser from grammar/python.lalrpop into OUT_DIR, and links the
//! `garter` binary as a fixed-address executable on Linux.
//! The cargo conventions are applied first: they would otherwise reset the input
//! directory to src/ and the grammar would silently not be found.
fn main() {
    lalrpop::Configuration::new()
        .use_cargo_dir_conventions()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("the grammar in grammar/ must generate");
    // A position-independent executable is relocated at every start: the loader
    // rewrites ~18,000 pointers (vtables, panic locations, string tables), copying
    // every page of .data.rel.ro, which was a third of the CPU time of an empty
    // program (`garter run` must start in under 2 ms). The objects stay PIC; only
    // the binary's own load address is fixed (libraries, heap and stacks are still
    // randomised). The library and the test binaries are not affected.
    // `GARTER_PIE=1 cargo build` keeps the position-independent executable, for
    // deployments that want the binary's code randomised too (SECURITY.md).
    println!("cargo:rerun-if-env-changed=GARTER_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let keep_pie = std::env::var("GARTER_PIE").is_ok_and(|v| v == "1");
    // A static build (`-C target-feature=+crt-static`, README) is linked by rustc as
    // `-static` or `-static-pie`; `-no-pie` on top of `-static-pie` makes a binary
    // that crashes at start, so the choice is left to rustc there.
    let crt_static = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default().split(',').any(|f| f == "crt-static");
    if os == "linux" && env == "gnu" && !keep_pie && !crt_static {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
