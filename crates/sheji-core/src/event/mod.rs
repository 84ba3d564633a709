//! Events (活动): 对接会, forums, launches, exhibitions and training sessions. The rules of an
//! event's life, of a registration (validation, capacity and the waitlist, check-in, no-shows)
//! and the optimal 1:1 schedule of a 对接会 ([`schedule`]).

pub mod schedule;

use chrono::NaiveDateTime;

crate::coded_enum! {
    /// What kind of event.
    pub enum EventKind {
        /// 对接会: participants meet one to one on a schedule the platform builds.
        Matchmaking = "matchmaking",
        /// 论坛.
        Forum = "forum",
        /// 发布会.
        Launch = "launch",
        /// 展会.
        Exhibition = "exhibition",
        /// 培训.
        Training = "training",
    }
}

crate::coded_enum! {
    /// Where an event stands.
    pub enum EventStatus {
        /// Being prepared; only staff see it.
        Draft = "draft",
        /// Published, taking registrations.
        Open = "open",
        /// Published, registration closed (check-in and the schedule go on).
        Closed = "closed",
        /// Held: attendance is final, no-shows marked.
        Done = "done",
        /// Called off.
        Cancelled = "cancelled",
    }
}

impl EventStatus {
    /// The badge tone.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft | Self::Cancelled => "draft",
            Self::Open => "action",
            Self::Closed => "progress",
            Self::Done => "passed",
        }
    }

    /// Whether the public sees it.
    pub fn public(self) -> bool {
        self != Self::Draft
    }
}

crate::coded_enum! {
    /// What staff do to an event.
    pub enum EventAction {
        /// Publish and open registration.
        Open = "open",
        /// Close registration.
        Close = "close",
        /// Record it as held: confirmed registrants who did not check in are no-shows.
        Finish = "finish",
        /// Call it off (registrants are told).
        Cancel = "cancel",
    }
}

impl EventAction {
    /// The state it leads to from `from`, if it may be taken there.
    pub fn next(self, from: EventStatus) -> Option<EventStatus> {
        use EventStatus as S;
        match (self, from) {
            (Self::Open, S::Draft | S::Closed) => Some(S::Open),
            (Self::Close, S::Open) => Some(S::Closed),
            (Self::Finish, S::Open | S::Closed) => Some(S::Done),
            (Self::Cancel, S::Draft | S::Open | S::Closed) => Some(S::Cancelled),
            _ => None,
        }
    }

    /// The actions possible from `status`, in button order.
    pub fn available(status: EventStatus) -> Vec<Self> {
        Self::ALL.iter().copied().filter(|a| a.next(status).is_some()).collect()
    }
}

crate::coded_enum! {
    /// Where a registration stands.
    pub enum RegStatus {
        /// Waiting for the organizer's validation.
        Pending = "pending",
        /// Has a seat (and a ticket).
        Confirmed = "confirmed",
        /// Validated but the event is full: first in line gets the next seat.
        Waitlisted = "waitlisted",
        /// Refused by the organizer, with a reason.
        Rejected = "rejected",
        /// Withdrawn by the registrant.
        Cancelled = "cancelled",
    }
}

impl RegStatus {
    /// The badge tone.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Pending | Self::Waitlisted => "action",
            Self::Confirmed => "passed",
            Self::Rejected => "rejected",
            Self::Cancelled => "draft",
        }
    }

    /// Whether the registrant may still withdraw.
    pub fn active(self) -> bool {
        matches!(self, Self::Pending | Self::Confirmed | Self::Waitlisted)
    }
}

/// Where an event takes place, as registrants are told: its place, or its online link.
pub fn venue<'a>(place: &'a str, link: &'a str) -> &'a str {
    if place.is_empty() { link } else { place }
}

/// Where a new or validated registration goes: a seat while there is one, else the waitlist.
pub fn seat_or_wait(confirmed: i64, capacity: i32) -> RegStatus {
    if confirmed < i64::from(capacity) { RegStatus::Confirmed } else { RegStatus::Waitlisted }
}

/// Where a new registration starts: pending when the organizer validates them, else
/// [`seat_or_wait`].
pub fn on_register(validation: bool, confirmed: i64, capacity: i32) -> RegStatus {
    if validation { RegStatus::Pending } else { seat_or_wait(confirmed, capacity) }
}

/// Most seats an event has.
pub const MAX_CAPACITY: i32 = 5_000;
/// Most slots of a 对接会.
pub const MAX_SLOTS: i32 = 24;
/// Most tables of a 对接会.
pub const MAX_TABLES: i32 = 500;

/// What staff write about an event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventDraft {
    /// Its kind.
    pub kind: Option<EventKind>,
    /// Its title.
    pub title: String,
    /// When it starts (Beijing time).
    pub starts_at: Option<NaiveDateTime>,
    /// When it ends.
    pub ends_at: Option<NaiveDateTime>,
    /// Where (an address), if in person.
    pub place: String,
    /// The online link, if online.
    pub link: String,
    /// Seats.
    pub capacity: Option<i32>,
    /// Whether the organizer validates each registration.
    pub validation: bool,
    /// What it is about, the agenda.
    pub description: String,
    /// 对接会: time slots.
    pub slots: Option<i32>,
    /// 对接会: minutes a slot.
    pub slot_minutes: Option<i32>,
    /// 对接会: tables.
    pub tables: Option<i32>,
}

/// Every problem with an event's fields, at once.
pub fn check_event(e: &EventDraft) -> Vec<crate::matchmaking::FieldProblem> {
    let mut out = Vec::new();
    if e.kind.is_none() {
        out.push(("kind", "event.kind_required"));
    }
    let title = e.title.trim().chars().count();
    if title == 0 {
        out.push(("title", "event.title_required"));
    } else if title > 100 {
        out.push(("title", "event.too_long"));
    }
    match (e.starts_at, e.ends_at) {
        (None, _) => out.push(("starts_at", "event.start_required")),
        (Some(_), None) => out.push(("ends_at", "event.end_required")),
        (Some(a), Some(b)) if b <= a => out.push(("ends_at", "event.end_before_start")),
        _ => {}
    }
    if e.place.trim().is_empty() && e.link.trim().is_empty() {
        out.push(("place", "event.place_or_link"));
    }
    let link = e.link.trim();
    if !(link.is_empty() || link.starts_with("https://") || link.starts_with("http://")) {
        out.push(("link", "event.link_format"));
    }
    match e.capacity {
        Some(c) if (1..=MAX_CAPACITY).contains(&c) => {}
        _ => out.push(("capacity", "event.capacity_range")),
    }
    if e.description.trim().chars().count() > 5_000 {
        out.push(("description", "event.too_long"));
    }
    if e.kind == Some(EventKind::Matchmaking) {
        if !e.slots.is_some_and(|s| (1..=MAX_SLOTS).contains(&s)) {
            out.push(("slots", "event.slots_range"));
        }
        if !e.slot_minutes.is_some_and(|m| (5..=240).contains(&m)) {
            out.push(("slot_minutes", "event.minutes_range"));
        }
        if !e.tables.is_some_and(|t| (1..=MAX_TABLES).contains(&t)) {
            out.push(("tables", "event.tables_range"));
        }
    }
    out
}

crate::coded_enum! {
    /// Where a 对接会's schedule stands.
    pub enum ScheduleStatus {
        /// Not built.
        None = "none",
        /// Built; participants may ask for changes; wishes can still change.
        Provisional = "provisional",
        /// Final: personal schedules are printed and meetings recorded.
        Final = "final",
    }
}

crate::coded_enum! {
    /// What one side says of a meeting afterwards.
    pub enum Outcome {
        /// It took place.
        Held = "held",
        /// The other side did not come.
        NoShow = "no_show",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_fill_then_the_waitlist() {
        assert_eq!(on_register(false, 9, 10), RegStatus::Confirmed);
        assert_eq!(on_register(false, 10, 10), RegStatus::Waitlisted);
        assert_eq!(on_register(true, 0, 10), RegStatus::Pending, "validated events wait for the organizer");
        assert_eq!(seat_or_wait(10, 10), RegStatus::Waitlisted);
    }

    #[test]
    fn an_event_moves_only_forward_except_reopening() {
        assert_eq!(EventAction::available(EventStatus::Draft), vec![EventAction::Open, EventAction::Cancel]);
        assert_eq!(EventAction::Open.next(EventStatus::Closed), Some(EventStatus::Open));
        assert!(EventAction::available(EventStatus::Done).is_empty());
        assert!(EventAction::available(EventStatus::Cancelled).is_empty());
    }

    #[test]
    fn a_matchmaking_event_needs_its_slots_and_tables() {
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 10).and_then(|d| d.and_hms_opt(9, 0, 0));
        let e = EventDraft {
            kind: Some(EventKind::Matchmaking),
            title: "智能家居供需对接会".into(),
            starts_at: start,
            ends_at: start,
            place: String::new(),
            link: "ftp://x".into(),
            capacity: Some(0),
            ..Default::default()
        };
        let fields: Vec<&str> = check_event(&e).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["ends_at", "link", "capacity", "slots", "slot_minutes", "tables"]);
    }
}
