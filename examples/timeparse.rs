fn main() {
    let mut v = Vec::new();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let src = String::from_utf8_lossy(&bytes).to_string();
        let t = std::time::Instant::now();
        let _ = garter::syntax::parse(&src);
        v.push((t.elapsed().as_micros(), path, src.len()));
    }
    v.sort();
    let total: u128 = v.iter().map(|x| x.0).sum();
    println!("total {} us over {}", total, v.len());
    for x in v.iter().rev().take(8) {
        println!("{} us {} ({} bytes)", x.0, x.1, x.2);
    }
}
