//! Generates the parser from grammar/python.lalrpop into OUT_DIR.
//! The cargo conventions are applied first: they would otherwise reset the input
//! directory to src/ and the grammar would silently not be found.
fn main() {
    lalrpop::Configuration::new()
        .use_cargo_dir_conventions()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
        .expect("the grammar in grammar/ must generate");
}
