//! Assigning experts to the items of a campaign, in two modes over the same constraints.
//!
//! The caller turns a campaign into a [`Problem`]: items with how many reviewers each needs,
//! experts with their minimum and maximum load, and the eligible pairs with their affinity
//! (shared specialties). Conflicts, unavailability and missing specialties never become a pair,
//! so neither mode can break them. [`optimal`] maximises the total affinity exactly (min-cost
//! flow); [`draw`] picks at random from each item's eligible pool with a seed, so the same
//! problem and seed give the same draw on every machine and in every later version.

use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use super::flow::Network;

/// One item to review: how many reviewers it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemNeed {
    /// Reviewers wanted.
    pub need: u32,
}

/// One expert's load limits in this campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertLoad {
    /// Items they should review at least (optimal mode honours it when it can be met).
    pub min: u32,
    /// Items they may review at most.
    pub max: u32,
}

/// An eligible (item, expert) pair, by position in [`Problem::items`] and [`Problem::experts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pair {
    /// Position of the item.
    pub item: u32,
    /// Position of the expert.
    pub expert: u32,
    /// How well they fit: the number of shared specialties.
    pub affinity: u32,
}

/// What an assignment must satisfy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The items, in a stable order (by id).
    pub items: Vec<ItemNeed>,
    /// The experts, in a stable order (by id).
    pub experts: Vec<ExpertLoad>,
    /// Every eligible pair; a pair that is not here is never assigned.
    pub pairs: Vec<Pair>,
}

/// An item that did not get all its reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// Position of the item.
    pub item: u32,
    /// Reviewers wanted.
    pub need: u32,
    /// Reviewers assigned.
    pub got: u32,
    /// Eligible experts in its pool (fewer than `need`: the pool is too small; otherwise the
    /// eligible experts were full).
    pub eligible: u32,
}

/// The outcome of either mode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The assigned pairs, sorted by item then expert.
    pub pairs: Vec<Pair>,
    /// Total affinity of the assigned pairs.
    pub objective: u64,
    /// Items short of reviewers.
    pub shortfalls: Vec<Shortfall>,
    /// Experts below their minimum load: (position, load).
    pub under_min: Vec<(u32, u32)>,
}

impl Problem {
    /// Checks that every pair points at an item and an expert of the problem.
    pub fn is_well_formed(&self) -> bool {
        self.pairs.iter().all(|p| (p.item as usize) < self.items.len() && (p.expert as usize) < self.experts.len())
    }

    fn finish(&self, mut pairs: Vec<Pair>) -> Assignment {
        pairs.sort_unstable();
        let mut got = vec![0u32; self.items.len()];
        let mut load = vec![0u32; self.experts.len()];
        let mut eligible = vec![0u32; self.items.len()];
        for p in &self.pairs {
            if let Some(e) = eligible.get_mut(p.item as usize) {
                *e += 1;
            }
        }
        for p in &pairs {
            if let Some(g) = got.get_mut(p.item as usize) {
                *g += 1;
            }
            if let Some(l) = load.get_mut(p.expert as usize) {
                *l += 1;
            }
        }
        let shortfalls = self
            .items
            .iter()
            .zip(got.iter().zip(&eligible))
            .enumerate()
            .filter(|(_, (it, (g, _)))| **g < it.need)
            .map(|(i, (it, (g, e)))| Shortfall { item: i as u32, need: it.need, got: *g, eligible: *e })
            .collect();
        let under_min = self
            .experts
            .iter()
            .zip(&load)
            .enumerate()
            .filter(|(_, (x, l))| **l < x.min)
            .map(|(i, (_, l))| (i as u32, *l))
            .collect();
        Assignment { objective: pairs.iter().map(|p| u64::from(p.affinity)).sum(), pairs, shortfalls, under_min }
    }
}

/// The assignment of greatest total affinity that gives every item as many reviewers as it can
/// and keeps every expert within their maximum load; among those, minimum loads are met first
/// wherever the instance allows it.
///
/// Pairs the problem does not list are never assigned, so conflicts and availability hold by
/// construction. Exact: a min-cost max-flow over source → item (need) → expert (one per pair,
/// cost −affinity) → sink (max load, the first `min` units carrying a bonus larger than any
/// total affinity, so minimum loads win over affinity but never over filling items).
pub fn optimal(problem: &Problem) -> Assignment {
    let n_items = problem.items.len();
    let n_experts = problem.experts.len();
    let source = 0;
    let sink = n_items + n_experts + 1;
    let item_node = |i: u32| 1 + i as usize;
    let expert_node = |e: u32| 1 + n_items + e as usize;
    let mut net = Network::new(sink + 1);
    for (i, it) in problem.items.iter().enumerate() {
        net.add_edge(source, item_node(i as u32), i64::from(it.need), 0);
    }
    let max_affinity = problem.pairs.iter().map(|p| i64::from(p.affinity)).max().unwrap_or(0);
    let units: i64 = problem.items.iter().map(|it| i64::from(it.need)).sum();
    let bonus = units.saturating_mul(max_affinity).saturating_add(1);
    let mut edges = Vec::with_capacity(problem.pairs.len());
    for p in &problem.pairs {
        if (p.item as usize) < n_items && (p.expert as usize) < n_experts {
            edges.push((net.add_edge(item_node(p.item), expert_node(p.expert), 1, -i64::from(p.affinity)), *p));
        }
    }
    for (e, x) in problem.experts.iter().enumerate() {
        let min = x.min.min(x.max);
        if min > 0 {
            net.add_edge(expert_node(e as u32), sink, i64::from(min), -bonus);
        }
        if x.max > min {
            net.add_edge(expert_node(e as u32), sink, i64::from(x.max - min), 0);
        }
    }
    net.run(source, sink);
    let chosen = edges.into_iter().filter(|(e, _)| net.flow(*e) > 0).map(|(_, p)| p).collect();
    problem.finish(chosen)
}

/// A seeded random draw: each item, fewest eligible experts first (ties by position), draws its
/// reviewers uniformly from the eligible experts who still have room. Minimum loads are not
/// forced (a draw that favoured some experts would not be random); those left under their
/// minimum are reported.
///
/// The draw uses ChaCha8 and its own rejection sampling on `next_u64`, both fixed by
/// specification, so a stored seed and problem reproduce it exactly (`sheji review replay`).
pub fn draw(problem: &Problem, seed: u64) -> Assignment {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pools: Vec<Vec<Pair>> = vec![Vec::new(); problem.items.len()];
    for p in &problem.pairs {
        if let Some(pool) = pools.get_mut(p.item as usize) {
            pool.push(*p);
        }
    }
    for pool in &mut pools {
        pool.sort_unstable_by_key(|p| p.expert);
        pool.dedup_by_key(|p| p.expert);
    }
    let mut order: Vec<usize> = (0..problem.items.len()).collect();
    order.sort_by_key(|&i| (pools.get(i).map_or(0, Vec::len), i));
    let mut room: Vec<u32> = problem.experts.iter().map(|x| x.max).collect();
    let mut chosen = Vec::new();
    for i in order {
        let need = problem.items.get(i).map_or(0, |it| it.need) as usize;
        let Some(pool) = pools.get(i) else { continue };
        let mut open: Vec<Pair> =
            pool.iter().filter(|p| room.get(p.expert as usize).is_some_and(|r| *r > 0)).copied().collect();
        // Partial Fisher–Yates: the first `need` places are a uniform sample without repeats.
        let take = need.min(open.len());
        for k in 0..take {
            let j = k + below(&mut rng, (open.len() - k) as u64) as usize;
            open.swap(k, j);
        }
        for p in open.into_iter().take(take) {
            if let Some(r) = room.get_mut(p.expert as usize) {
                *r -= 1;
            }
            chosen.push(p);
        }
    }
    problem.finish(chosen)
}

/// A uniform integer in `0..n` (n > 0) by rejection, independent of any library's sampling code.
fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let n = n.max(1);
    let zone = u64::MAX - (u64::MAX % n) - 1;
    loop {
        let x = rng.next_u64();
        if x <= zone {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn random_problem(rng: &mut ChaCha8Rng) -> Problem {
        let n_items = rng.random_range(1..=4);
        let n_experts = rng.random_range(1..=4);
        let items = (0..n_items).map(|_| ItemNeed { need: rng.random_range(0..=2) }).collect();
        let experts = (0..n_experts)
            .map(|_| {
                let max = rng.random_range(0..=3);
                ExpertLoad { min: rng.random_range(0..=max), max }
            })
            .collect();
        let mut pairs = Vec::new();
        for item in 0..n_items {
            for expert in 0..n_experts {
                if rng.random_bool(0.7) {
                    pairs.push(Pair { item, expert, affinity: rng.random_range(0..=4) });
                }
            }
        }
        Problem { items, experts, pairs }
    }

    fn valid(problem: &Problem, a: &Assignment) -> bool {
        let mut got = vec![0u32; problem.items.len()];
        let mut load = vec![0u32; problem.experts.len()];
        let mut seen = std::collections::BTreeSet::new();
        for p in &a.pairs {
            if !problem.pairs.contains(p) || !seen.insert((p.item, p.expert)) {
                return false;
            }
            got[p.item as usize] += 1;
            load[p.expert as usize] += 1;
        }
        got.iter().zip(&problem.items).all(|(g, it)| *g <= it.need)
            && load.iter().zip(&problem.experts).all(|(l, x)| *l <= x.max)
    }

    /// Every subset of pairs that respects the limits, scored (assigned, min-load units met,
    /// affinity) — the lexicographic order `optimal` promises.
    fn brute_force(problem: &Problem) -> (u32, u32, u64) {
        let n = problem.pairs.len();
        let mut best = (0, 0, 0);
        for mask in 0u32..(1 << n) {
            let pairs: Vec<Pair> = (0..n).filter(|k| mask & (1 << k) != 0).map(|k| problem.pairs[k]).collect();
            let a = Assignment { pairs: pairs.clone(), ..Assignment::default() };
            if !valid(problem, &a) {
                continue;
            }
            let mut load = vec![0u32; problem.experts.len()];
            for p in &pairs {
                load[p.expert as usize] += 1;
            }
            let min_met = load.iter().zip(&problem.experts).map(|(l, x)| (*l).min(x.min)).sum();
            let score = (pairs.len() as u32, min_met, pairs.iter().map(|p| u64::from(p.affinity)).sum());
            best = best.max(score);
        }
        best
    }

    #[test]
    fn optimal_equals_brute_force_on_small_instances() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..400 {
            let problem = random_problem(&mut rng);
            if problem.pairs.len() > 14 {
                continue;
            }
            let a = optimal(&problem);
            assert!(valid(&problem, &a), "{problem:?} {a:?}");
            let mut load = vec![0u32; problem.experts.len()];
            for p in &a.pairs {
                load[p.expert as usize] += 1;
            }
            let min_met = load.iter().zip(&problem.experts).map(|(l, x)| (*l).min(x.min)).sum();
            assert_eq!((a.pairs.len() as u32, min_met, a.objective), brute_force(&problem), "{problem:?}");
        }
    }

    #[test]
    fn draws_respect_the_constraints_and_replay() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for seed in 0..300 {
            let problem = random_problem(&mut rng);
            let a = draw(&problem, seed);
            assert!(valid(&problem, &a));
            assert_eq!(a, draw(&problem, seed));
        }
    }

    #[test]
    fn a_draw_is_fixed_by_its_seed() {
        // Pinned output: if this changes, stored draws can no longer be replayed.
        let problem = Problem {
            items: vec![ItemNeed { need: 2 }; 3],
            experts: vec![ExpertLoad { min: 0, max: 2 }; 4],
            pairs: (0..3).flat_map(|item| (0..4).map(move |expert| Pair { item, expert, affinity: 1 })).collect(),
        };
        let got: Vec<(u32, u32)> = draw(&problem, 20261127).pairs.iter().map(|p| (p.item, p.expert)).collect();
        assert_eq!(got, PINNED);
    }

    const PINNED: [(u32, u32); 6] = [(0, 2), (0, 3), (1, 1), (1, 3), (2, 0), (2, 1)];

    #[test]
    fn shortfalls_name_the_pool() {
        let problem = Problem {
            items: vec![ItemNeed { need: 3 }, ItemNeed { need: 1 }],
            experts: vec![ExpertLoad { min: 1, max: 1 }, ExpertLoad { min: 1, max: 1 }],
            pairs: vec![
                Pair { item: 0, expert: 0, affinity: 2 },
                Pair { item: 0, expert: 1, affinity: 0 },
                Pair { item: 1, expert: 1, affinity: 1 },
            ],
        };
        let a = optimal(&problem);
        assert_eq!(a.pairs.len(), 2);
        assert_eq!(a.shortfalls, vec![Shortfall { item: 0, need: 3, got: 1, eligible: 2 }]);
        assert!(a.under_min.is_empty());
    }
}
