//! Builds a synthetic 对接会 — participants marking each other 必见 / 想见 / 不见 at random, some
//! away in some slots — schedules it and prints the time, the objective, the upper bound and
//! the gap as JSON; `bench/schedule.py` solves the same instance (written with `--write FILE`)
//! with scipy's HiGHS and compares.
//!
//! `cargo run --release -p sheji-core --example schedule -- [--participants 600] [--slots 12]
//! [--tables 60] [--must 5] [--want 20] [--veto 5] [--away 10] [--seed 1] [--write FILE]`
//! (`--must`, `--want`, `--veto`: per cent of ordered pairs; `--away`: per cent of
//! participant-slots unavailable).

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sheji_core::event::schedule::{Instance, Wish, schedule};

fn main() -> Result<(), String> {
    let (mut participants, mut slots, mut tables) = (600usize, 12usize, 60usize);
    let (mut must, mut want, mut veto, mut away) = (5u32, 20u32, 5u32, 10u32);
    let mut seed = 1u64;
    let mut write = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{a}: {e}"));
        match a.as_str() {
            "--participants" => participants = number(value()?)? as usize,
            "--slots" => slots = number(value()?)? as usize,
            "--tables" => tables = number(value()?)? as usize,
            "--must" => must = number(value()?)? as u32,
            "--want" => want = number(value()?)? as u32,
            "--veto" => veto = number(value()?)? as u32,
            "--away" => away = number(value()?)? as u32,
            "--seed" => seed = number(value()?)?,
            "--write" => write = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let available: Vec<bool> = (0..participants * slots).map(|_| rng.random_range(0..100) >= away).collect();
    let mut wishes = Vec::new();
    for a in 0..participants as u32 {
        for b in 0..participants as u32 {
            if a == b {
                continue;
            }
            let r = rng.random_range(0..100);
            let wish = if r < must {
                Wish::Must
            } else if r < must + want {
                Wish::Want
            } else if r < must + want + veto {
                Wish::Veto
            } else {
                continue;
            };
            wishes.push((a, b, wish));
        }
    }
    let inst = Instance { participants, slots, tables, available, wishes };
    if let Some(path) = write {
        let json = serde_json::json!({
            "participants": participants,
            "slots": slots,
            "tables": tables,
            "available": inst.available,
            "wishes": inst.wishes.iter().map(|(a, b, w)| (a, b, w.code())).collect::<Vec<_>>(),
        });
        std::fs::write(&path, json.to_string()).map_err(|e| format!("{path}: {e}"))?;
    }
    let started = Instant::now();
    let s = schedule(&inst).map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "seconds": seconds,
        "meetings": s.meetings.len(),
        "candidates": s.candidates,
        "musts": s.musts,
        "musts_unmet": s.musts_unmet,
        "wants": s.wants,
        "must_weight": s.must_weight,
        "objective": s.objective,
        "upper_bound": s.upper_bound,
        "gap": s.gap(),
    });
    println!("{report}");
    Ok(())
}
