//! Rubrics, score sheets and how an item's score is made from them.
//!
//! A sheet's total is the weighted share of each criterion's maximum, on a 0–100 scale:
//! Σ(score ÷ max × weight) ÷ Σ weight × 100, so rubrics whose maxima do not add up to 100 still
//! compare. An item's score is the mean, the trimmed mean (one highest and one lowest dropped
//! when there are five or more) or the median of its sheets' totals, as the campaign chose. An
//! expert is flagged when their total lies further from the mean of the *other* sheets than a
//! share of the scale (15 points of 100 by default): a deviation rule flagged 85 against 82 and
//! 83, where panels agree closely and one expert's mild difference is not worth a question.

use serde::{Deserialize, Serialize};

use crate::ids::ItemId;

/// One criterion of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Name shown to experts (e.g. 创新性).
    pub name: String,
    /// Highest score.
    pub max_score: f64,
    /// Relative weight.
    pub weight: f64,
    /// What each level means, best first (e.g. "优：…", "良：…").
    #[serde(default)]
    pub levels: Vec<String>,
}

/// A rubric: the criteria a sheet is scored on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    /// The criteria in the order shown.
    pub criteria: Vec<Criterion>,
}

/// What is wrong with a rubric or a sheet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    /// A rubric without criteria.
    #[error("the rubric has no criteria")]
    NoCriteria,
    /// A criterion without a name, or whose maximum or weight is not positive.
    #[error("criterion {0} needs a name, a positive maximum and a positive weight")]
    BadCriterion(usize),
    /// Two criteria with one name.
    #[error("two criteria are named {0}")]
    DuplicateCriterion(String),
    /// A sheet with a different number of scores than the rubric has criteria.
    #[error("the sheet has {got} scores for {want} criteria")]
    Count {
        /// Scores on the sheet.
        got: usize,
        /// Criteria of the rubric.
        want: usize,
    },
    /// A score below zero or above the criterion's maximum.
    #[error("the score for {criterion} must lie between 0 and {max}")]
    OutOfRange {
        /// The criterion's name.
        criterion: String,
        /// Its maximum.
        max: f64,
    },
}

impl ScoreError {
    /// The catalogue key of the message shown to users.
    pub fn key(&self) -> &'static str {
        match self {
            ScoreError::NoCriteria => "review.rubric_empty",
            ScoreError::BadCriterion(_) => "review.rubric_bad_criterion",
            ScoreError::DuplicateCriterion(_) => "review.rubric_duplicate",
            ScoreError::Count { .. } => "review.sheet_incomplete",
            ScoreError::OutOfRange { .. } => "review.score_out_of_range",
        }
    }

    /// The values the message names, so it reads whole in either language.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ScoreError::NoCriteria => Vec::new(),
            ScoreError::BadCriterion(n) => vec![("n", n.to_string())],
            ScoreError::DuplicateCriterion(name) => vec![("name", name.clone())],
            ScoreError::Count { got, want } => vec![("got", got.to_string()), ("want", want.to_string())],
            ScoreError::OutOfRange { criterion, max } => {
                vec![("criterion", criterion.clone()), ("max", max.to_string())]
            }
        }
    }
}

impl Rubric {
    /// Checks the rubric before it is saved.
    pub fn check(&self) -> Result<(), ScoreError> {
        if self.criteria.is_empty() {
            return Err(ScoreError::NoCriteria);
        }
        for (i, c) in self.criteria.iter().enumerate() {
            let positive = |x: f64| x.is_finite() && x > 0.0;
            if c.name.trim().is_empty() || !positive(c.max_score) || !positive(c.weight) {
                return Err(ScoreError::BadCriterion(i + 1));
            }
            if self.criteria.iter().take(i).any(|d| d.name.trim() == c.name.trim()) {
                return Err(ScoreError::DuplicateCriterion(c.name.trim().to_owned()));
            }
        }
        Ok(())
    }

    /// A sheet's weighted total on a 0–100 scale.
    pub fn total(&self, scores: &[f64]) -> Result<f64, ScoreError> {
        if scores.len() != self.criteria.len() {
            return Err(ScoreError::Count { got: scores.len(), want: self.criteria.len() });
        }
        let mut sum = 0.0;
        let mut weights = 0.0;
        for (c, s) in self.criteria.iter().zip(scores) {
            self.check_score(c, *s)?;
            sum += s / c.max_score * c.weight;
            weights += c.weight;
        }
        Ok(if weights > 0.0 { round2(sum / weights * 100.0) } else { 0.0 })
    }

    /// Checks one score against its criterion (drafts are checked score by score).
    pub fn check_score(&self, c: &Criterion, s: f64) -> Result<(), ScoreError> {
        if !s.is_finite() || s < 0.0 || s > c.max_score {
            return Err(ScoreError::OutOfRange { criterion: c.name.clone(), max: c.max_score });
        }
        Ok(())
    }
}

/// How sheets make an item's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Mean of every sheet.
    Mean,
    /// Mean, dropping one highest and one lowest from five sheets up.
    TrimmedMean,
    /// Median.
    Median,
}

impl Aggregation {
    /// Every rule, for forms.
    pub const ALL: [Aggregation; 3] = [Aggregation::TrimmedMean, Aggregation::Mean, Aggregation::Median];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Aggregation::Mean => "mean",
            Aggregation::TrimmedMean => "trimmed_mean",
            Aggregation::Median => "median",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s)
    }

    /// The item score from its sheets' totals; `None` without sheets.
    pub fn apply(self, totals: &[f64]) -> Option<f64> {
        if totals.is_empty() {
            return None;
        }
        let mut sorted = totals.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let value = match self {
            Aggregation::Mean => sorted.iter().sum::<f64>() / n as f64,
            Aggregation::TrimmedMean => {
                let kept = if n >= 5 { sorted.get(1..n - 1)? } else { &sorted[..] };
                kept.iter().sum::<f64>() / kept.len() as f64
            }
            Aggregation::Median => {
                let mid = n / 2;
                if n % 2 == 1 { *sorted.get(mid)? } else { (sorted.get(mid - 1)? + sorted.get(mid)?) / 2.0 }
            }
        };
        Some(round2(value))
    }
}

/// The share of the 0–100 scale beyond which a sheet is flagged, unless a campaign sets its own.
pub const DEFAULT_OUTLIER_PCT: u32 = 15;

/// For each sheet, whether its total lies more than `pct` % of the 0–100 scale from the mean of
/// the item's other sheets. Fewer than three sheets flag nothing: with two, neither is the odd
/// one out.
pub fn outliers(totals: &[f64], pct: u32) -> Vec<bool> {
    if totals.len() < 3 {
        return vec![false; totals.len()];
    }
    let limit = f64::from(pct);
    totals
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let others: Vec<f64> = totals.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, v)| *v).collect();
            let mean = others.iter().sum::<f64>() / others.len() as f64;
            (x - mean).abs() > limit
        })
        .collect()
}

/// A grade and the lowest score that earns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// Grade name (e.g. 一等, A).
    pub grade: String,
    /// Lowest score for it.
    pub min: f64,
}

/// One line of the result list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// The item.
    pub item: ItemId,
    /// Its score, `None` without sheets (ranked last).
    pub score: Option<f64>,
    /// Rank (1 = best); equal scores share a rank and the next rank is skipped (1, 2, 2, 4).
    pub rank: u32,
    /// Whether another item has the same rank.
    pub tied: bool,
    /// The grade its score earns, if any.
    pub grade: Option<String>,
}

/// Ranks items by score (scores compared at two decimals), with ties stated and grades given
/// by the highest threshold met.
pub fn rank(scores: &[(ItemId, Option<f64>)], thresholds: &[Threshold]) -> Vec<Ranked> {
    let mut sorted: Vec<(ItemId, Option<f64>)> = scores.iter().map(|(i, s)| (*i, s.map(round2))).collect();
    sorted.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.0.cmp(&b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    let mut by_grade: Vec<&Threshold> = thresholds.iter().collect();
    by_grade.sort_by(|a, b| b.min.total_cmp(&a.min));
    let mut out: Vec<Ranked> = Vec::with_capacity(sorted.len());
    for (pos, (item, score)) in sorted.iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.score == *score => prev.rank,
            _ => pos as u32 + 1,
        };
        let grade = score.and_then(|s| by_grade.iter().find(|t| s >= t.min).map(|t| t.grade.clone()));
        out.push(Ranked { item: *item, score: *score, rank, tied: false, grade });
    }
    let ranks: Vec<u32> = out.iter().map(|r| r.rank).collect();
    for r in &mut out {
        r.tied = ranks.iter().filter(|x| **x == r.rank).count() > 1;
    }
    out
}

/// Rounds to two decimals, the precision scores are shown and compared at.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Rubric {
        let c =
            |name: &str, max: f64, weight: f64| Criterion { name: name.into(), max_score: max, weight, levels: vec![] };
        Rubric { criteria: vec![c("创新性", 40.0, 40.0), c("市场前景", 30.0, 30.0), c("完成度", 10.0, 30.0)] }
    }

    #[test]
    fn weighted_totals() {
        let r = rubric();
        assert_eq!(r.total(&[40.0, 30.0, 10.0]), Ok(100.0));
        // 30/40×40 + 15/30×30 + 5/10×30 = 30 + 15 + 15 = 60.
        assert_eq!(r.total(&[30.0, 15.0, 5.0]), Ok(60.0));
        assert!(matches!(r.total(&[41.0, 0.0, 0.0]), Err(ScoreError::OutOfRange { .. })));
        assert!(matches!(r.total(&[1.0]), Err(ScoreError::Count { got: 1, want: 3 })));
        assert_eq!(Rubric::default().check(), Err(ScoreError::NoCriteria));
    }

    #[test]
    fn trimmed_mean_drops_one_each_side_from_five() {
        // Five sheets: drop 95 and 60, mean of 80, 82, 84 = 82.
        assert_eq!(Aggregation::TrimmedMean.apply(&[80.0, 95.0, 60.0, 84.0, 82.0]), Some(82.0));
        // Four sheets: plain mean.
        assert_eq!(Aggregation::TrimmedMean.apply(&[80.0, 95.0, 60.0, 85.0]), Some(80.0));
        assert_eq!(Aggregation::Median.apply(&[80.0, 95.0, 60.0, 85.0]), Some(82.5));
        assert_eq!(Aggregation::Median.apply(&[70.0, 95.0, 60.0]), Some(70.0));
        assert_eq!(Aggregation::Median.apply(&[]), None);
    }

    #[test]
    fn outlier_flags() {
        let pct = DEFAULT_OUTLIER_PCT;
        // Others of 40: 80, 82, 84, 82 → mean 82; 40 is 42 points out. Others of 80 include
        // the 40 (mean 72): 8 points, within 15.
        assert_eq!(outliers(&[80.0, 82.0, 84.0, 82.0, 40.0], pct), [false, false, false, false, true]);
        // A panel that agrees closely flags nobody.
        assert_eq!(outliers(&[85.0, 82.0, 83.0], pct), [false; 3]);
        assert_eq!(outliers(&[80.0, 80.0, 80.0, 83.0], pct), [false; 4]);
        // Beyond 15 points it does; a stricter campaign flags sooner.
        assert_eq!(outliers(&[70.0, 72.0, 90.0], pct), [false, false, true]);
        assert_eq!(outliers(&[85.0, 82.0, 78.0], 5), [false, false, true]);
        assert_eq!(outliers(&[10.0, 90.0], pct), [false, false]);
    }

    #[test]
    fn the_plain_mean_keeps_every_sheet() {
        assert_eq!(Aggregation::Mean.apply(&[80.0, 95.0, 60.0, 85.0, 100.0]), Some(84.0));
        assert_eq!(Aggregation::TrimmedMean.apply(&[80.0, 95.0, 60.0, 85.0, 100.0]), Some(86.67));
    }

    #[test]
    fn ranks_with_ties_and_grades() {
        let t = [Threshold { grade: "一等".into(), min: 85.0 }, Threshold { grade: "二等".into(), min: 75.0 }];
        let r = rank(
            &[
                (ItemId(1), Some(80.0)),
                (ItemId(2), Some(90.0)),
                (ItemId(3), Some(80.004)),
                (ItemId(4), None),
                (ItemId(5), Some(70.0)),
            ],
            &t,
        );
        let got: Vec<(i32, u32, bool, Option<&str>)> =
            r.iter().map(|x| (x.item.0, x.rank, x.tied, x.grade.as_deref())).collect();
        assert_eq!(
            got,
            [
                (2, 1, false, Some("一等")),
                (1, 2, true, Some("二等")),
                (3, 2, true, Some("二等")),
                (5, 4, false, None),
                (4, 5, false, None)
            ]
        );
    }
}
