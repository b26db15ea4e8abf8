use std::path::PathBuf;

use ra_ap_syntax::ast::{self, HasModuleItem, HasName};

use super::*;
use crate::crate_index::FileInfo;
use crate::RustFile;

fn index(files: &[(&str, &str, &str)]) -> CrateIndex {
    let files = files
        .iter()
        .map(|(path, module, text)| {
            let info = FileInfo {
                crate_name: "app".into(),
                module: module.to_string(),
                edition: Default::default(),
            };
            (PathBuf::from(path), info, text.to_string())
        })
        .collect();
    CrateIndex::from_sources(PathBuf::from("/x"), files)
}

/// The type of `type Probe = …;` in `src`, resolved in module `app`.
fn probe(src: &str) -> Ty {
    let file = RustFile::parse(src);
    let tree = file.tree();
    // The probe file is outside the index: its scope is built here, in module `app`.
    let mut scope = crate::types::Scope::new("app", "app");
    for item in tree.items() {
        if let ast::Item::Use(u) = &item {
            scope.add_use(u);
        }
    }
    let alias = tree
        .items()
        .find_map(|i| match i {
            ast::Item::TypeAlias(t) if t.name().is_some_and(|n| n.text() == "Probe") => t.ty(),
            _ => None,
        })
        .unwrap();
    scope.ty(&alias)
}

fn verdict(index: &CrateIndex, src: &str) -> (bool, bool) {
    let known = KnownTypes::builtin();
    let reasoner = Reasoner::new(index, known);
    let ty = probe(src);
    (
        reasoner.lacks(&ty, AutoTrait::Send).is_none(),
        reasoner.lacks(&ty, AutoTrait::Sync).is_none(),
    )
}

#[test]
fn std_wrapper_rules() {
    let idx = index(&[]);
    let v = |t: &str| {
        verdict(&idx, &format!("use std::sync::{{Arc, Mutex, RwLock}}; use std::cell::{{Cell, RefCell}}; use std::rc::Rc;\ntype Probe = {t};"))
    };
    assert_eq!(v("Rc<u8>"), (false, false));
    assert_eq!(v("RefCell<u8>"), (true, false));
    assert_eq!(
        v("Mutex<RefCell<u8>>"),
        (true, true),
        "Mutex<T>: Sync iff T: Send"
    );
    assert_eq!(
        v("RwLock<RefCell<u8>>"),
        (true, false),
        "RwLock<T>: Sync iff T: Send + Sync"
    );
    assert_eq!(
        v("Arc<RefCell<u8>>"),
        (false, false),
        "Arc<T>: Send iff T: Send + Sync"
    );
    assert_eq!(v("Arc<Mutex<Cell<u8>>>"), (true, true));
    assert_eq!(v("&Cell<u8>"), (false, false), "&T: Send iff T: Sync");
    assert_eq!(v("&mut Cell<u8>"), (true, false));
    assert_eq!(v("Vec<Option<Rc<u8>>>"), (false, false));
    assert_eq!(v("*const u8"), (false, false));
    assert_eq!(v("Box<dyn Fn()>"), (false, false));
    assert_eq!(v("Box<dyn Fn() + Send + Sync>"), (true, true));
    assert_eq!(v("std::marker::PhantomData<*const ()>"), (false, false));
    assert_eq!(
        v("Arc<tokio::sync::RwLock<std::collections::HashMap<String, u8>>>"),
        (true, true)
    );
    assert_eq!(
        v("some_crate::Unknown<Rc<u8>>"),
        (true, true),
        "unknown types are assumed Send + Sync"
    );
    assert_eq!(v("alloc::rc::Rc<u8>"), (false, false));
}

#[test]
fn fields_aliases_and_use_resolution_across_files() {
    let idx = index(&[
        (
            "/x/src/net.rs",
            "app::net",
            "use libp2p::Swarm;\npub struct P2PBehaviour { x: u8 }\npub type Shared<T> = std::sync::Arc<tokio::sync::RwLock<T>>;\n",
        ),
        (
            "/x/src/registry.rs",
            "app::registry",
            "use std::sync::{Arc, RwLock};\nuse crate::net::{P2PBehaviour, Shared};\nuse libp2p::Swarm;\npub struct P2PRegistry { name: String, swarm: Arc<RwLock<Swarm<P2PBehaviour>>> }\npub struct Fine { swarm: Shared<Swarm<P2PBehaviour>> }\npub struct Wrapper<T> { inner: T }\npub struct Raw(*mut u8);\nunsafe impl Send for Raw {}\n",
        ),
    ]);
    let v = |t: &str| {
        verdict(
            &idx,
            &format!(
                "use crate::registry::{{P2PRegistry, Fine, Wrapper, Raw}};\ntype Probe = {t};"
            ),
        )
    };
    assert_eq!(v("P2PRegistry"), (false, false));
    // Through the alias: a tokio RwLock around a Swarm is not Sync either (T: Send +
    // Sync), so the Arc around it is neither Send nor Sync.
    assert_eq!(v("Fine"), (false, false));
    assert_eq!(v("Wrapper<std::rc::Rc<u8>>"), (false, false));
    assert_eq!(v("Wrapper<u8>"), (true, true));
    assert_eq!(v("Raw"), (true, false), "unsafe impl Send is believed");

    let reasoner = Reasoner::new(&idx, KnownTypes::builtin());
    let ty = probe("use crate::registry::P2PRegistry;\ntype Probe = P2PRegistry;");
    let why = reasoner.lacks(&ty, AutoTrait::Sync).unwrap();
    assert_eq!(why.chain.len(), 1);
    assert_eq!(why.chain[0].field, "swarm");
    assert_eq!(why.chain[0].file, PathBuf::from("/x/src/registry.rs"));
    assert_eq!(why.culprit, "Swarm<P2PBehaviour>");
    assert_eq!(why.culprit_trait, AutoTrait::Sync);
    assert_eq!(
        why.note.as_deref(),
        Some("`RwLock<T>` is `Sync` only if `T: Send + Sync`")
    );
}

#[test]
fn recursive_types_terminate_and_user_entries_apply() {
    let idx = index(&[(
        "/x/src/lib.rs",
        "app",
        "pub struct Node { next: Option<Box<Node>>, handle: ffi::Handle }\n",
    )]);
    assert_eq!(verdict(&idx, "type Probe = Node;"), (true, true));
    let known = KnownTypes::with_user(&["ffi::Handle".to_string()], &[]);
    let reasoner = Reasoner::new(&idx, &known);
    let ty = probe("type Probe = Node;");
    assert!(reasoner.lacks(&ty, AutoTrait::Send).is_some());
    assert!(reasoner.lacks(&ty, AutoTrait::Sync).is_none());
}

#[test]
fn supertraits_decide_dyn_and_half_typed_code_is_fine() {
    let idx = index(&[(
        "/x/src/lib.rs",
        "app",
        "pub trait Registry: Send + Sync { }\npub trait Local { }\npub struct A { r: Box<dyn Registry>, l: Box<dyn Local + Send> }\npub struct B { x: Rc<\n",
    )]);
    assert_eq!(verdict(&idx, "type Probe = A;"), (true, false));
    let (send, sync) = idx.trait_requires(&PathTy {
        path: "app::Registry".into(),
        relative: None,
        local: true,
        args: Vec::new(),
    });
    assert!(send && sync);
    assert!(KnownTypes::parse("a::B never\n").is_err());
}

/// Twenty levels of types, each with three fields of the next level: 3^20 paths through
/// the fields, 21 distinct types.
#[test]
fn each_distinct_type_is_examined_once() {
    let mut text = String::from("pub struct L20 { n: u8 }\n");
    for level in (0..20).rev() {
        let next = level + 1;
        text.push_str(&format!(
            "pub struct L{level} {{ a: std::sync::Arc<L{next}>, b: Option<L{next}>, c: Vec<L{next}> }}\n"
        ));
    }
    let idx = index(&[("/x/src/lib.rs", "app", &text)]);
    let reasoner = Reasoner::new(&idx, KnownTypes::builtin());
    let ty = probe("type Probe = L0;");
    assert!(reasoner.lacks(&ty, AutoTrait::Send).is_none());
    // `Arc<T>: Send` asks `T: Send` and `T: Sync`: two questions per level.
    assert!(reasoner.examined() <= 2 * 21, "{}", reasoner.examined());
    assert!(reasoner.needs_drop(&probe("type Probe = L10;")));
    assert!(reasoner.examined() <= 3 * 21, "{}", reasoner.examined());
}

/// A cycle through a type that turns out not `Send`: what was concluded about the types on
/// the cycle while it was assumed `Send` is not kept.
#[test]
fn answers_that_relied_on_a_refuted_assumption_are_dropped() {
    let idx = index(&[(
        "/x/src/lib.rs",
        "app",
        "pub struct A { b: B, rc: std::rc::Rc<u8> }\npub struct B { a: Box<A> }\npub struct C { b: B }\n",
    )]);
    let reasoner = Reasoner::new(&idx, KnownTypes::builtin());
    let why_a = reasoner.lacks(&probe("type Probe = A;"), AutoTrait::Send);
    assert_eq!(
        why_a.map(|w| w.chain[0].field.clone()).as_deref(),
        Some("rc")
    );
    let why_b = reasoner
        .lacks(&probe("type Probe = B;"), AutoTrait::Send)
        .unwrap();
    let fields: Vec<&str> = why_b.chain.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(fields, ["a", "rc"]);
    assert!(reasoner
        .lacks(&probe("type Probe = C;"), AutoTrait::Send)
        .is_some());
    // Asked in the other order, the same verdicts and the same culprit (the way to it
    // enters the cycle where the search did).
    let fresh = Reasoner::new(&idx, KnownTypes::builtin());
    let why_b = fresh
        .lacks(&probe("type Probe = B;"), AutoTrait::Send)
        .unwrap();
    let fields: Vec<&str> = why_b.chain.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(fields, ["a", "rc"]);
    let why_a = fresh
        .lacks(&probe("type Probe = A;"), AutoTrait::Send)
        .unwrap();
    assert_eq!(why_a.chain.last().unwrap().field, "rc");
    assert!(why_a.culprit.starts_with("Rc<"), "{}", why_a.culprit);
}

/// A type that grows with each step (`S<T>` holds `S<Vec<T>>`) ends the search, silently.
#[test]
fn polymorphic_recursion_terminates() {
    let idx = index(&[(
        "/x/src/lib.rs",
        "app",
        "pub struct S<T> { next: Option<Box<S<Vec<T>>>>, value: T }
",
    )]);
    assert_eq!(verdict(&idx, "type Probe = S<u8>;"), (true, true));
    assert_eq!(
        verdict(&idx, "type Probe = S<std::rc::Rc<u8>>;"),
        (false, false)
    );
}

/// A cycle whose types all have the trait: settled as such.
#[test]
fn cycles_of_send_types_are_send() {
    let idx = index(&[(
        "/x/src/lib.rs",
        "app",
        "pub struct A { b: Option<Box<B>>, n: u8 }\npub struct B { a: Vec<A>, s: String }\npub struct P { a: &'static A, n: u8 }\n",
    )]);
    let reasoner = Reasoner::new(&idx, KnownTypes::builtin());
    assert!(reasoner
        .lacks(&probe("type Probe = A;"), AutoTrait::Send)
        .is_none());
    assert!(reasoner
        .lacks(&probe("type Probe = B;"), AutoTrait::Sync)
        .is_none());
    assert!(reasoner.needs_drop(&probe("type Probe = B;")));
    assert!(!reasoner.needs_drop(&probe("type Probe = P;")));
}
