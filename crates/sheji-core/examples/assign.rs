//! Builds a synthetic review campaign, solves its optimal assignment and prints the time and the
//! objective as JSON; `bench/review.py` compares the objective with scipy's HiGHS on the same
//! instance (written with `--write FILE`).
//!
//! `cargo run --release -p sheji-core --example assign -- [--items 2000] [--experts 300]
//! [--reviewers 5] [--seed 1] [--match] [--write FILE]`

use std::collections::BTreeSet;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sheji_core::ids::{ExpertId, ItemId};
use sheji_core::review::assign::{self, ExpertLoad};
use sheji_core::review::{Candidate, Slot, prepare};

fn main() -> Result<(), String> {
    let mut items = 2000u32;
    let mut experts = 300u32;
    let mut reviewers = 5u32;
    let mut seed = 1u64;
    let mut require_match = false;
    let mut write = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--items" => items = value()?.parse().map_err(|e| format!("--items: {e}"))?,
            "--experts" => experts = value()?.parse().map_err(|e| format!("--experts: {e}"))?,
            "--reviewers" => reviewers = value()?.parse().map_err(|e| format!("--reviewers: {e}"))?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--match" => require_match = true,
            "--write" => write = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }

    // 12 service categories and 18 clusters as specialties; an item has one category and one or
    // two clusters, an expert two categories and two to four clusters. 2 % of pairs conflict,
    // 5 % of experts are unavailable; loads are set so the pool can carry every item.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let category = |rng: &mut ChaCha8Rng| format!("c{}", rng.random_range(0..12));
    let cluster = |rng: &mut ChaCha8Rng| format!("k{}", rng.random_range(0..18));
    let slots: Vec<Slot> = (0..items)
        .map(|i| {
            let mut sp = BTreeSet::from([category(&mut rng)]);
            for _ in 0..rng.random_range(1..=2) {
                sp.insert(cluster(&mut rng));
            }
            Slot { item: ItemId(i as i32), specialties: sp, need: reviewers }
        })
        .collect();
    let per_expert = (items * reviewers).div_ceil(experts);
    let candidates: Vec<Candidate> = (0..experts)
        .map(|e| {
            let mut sp = BTreeSet::from([category(&mut rng), category(&mut rng)]);
            for _ in 0..rng.random_range(2..=4) {
                sp.insert(cluster(&mut rng));
            }
            Candidate {
                expert: ExpertId(e as i32),
                specialties: sp,
                available: rng.random_bool(0.95),
                load: ExpertLoad { min: per_expert / 4, max: per_expert * 3 / 2 },
            }
        })
        .collect();
    let mut blocked = BTreeSet::new();
    for s in &slots {
        for c in &candidates {
            if rng.random_bool(0.02) {
                blocked.insert((s.item, c.expert));
            }
        }
    }
    let prepared = prepare(&slots, &candidates, &blocked, &BTreeSet::new(), require_match);
    if let Some(path) = write {
        let json = serde_json::to_string(&prepared.problem).map_err(|e| e.to_string())?;
        std::fs::write(&path, json).map_err(|e| format!("{path}: {e}"))?;
    }
    let started = Instant::now();
    let a = assign::optimal(&prepared.problem);
    let seconds = started.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "items": items, "experts": experts, "reviewers": reviewers, "pairs_eligible": prepared.problem.pairs.len(),
        "seconds": seconds, "objective": a.objective, "assigned": a.pairs.len(),
        "shortfalls": a.shortfalls.len(), "under_min": a.under_min.len(),
    });
    println!("{report}");
    Ok(())
}
