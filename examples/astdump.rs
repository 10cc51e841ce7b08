//! Prints `garter::syntax::dump::dump_module` of each file argument, one line per
//! file, for tests/ast_vs_cpython.py; a parse error prints `ERROR message`.
fn main() {
    for path in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        match garter::syntax::parse(&src) {
            Ok(m) => println!("{}", garter::syntax::dump::dump_module(&m)),
            Err(e) => println!("ERROR {}", e.message),
        }
    }
}
