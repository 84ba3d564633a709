//! The 1:1 schedule of a 对接会: meetings between participants who want to meet, each in one
//! time slot at one table.
//!
//! Rules: a meeting needs at least one side to want it (必见 or 想见) and neither to veto it (不见);
//! no one is in two meetings in one slot or in a slot they are not available for; a slot holds
//! at most as many meetings as there are tables; a pair meets at most once.
//!
//! Objective, lexicographic: first as many 必见 wishes met as possible, then as many 想见. Each
//! meeting weighs `must × M + want` (its wishes from both sides) with `M` larger than every
//! possible count of 想见, so one 必见 outweighs any number of 想见; the schedule maximizes the
//! total weight.
//!
//! Method: the candidate pairs in descending weight are placed greedily in the least-filled
//! slot both sides are free in; a pair that finds none is placed after moving one meeting that
//! blocks it (of either side, or taking the last table) to another slot. The result comes with
//! an upper bound on the optimum — the smaller of the best `slots × tables` weights and, per
//! participant, the best weights they could take (halved) — so the gap to the optimum is known:
//! 0 means the schedule is proven optimal.

use std::collections::HashMap;

crate::coded_enum! {
    /// What a participant wishes about meeting another.
    pub enum Wish {
        /// 必见: must meet.
        Must = "must",
        /// 想见: would like to meet.
        Want = "want",
        /// 不见: will not meet (vetoes the pair).
        Veto = "veto",
    }
}

/// A scheduling problem: participants `0..participants`, slots `0..slots`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Instance {
    /// How many participants.
    pub participants: usize,
    /// How many time slots.
    pub slots: usize,
    /// Tables, so meetings per slot at most.
    pub tables: usize,
    /// `available[p * slots + s]`: participant `p` can meet in slot `s`.
    pub available: Vec<bool>,
    /// Wishes: (from, to, wish). A later wish of the same pair and direction replaces an earlier.
    pub wishes: Vec<(u32, u32, Wish)>,
}

/// One meeting of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meeting {
    /// One participant (the lower number).
    pub a: u32,
    /// The other.
    pub b: u32,
    /// The slot.
    pub slot: u32,
    /// The table, from 0.
    pub table: u32,
    /// 必见 wishes it meets (0–2).
    pub musts: u8,
    /// 想见 wishes it meets (0–2).
    pub wants: u8,
}

/// A schedule with its quality.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The meetings, by slot then table.
    pub meetings: Vec<Meeting>,
    /// 必见 wishes met.
    pub musts: u64,
    /// 想见 wishes met.
    pub wants: u64,
    /// The total weight (`musts × must_weight + wants`).
    pub objective: i64,
    /// A bound no schedule can exceed.
    pub upper_bound: i64,
    /// The weight of one 必见 (`M`).
    pub must_weight: i64,
    /// Candidate pairs (wanted by one side at least, vetoed by neither).
    pub candidates: usize,
    /// 必见 wishes that could not be met (of pairs not vetoed).
    pub musts_unmet: u64,
}

impl Schedule {
    /// `(upper bound − objective) / upper bound`: 0 when the schedule is proven optimal.
    pub fn gap(&self) -> f64 {
        if self.upper_bound <= 0 { 0.0 } else { (self.upper_bound - self.objective) as f64 / self.upper_bound as f64 }
    }
}

/// What is wrong with an instance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The availability table does not have `participants × slots` entries.
    #[error("availability has {got} entries, expected {expected}")]
    Availability {
        /// Entries expected.
        expected: usize,
        /// Entries given.
        got: usize,
    },
    /// A wish names a participant that does not exist, or oneself.
    #[error("wish ({from}, {to}) names no participant or oneself")]
    Wish {
        /// From.
        from: u32,
        /// To.
        to: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    a: u32,
    b: u32,
    musts: u8,
    wants: u8,
    weight: i64,
}

/// Whether `p` is available in `s`.
fn available(inst: &Instance, p: u32, s: usize) -> bool {
    inst.available.get(p as usize * inst.slots + s).copied().unwrap_or(false)
}

/// Builds the schedule (see the module's comment for the rules and the method).
pub fn schedule(inst: &Instance) -> Result<Schedule, ScheduleError> {
    let (n, slots, tables) = (inst.participants, inst.slots, inst.tables);
    if inst.available.len() != n * slots {
        return Err(ScheduleError::Availability { expected: n * slots, got: inst.available.len() });
    }
    // One 必见 must outweigh every 想见 a schedule can hold: two a meeting, slots × tables meetings.
    let must_weight = 2 * (slots * tables) as i64 + 1;
    let mut pairs: HashMap<(u32, u32), [Option<Wish>; 2]> = HashMap::new();
    for &(from, to, wish) in &inst.wishes {
        if from == to || from as usize >= n || to as usize >= n {
            return Err(ScheduleError::Wish { from, to });
        }
        let [low, high] = pairs.entry((from.min(to), from.max(to))).or_default();
        *(if from < to { low } else { high }) = Some(wish);
    }
    let mut musts_asked = 0u64;
    let mut candidates: Vec<Candidate> = pairs
        .into_iter()
        .filter_map(|((a, b), wishes)| {
            if wishes.contains(&Some(Wish::Veto)) {
                return None;
            }
            let musts = wishes.iter().filter(|w| **w == Some(Wish::Must)).count() as u8;
            let wants = wishes.iter().filter(|w| **w == Some(Wish::Want)).count() as u8;
            musts_asked += u64::from(musts);
            let common = (0..slots).any(|s| available(inst, a, s) && available(inst, b, s));
            (common && musts + wants > 0).then(|| Candidate {
                a,
                b,
                musts,
                wants,
                weight: i64::from(musts) * must_weight + i64::from(wants),
            })
        })
        .collect();
    candidates.sort_by(|x, y| y.weight.cmp(&x.weight).then((x.a, x.b).cmp(&(y.a, y.b))));
    let upper_bound = upper_bound(inst, &candidates);

    let mut board = Board::new(inst);
    for c in &candidates {
        board.place(*c);
    }
    let mut meetings: Vec<Meeting> = Vec::new();
    for (s, placed) in board.at_slot.iter().enumerate() {
        let mut placed = placed.clone();
        placed.sort_by_key(|c| (c.a, c.b));
        for (table, c) in placed.iter().enumerate() {
            meetings.push(Meeting {
                a: c.a,
                b: c.b,
                slot: s as u32,
                table: table as u32,
                musts: c.musts,
                wants: c.wants,
            });
        }
    }
    let musts: u64 = meetings.iter().map(|m| u64::from(m.musts)).sum();
    let wants: u64 = meetings.iter().map(|m| u64::from(m.wants)).sum();
    Ok(Schedule {
        objective: musts as i64 * must_weight + wants as i64,
        musts_unmet: musts_asked - musts,
        candidates: candidates.len(),
        meetings,
        musts,
        wants,
        upper_bound,
        must_weight,
    })
}

/// The smaller of two bounds on the total weight: the best `slots × tables` candidates, and
/// half of what every participant could take at best (their best candidates, one per slot
/// they are available in).
fn upper_bound(inst: &Instance, candidates: &[Candidate]) -> i64 {
    let room = inst.slots * inst.tables;
    let by_tables: i64 = candidates.iter().take(room).map(|c| c.weight).sum();
    let mut per: Vec<Vec<i64>> = vec![Vec::new(); inst.participants];
    for c in candidates {
        for p in [c.a, c.b] {
            if let Some(list) = per.get_mut(p as usize) {
                list.push(c.weight);
            }
        }
    }
    let mut twice = 0i64;
    for (p, mut w) in per.into_iter().enumerate() {
        let free = (0..inst.slots).filter(|s| available(inst, p as u32, *s)).count();
        w.sort_unstable_by(|x, y| y.cmp(x));
        twice += w.iter().take(free).sum::<i64>();
    }
    by_tables.min(twice / 2)
}

/// Who meets whom when, while the schedule is built.
struct Board<'a> {
    inst: &'a Instance,
    /// `busy[p * slots + s]`: the pair `p` meets in slot `s`.
    busy: Vec<Option<(u32, u32)>>,
    /// The meetings of each slot.
    at_slot: Vec<Vec<Candidate>>,
}

impl<'a> Board<'a> {
    fn new(inst: &'a Instance) -> Self {
        Self { inst, busy: vec![None; inst.participants * inst.slots], at_slot: vec![Vec::new(); inst.slots] }
    }

    fn busy(&self, p: u32, s: usize) -> Option<(u32, u32)> {
        self.busy.get(p as usize * self.inst.slots + s).copied().flatten()
    }

    fn set_busy(&mut self, p: u32, s: usize, pair: Option<(u32, u32)>) {
        if let Some(x) = self.busy.get_mut(p as usize * self.inst.slots + s) {
            *x = pair;
        }
    }

    /// `p` can take a meeting in `s`: available and not meeting anyone there.
    fn free(&self, p: u32, s: usize) -> bool {
        available(self.inst, p, s) && self.busy(p, s).is_none()
    }

    fn filled(&self, s: usize) -> usize {
        self.at_slot.get(s).map_or(usize::MAX, Vec::len)
    }

    fn table_free(&self, s: usize) -> bool {
        self.filled(s) < self.inst.tables
    }

    fn put(&mut self, c: Candidate, s: usize) {
        self.set_busy(c.a, s, Some((c.a, c.b)));
        self.set_busy(c.b, s, Some((c.a, c.b)));
        if let Some(list) = self.at_slot.get_mut(s) {
            list.push(c);
        }
    }

    fn take(&mut self, pair: (u32, u32), s: usize) -> Option<Candidate> {
        let list = self.at_slot.get_mut(s)?;
        let at = list.iter().position(|c| (c.a, c.b) == pair)?;
        let c = list.swap_remove(at);
        self.set_busy(c.a, s, None);
        self.set_busy(c.b, s, None);
        Some(c)
    }

    /// The least-filled slot, other than `except`, where `a` and `b` are both free and a table
    /// is left.
    fn open_slot(&self, a: u32, b: u32, except: Option<usize>) -> Option<usize> {
        (0..self.inst.slots)
            .filter(|&s| Some(s) != except && self.table_free(s) && self.free(a, s) && self.free(b, s))
            .min_by_key(|&s| (self.filled(s), s))
    }

    /// Moves the meeting of `pair` out of slot `from` into another open one; false (and
    /// unchanged) when there is none.
    fn relocate(&mut self, pair: (u32, u32), from: usize) -> bool {
        match self.open_slot(pair.0, pair.1, Some(from)) {
            Some(to) => match self.take(pair, from) {
                Some(c) => {
                    self.put(c, to);
                    true
                }
                None => false,
            },
            None => false,
        }
    }

    /// Places a candidate if it can be, moving at most the meetings that block it in one slot;
    /// false when it cannot.
    fn place(&mut self, c: Candidate) -> bool {
        if let Some(s) = self.open_slot(c.a, c.b, None) {
            self.put(c, s);
            return true;
        }
        for s in 0..self.inst.slots {
            if !available(self.inst, c.a, s) || !available(self.inst, c.b, s) {
                continue;
            }
            let mut ok = true;
            for p in [c.a, c.b] {
                if let Some(pair) = self.busy(p, s) {
                    ok = ok && self.relocate(pair, s);
                }
            }
            // Both free now; if every table is taken, move another meeting of the slot away.
            if ok && !self.table_free(s) {
                let others: Vec<(u32, u32)> =
                    self.at_slot.get(s).map(|l| l.iter().map(|x| (x.a, x.b)).collect()).unwrap_or_default();
                ok = others.into_iter().any(|pair| self.relocate(pair, s));
            }
            // A meeting moved for nothing stays valid where it went: no undo is needed.
            if ok && self.free(c.a, s) && self.free(c.b, s) && self.table_free(s) {
                self.put(c, s);
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_free(n: usize, slots: usize) -> Vec<bool> {
        vec![true; n * slots]
    }

    /// Every rule a schedule must keep.
    fn valid(inst: &Instance, s: &Schedule) {
        let mut seen = std::collections::HashSet::new();
        let mut per_slot = vec![0; inst.slots];
        let mut at = std::collections::HashSet::new();
        let vetoed: std::collections::HashSet<(u32, u32)> =
            inst.wishes.iter().filter(|w| w.2 == Wish::Veto).map(|w| (w.0.min(w.1), w.0.max(w.1))).collect();
        for m in &s.meetings {
            assert!(seen.insert((m.a, m.b)), "a pair meets once");
            assert!(!vetoed.contains(&(m.a, m.b)), "a veto is honoured");
            assert!(m.musts + m.wants > 0, "someone wanted it");
            for p in [m.a, m.b] {
                assert!(inst.available[p as usize * inst.slots + m.slot as usize], "available");
                assert!(at.insert((p, m.slot)), "one meeting a slot");
            }
            per_slot[m.slot as usize] += 1;
        }
        assert!(per_slot.iter().all(|n| *n <= inst.tables), "tables");
    }

    #[test]
    fn a_veto_stops_a_meeting_that_the_other_side_must_have() {
        let inst = Instance {
            participants: 3,
            slots: 2,
            tables: 2,
            available: all_free(3, 2),
            wishes: vec![(0, 1, Wish::Must), (1, 0, Wish::Veto), (0, 2, Wish::Want)],
        };
        let s = schedule(&inst).unwrap();
        valid(&inst, &s);
        assert_eq!(s.meetings.len(), 1);
        assert_eq!((s.meetings[0].a, s.meetings[0].b), (0, 2));
        assert_eq!(s.gap(), 0.0);
    }

    #[test]
    fn a_must_outweighs_any_number_of_wants() {
        // One table, one slot: the single 必见 pair wins over the 想见 pair with two wishes.
        let inst = Instance {
            participants: 4,
            slots: 1,
            tables: 1,
            available: all_free(4, 1),
            wishes: vec![(0, 1, Wish::Want), (1, 0, Wish::Want), (2, 3, Wish::Must)],
        };
        let s = schedule(&inst).unwrap();
        valid(&inst, &s);
        assert_eq!((s.meetings[0].a, s.meetings[0].b, s.musts, s.wants), (2, 3, 1, 0));
        assert_eq!(s.objective, s.upper_bound);
    }

    #[test]
    fn a_blocking_meeting_moves_to_make_room() {
        // 0–1 (must) goes first into slot 0; 1–2 (must) is only possible in slot 0 (2 is away
        // in slot 1), so 0–1 moves to slot 1.
        let mut available = all_free(3, 2);
        available[2 * 2 + 1] = false;
        let inst = Instance {
            participants: 3,
            slots: 2,
            tables: 1,
            available,
            wishes: vec![(0, 1, Wish::Must), (1, 0, Wish::Must), (1, 2, Wish::Must)],
        };
        let s = schedule(&inst).unwrap();
        valid(&inst, &s);
        assert_eq!(s.meetings.len(), 2, "{s:?}");
        assert_eq!(s.gap(), 0.0);
    }

    #[test]
    fn random_instances_keep_every_rule_and_report_their_gap() {
        use rand::{Rng, SeedableRng};
        for seed in 0..20u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let (n, slots, tables) = (40, 6, 5);
            let available = (0..n * slots).map(|_| rng.random_range(0..10) > 0).collect();
            let mut wishes = Vec::new();
            for a in 0..n as u32 {
                for b in 0..n as u32 {
                    let r = rng.random_range(0..100);
                    if a != b && r < 30 {
                        wishes.push((
                            a,
                            b,
                            if r < 5 {
                                Wish::Must
                            } else if r < 25 {
                                Wish::Want
                            } else {
                                Wish::Veto
                            },
                        ));
                    }
                }
            }
            let inst = Instance { participants: n, slots, tables, available, wishes };
            let s = schedule(&inst).unwrap();
            valid(&inst, &s);
            assert!(s.objective <= s.upper_bound);
            assert!(s.gap() < 0.05, "seed {seed}: gap {}", s.gap());
        }
    }

    #[test]
    fn a_malformed_instance_is_refused() {
        let inst = Instance { participants: 2, slots: 2, tables: 1, available: vec![true; 3], wishes: vec![] };
        assert!(matches!(schedule(&inst), Err(ScheduleError::Availability { .. })));
        let inst = Instance {
            participants: 2,
            slots: 1,
            tables: 1,
            available: vec![true; 2],
            wishes: vec![(0, 0, Wish::Want)],
        };
        assert!(matches!(schedule(&inst), Err(ScheduleError::Wish { .. })));
    }
}
