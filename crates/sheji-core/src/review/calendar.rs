//! Working days for publicity (公示) windows.
//!
//! A day is a working day when it is Monday to Friday and not a public holiday, or when it is a
//! weekend day declared a working day (调休). The administrator keeps both lists; nothing here
//! knows a year's holidays by itself, because the State Council publishes them each December.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The holiday calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    /// Days off that would otherwise be working days.
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days.
    pub workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The publicity window that opens on `published`: from that day (or the next working day
    /// when it is not one) to the end of its `days`-th working day, both inclusive. `None` when
    /// `days` is zero or the window would run past the calendar's range.
    pub fn window(&self, published: NaiveDate, days: u32) -> Option<(NaiveDate, NaiveDate)> {
        if days == 0 {
            return None;
        }
        let mut day = published;
        while !self.is_working_day(day) {
            day = day.succ_opt()?;
        }
        let first = day;
        let mut counted = 1;
        while counted < days {
            day = day.succ_opt()?;
            if self.is_working_day(day) {
                counted += 1;
            }
        }
        Some((first, day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn five_working_days_skip_weekends() {
        let cal = WorkCalendar::default();
        // Published Thursday 2026-11-26: Thu, Fri, Mon, Tue, Wed.
        assert_eq!(cal.window(day("2026-11-26"), 5), Some((day("2026-11-26"), day("2026-12-02"))));
        // Published on a Saturday: starts on Monday.
        assert_eq!(cal.window(day("2026-11-28"), 1), Some((day("2026-11-30"), day("2026-11-30"))));
        assert_eq!(cal.window(day("2026-11-28"), 0), None);
    }

    #[test]
    fn holidays_and_make_up_working_days() {
        // A calendar like a National Day week: 1–7 October off, Saturday 10 October worked.
        let mut cal = WorkCalendar::default();
        cal.holidays.extend((1..=7).map(|d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap()));
        cal.workdays.insert(day("2026-10-10"));
        // Published Wednesday 30 September, 5 working days: 30 Sep, 8, 9, 10 (Sat, worked), 12 Oct.
        assert_eq!(cal.window(day("2026-09-30"), 5), Some((day("2026-09-30"), day("2026-10-12"))));
        assert!(!cal.is_working_day(day("2026-10-05")));
        assert!(cal.is_working_day(day("2026-10-10")));
    }
}
