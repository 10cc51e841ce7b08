// Stand-alone probe (rustc -O value_layout.rs && ./value_layout): a Value-like enum whose
// Bool payload sits at offset 1 (V1) vs at offset 8 (V2, an align(8) newtype). V1's copies
// are split into overlapping pieces that defeat store forwarding; V2 copies as two words.
// Measured 2026-12-01: get+clone 790ms (V1) vs 300ms (V2); sizes 16/16/16/16 for both.
use std::rc::Rc;
use std::cell::RefCell;
#[repr(align(8))] #[derive(Clone, Copy)] pub struct B8(pub bool);
pub enum V1 { None, Bool(bool), Int(i64), Float(f64), Str(Rc<String>), List(Rc<RefCell<Vec<V1>>>) }
pub enum V2 { None, Bool(B8), Int(i64), Float(f64), Str(Rc<String>), List(Rc<RefCell<Vec<V2>>>) }
impl Clone for V1 { #[inline(always)] fn clone(&self) -> V1 { match self { V1::Int(i) => V1::Int(*i), V1::Float(f) => V1::Float(*f), V1::Bool(b) => V1::Bool(*b), V1::None => V1::None, _ => self.cc() } } }
impl V1 { #[inline(never)] fn cc(&self) -> V1 { match self { V1::Str(s) => V1::Str(s.clone()), V1::List(s) => V1::List(s.clone()), _ => V1::None } } }
impl Clone for V2 { #[inline(always)] fn clone(&self) -> V2 { match self { V2::Int(i) => V2::Int(*i), V2::Float(f) => V2::Float(*f), V2::Bool(b) => V2::Bool(*b), V2::None => V2::None, _ => self.cc() } } }
impl V2 { #[inline(never)] fn cc(&self) -> V2 { match self { V2::Str(s) => V2::Str(s.clone()), V2::List(s) => V2::List(s.clone()), _ => V2::None } } }
#[inline(never)] #[no_mangle] pub fn get1(l: &RefCell<Vec<V1>>, i: usize) -> Result<Option<V1>, Box<u8>> { Ok(l.borrow().get(i).cloned()) }
#[inline(never)] #[no_mangle] pub fn get2(l: &RefCell<Vec<V2>>, i: usize) -> Result<Option<V2>, Box<u8>> { Ok(l.borrow().get(i).cloned()) }
#[inline(never)] #[no_mangle] pub fn push1(l: &mut Vec<V1>, src: &[V1]) { for x in src { l.push(x.clone()) } }
#[inline(never)] #[no_mangle] pub fn push2(l: &mut Vec<V2>, src: &[V2]) { for x in src { l.push(x.clone()) } }
fn main() {
    println!("sizes {} {} {} {}", std::mem::size_of::<V2>(), std::mem::size_of::<Option<V2>>(), std::mem::size_of::<Result<Option<V2>, Box<u8>>>(), std::mem::size_of::<Option<Option<V2>>>());
    let l1 = RefCell::new((0..1000).map(|i| if i % 3 == 0 { V1::Bool(true) } else { V1::Int(i) }).collect::<Vec<_>>());
    let l2 = RefCell::new((0..1000).map(|i| if i % 3 == 0 { V2::Bool(B8(true)) } else { V2::Int(i) }).collect::<Vec<_>>());
    let t = std::time::Instant::now(); let mut n = 0i64;
    for _ in 0..100000 { for i in 0..1000 { if let Ok(Some(V1::Int(x))) = get1(std::hint::black_box(&l1), i) { n += x } } }
    println!("v1 {:?} {n}", t.elapsed());
    let t = std::time::Instant::now(); let mut n = 0i64;
    for _ in 0..100000 { for i in 0..1000 { if let Ok(Some(V2::Int(x))) = get2(std::hint::black_box(&l2), i) { n += x } } }
    println!("v2 {:?} {n}", t.elapsed());
    let src1: Vec<V1> = (0..1000).map(V1::Int).collect(); let src2: Vec<V2> = (0..1000).map(V2::Int).collect();
    let t = std::time::Instant::now();
    for _ in 0..20000 { let mut v = Vec::with_capacity(1000); push1(&mut v, std::hint::black_box(&src1)); std::hint::black_box(&v); }
    println!("push v1 {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for _ in 0..20000 { let mut v = Vec::with_capacity(1000); push2(&mut v, std::hint::black_box(&src2)); std::hint::black_box(&v); }
    println!("push v2 {:?}", t.elapsed());
}
