//! Min-cost max-flow for the assignment solver.
//!
//! Successive shortest paths with node potentials: one Dijkstra on reduced costs per phase, then
//! a blocking flow (Dinic) over the edges whose reduced cost is zero, so every augmenting path of
//! the same cost is found from one search. Assignment costs are small integers (specialty
//! overlaps), so the number of distinct path costs — the number of phases — stays small even when
//! ten thousand units of flow are routed.

// Node and edge numbers are created by this module and by its one caller in `assign`; every
// index is below the lengths set up in `new` and `add_edge`.
#![allow(clippy::indexing_slicing)]

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

const INF: i64 = i64::MAX / 4;

/// A flow network. Edge `e` and its residual twin are `e` and `e ^ 1`.
pub(crate) struct Network {
    adj: Vec<Vec<u32>>,
    to: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
}

impl Network {
    pub(crate) fn new(nodes: usize) -> Self {
        Network { adj: vec![Vec::new(); nodes], to: Vec::new(), cap: Vec::new(), cost: Vec::new() }
    }

    /// Adds an edge and returns its number, to read its flow back with [`Network::flow`].
    pub(crate) fn add_edge(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        let e = self.to.len();
        self.to.extend([to as u32, from as u32]);
        self.cap.extend([cap, 0]);
        self.cost.extend([cost, -cost]);
        self.adj[from].push(e as u32);
        self.adj[to].push(e as u32 + 1);
        e
    }

    /// The flow on edge `e` after [`Network::run`].
    pub(crate) fn flow(&self, e: usize) -> i64 {
        self.cap[e ^ 1]
    }

    /// Sends as much flow as possible from `s` to `t` at the least cost; returns (flow, cost).
    ///
    /// Negative costs are allowed on the condition that the network, as built, has no cycle and
    /// its nodes are numbered in topological order (source first): the first potentials come
    /// from one pass in node order instead of Bellman–Ford.
    pub(crate) fn run(&mut self, s: usize, t: usize) -> (i64, i64) {
        let n = self.adj.len();
        let mut pot = vec![INF; n];
        pot[s] = 0;
        for u in 0..n {
            if pot[u] == INF {
                continue;
            }
            for &e in &self.adj[u] {
                let e = e as usize;
                if self.cap[e] > 0 {
                    let v = self.to[e] as usize;
                    pot[v] = pot[v].min(pot[u] + self.cost[e]);
                }
            }
        }
        // Nodes the source cannot reach never become reachable: flow only opens reverse edges
        // along paths from the source.
        for p in &mut pot {
            if *p == INF {
                *p = 0;
            }
        }

        let mut dist = vec![INF; n];
        let mut level = vec![u32::MAX; n];
        let mut next = vec![0usize; n];
        let mut heap = BinaryHeap::new();
        let mut queue = VecDeque::new();
        let (mut flow, mut cost) = (0i64, 0i64);
        loop {
            // Dijkstra on reduced costs.
            dist.fill(INF);
            dist[s] = 0;
            heap.push(Reverse((0i64, s as u32)));
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if d > dist[u] {
                    continue;
                }
                for &e in &self.adj[u] {
                    let e = e as usize;
                    if self.cap[e] <= 0 {
                        continue;
                    }
                    let v = self.to[e] as usize;
                    let nd = d + self.cost[e] + pot[u] - pot[v];
                    if nd < dist[v] {
                        dist[v] = nd;
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            let reach = dist[t];
            if reach == INF {
                break;
            }
            // Capping at the sink's distance keeps every reduced cost non-negative.
            for v in 0..n {
                pot[v] += dist[v].min(reach);
            }
            // Blocking flows over zero-reduced-cost edges until the sink drops out of reach.
            loop {
                level.fill(u32::MAX);
                level[s] = 0;
                queue.push_back(s);
                while let Some(u) = queue.pop_front() {
                    for &e in &self.adj[u] {
                        let e = e as usize;
                        let v = self.to[e] as usize;
                        if self.cap[e] > 0 && level[v] == u32::MAX && self.cost[e] + pot[u] - pot[v] == 0 {
                            level[v] = level[u] + 1;
                            queue.push_back(v);
                        }
                    }
                }
                if level[t] == u32::MAX {
                    break;
                }
                next.fill(0);
                loop {
                    let pushed = self.push(s, t, INF, &level, &mut next, &pot);
                    if pushed == 0 {
                        break;
                    }
                    flow += pushed;
                }
            }
        }
        for e in (0..self.to.len()).step_by(2) {
            cost += self.flow(e) * self.cost[e];
        }
        (flow, cost)
    }

    fn push(&mut self, u: usize, t: usize, limit: i64, level: &[u32], next: &mut [usize], pot: &[i64]) -> i64 {
        if u == t {
            return limit;
        }
        while next[u] < self.adj[u].len() {
            let e = self.adj[u][next[u]] as usize;
            let v = self.to[e] as usize;
            if self.cap[e] > 0 && level[v] == level[u] + 1 && self.cost[e] + pot[u] - pot[v] == 0 {
                let pushed = self.push(v, t, limit.min(self.cap[e]), level, next, pot);
                if pushed > 0 {
                    self.cap[e] -= pushed;
                    self.cap[e ^ 1] += pushed;
                    return pushed;
                }
            }
            next[u] += 1;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_cheaper_of_two_routes() {
        // s=0 → a=1, b=2 → t=3; capacity for two units, one cheap route.
        let mut g = Network::new(4);
        g.add_edge(0, 1, 1, 0);
        g.add_edge(0, 2, 1, 0);
        let cheap = g.add_edge(1, 3, 1, -5);
        let dear = g.add_edge(2, 3, 1, -1);
        assert_eq!(g.run(0, 3), (2, -6));
        assert_eq!((g.flow(cheap), g.flow(dear)), (1, 1));
    }

    #[test]
    fn reroutes_through_a_reverse_edge() {
        // Two items, two experts: item 1 may take either expert, item 2 only expert A. Greedy
        // would give A to item 1; the optimum moves item 1 to B.
        let (s, i1, i2, a, b, t) = (0, 1, 2, 3, 4, 5);
        let mut g = Network::new(6);
        g.add_edge(s, i1, 1, 0);
        g.add_edge(s, i2, 1, 0);
        let i1a = g.add_edge(i1, a, 1, -3);
        g.add_edge(i1, b, 1, -2);
        g.add_edge(i2, a, 1, -2);
        g.add_edge(a, t, 1, 0);
        g.add_edge(b, t, 1, 0);
        assert_eq!(g.run(s, t), (2, -4));
        assert_eq!(g.flow(i1a), 0);
    }
}
