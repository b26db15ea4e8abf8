//! Temporaries held across `.await`: the same code in a crate of edition 2021 and one of
//! edition 2024, whose drop scopes differ for `if let` scrutinees and block tails.

use std::sync::Mutex;

async fn tick() {}

async fn compute() -> usize {
    1
}

pub struct Store {
    pub items: Mutex<Vec<u64>>,
}

impl Store {
    pub async fn fetch(&self, key: u64) -> Option<u64> {
        Some(key)
    }
}

/// The scrutinee's guard lives through the `else` before edition 2024.
pub async fn if_let_else(m: &Mutex<Option<u64>>) {
    if let Some(v) = *m.lock().unwrap() {
        println!("{v}");
    } else {
        tick().await; // expect: non-send-across-await
    }
}

/// In both editions, the guard lives through the `then` branch.
pub async fn if_let_then(m: &Mutex<Option<u64>>) {
    if let Some(v) = *m.lock().unwrap() {
        tick().await; // expect: non-send-across-await
        println!("{v}");
    }
}

/// A block's tail temporary lives to the end of the enclosing statement before 2024.
pub async fn block_tail_then_await_in_the_statement(m: &Mutex<Vec<u64>>) -> usize {
    let n = { m.lock().unwrap().len() } + compute().await; // expect: non-send-across-await
    n
}

/// In both editions, an await inside the tail expression is within its temporaries' scope.
pub async fn function_tail(m: &Mutex<Vec<u64>>) -> usize {
    m.lock().unwrap().len() + compute().await // expect: non-send-across-await
}

pub async fn await_in_a_block_tail(m: &Mutex<Vec<u64>>) -> usize {
    let n = {
        let base = 1;
        m.lock().unwrap().len() + compute().await + base // expect: non-send-across-await
    };
    n
}

pub async fn match_scrutinee(m: &Mutex<Vec<u64>>) {
    match m.lock().unwrap().first() {
        Some(_) => tick().await, // expect: non-send-across-await
        None => {}
    }
    println!("done");
}

pub async fn while_let_scrutinee(m: &Mutex<Vec<u64>>) {
    while let Some(x) = m.lock().unwrap().pop() {
        println!("{x}");
        tick().await; // expect: non-send-across-await
    }
}

pub async fn method_chain(store: &Mutex<Store>) -> Option<u64> {
    store.lock().unwrap().fetch(1).await // expect: non-send-across-await
}

pub async fn method_chain_in_a_let(store: &Mutex<Store>) {
    let v = store.lock().unwrap().fetch(1).await; // expect: non-send-across-await
    println!("{v:?}");
}

pub async fn argument_of_an_awaited_call(m: &Mutex<Vec<u64>>) {
    let v = compute_with(m.lock().unwrap().len()).await; // expect: non-send-across-await
    println!("{v}");
}

async fn compute_with(n: usize) -> usize {
    n
}

/// Silent: a `while` condition is a scope of its own.
pub async fn while_condition(m: &Mutex<Vec<u64>>) {
    while m.lock().unwrap().is_empty() {
        tick().await;
    }
}

/// Silent: the guard ends with the `let` statement; the match is on a copy.
pub async fn match_on_a_copy(m: &Mutex<Vec<u64>>) {
    let first = m.lock().unwrap().first().copied();
    match first {
        Some(_) => tick().await,
        None => {}
    }
}

/// Silent: the guard is a binding of a block that ends before the await.
pub async fn block_ends_before_the_await(m: &Mutex<Vec<u64>>) {
    let n = {
        let g = m.lock().unwrap();
        g.len()
    };
    tick().await;
    println!("{n}");
}

/// Silent: the tail of an `if` branch is dropped at the end of the branch.
pub async fn if_branch_tail(m: &Mutex<Vec<u64>>, ready: bool) -> usize {
    let n = if ready { m.lock().unwrap().len() } else { 0 } + compute().await;
    n
}

/// Silent: the guard of the chain is a statement's temporary, gone before the await.
pub async fn chain_then_await(store: &Mutex<Store>) {
    let n = store.lock().unwrap().items.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unnems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unems.lock().unwrap().len();
    tick().await;
    println!("{n}");
}

/// Silent: a `let`-`else` initializer's guard is dropped before the `else` block runs, in
/// every edition.
pub async fn let_else_awaits_in_the_else(m: &Mutex<Option<u64>>) {
    let Some(