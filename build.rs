fn main() {
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .use_cargo_dir_conventions()
        .emit_rerun_directives(true)
        .process()
        .expect("the grammar in grammar/ must generate");
}
