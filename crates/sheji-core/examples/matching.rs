//! The matchmaking benchmark's in-memory half: DEMANDS published demands against OFFERS
//! published offers (17 service categories, 30 clusters, 41 districts, budgets and prices
//! drawn like `sheji gen --demands --offers` draws them), the top TOP offers for every
//! demand; prints one JSON line with the time of the ranking alone.
//!
//!     cargo run --release -p sheji-core --example matching -- 10000 5000 10 [seed]

// An example program: a bad argument may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::time::Instant;

use sheji_core::ids::{AccountId, ClusterId, DistrictId, OrganizationId};
use sheji_core::matchmaking::{CategoryBits, DemandTraits, OfferTraits, offers_for};

/// A small deterministic generator (xorshift), so the example needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

const CATEGORIES: [&str; 17] = [
    "RES", "PLAN", "PROD", "FORM", "STRUCT", "FUNC", "PACK", "CMF", "UX", "BRAND", "SERV", "CONS", "PROTO", "MOLD",
    "PILOT", "AM", "TEST",
];

fn pick(rng: &mut Rng, n: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    while out.len() < n {
        out.insert(CATEGORIES[rng.below(17) as usize].to_owned());
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let demands: usize = args.get(1).map_or(10_000, |a| a.parse().unwrap());
    let offers: usize = args.get(2).map_or(5_000, |a| a.parse().unwrap());
    let top: usize = args.get(3).map_or(10, |a| a.parse().unwrap());
    let mut rng = Rng(args.get(4).map_or(2026, |a| a.parse().unwrap()) | 1);
    let index = CategoryBits::new(CATEGORIES.map(String::from));
    let ds: Vec<DemandTraits> = (0..demands)
        .map(|i| {
            let k = 1 + rng.below(3) as usize;
            let lo = rng.float(5.0, 200.0).round();
            let categories = pick(&mut rng, k);
            DemandTraits {
                id: i as i32 + 1,
                organization: OrganizationId(rng.below(6_000) as i32),
                district: DistrictId(rng.below(41) as i32),
                bits: index.of(&categories),
                categories,
                cluster: Some(ClusterId(rng.below(30) as i32)),
                budget: (Some(lo), Some((lo * rng.float(1.2, 3.0)).round())),
                excluded: BTreeSet::new(),
            }
        })
        .collect();
    let os: Vec<OfferTraits> = (0..offers)
        .map(|i| {
            let k = 2 + rng.below(4) as usize;
            let lo = rng.float(3.0, 150.0).round();
            let categories = pick(&mut rng, k);
            OfferTraits {
                id: i as i32 + 1,
                organization: Some(OrganizationId(6_000 + rng.below(3_000) as i32)),
                account: AccountId(1),
                district: DistrictId(rng.below(41) as i32),
                bits: index.of(&categories),
                categories,
                clusters: (0..1 + rng.below(4)).map(|_| ClusterId(rng.below(30) as i32)).collect(),
                price: (Some(lo), Some((lo * rng.float(1.5, 4.0)).round())),
                capacity: 1 + rng.below(10) as i32,
                engaged: 0,
                recognitions: u32::from(rng.below(10) == 0),
                rated_deals: u32::from(rng.below(20) == 0),
                excluded: BTreeSet::new(),
            }
        })
        .collect();
    let started = Instant::now();
    let mut matched = 0usize;
    let mut best = 0u32;
    for d in &ds {
        let m = offers_for(d, &os, top);
        matched += m.len();
        best = best.max(m.first().map_or(0, |x| x.total));
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"demands\":{demands},\"offers\":{offers},\"top\":{top},\"matches\":{matched},\"best\":{best},\"seconds\":{seconds:.4},\"per_demand_us\":{:.1}}}",
        seconds * 1e6 / demands.max(1) as f64
    );
}
