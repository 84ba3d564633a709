//! Telling people: the kinds of in-site message a workflow sends (消息), and the shape of a
//! to-do (待办), the action waiting for someone, derived from workflow states. A message keeps
//! its message key and arguments, not text, so each reader reads it in their own language.
//! [`delivery`] holds the rules for copies that leave the platform by e-mail and SMS.

pub mod delivery;

use chrono::NaiveDate;

crate::coded_enum! {
    /// Why a message was sent; people will choose channels per kind.
    pub enum MessageKind {
        /// An application or registration was sent back with a reason.
        Returned = "returned",
        /// An application moved on (recommended, passed the formal check).
        Progressed = "progressed",
        /// An application was rejected.
        Rejected = "rejected",
        /// Assigned to score items in a review.
        Assigned = "assigned",
        /// A 公示 was published.
        Publicity = "publicity",
        /// Recognized, or not.
        Decided = "decided",
        /// An objection was raised against a notice one manages.
        Objection = "objection",
        /// A recognition expires soon.
        Expiring = "expiring",
        /// A service's follow-up visit falls due.
        FollowUp = "follow_up",
        /// Interest in a demand or offer expressed, accepted or declined.
        Interest = "interest",
        /// A deal moved: a quote, a signature, a delivery, a dispute, a rating.
        Deal = "deal",
        /// An administrator checks that a channel works (sent to themselves only).
        Test = "test",
    }
}

impl MessageKind {
    /// The kinds people choose channels for (a test goes to the administrator who asks for
    /// it, whatever they chose).
    pub fn choosable() -> impl Iterator<Item = MessageKind> {
        Self::ALL.iter().copied().filter(|k| *k != MessageKind::Test)
    }
}

/// An action waiting for someone: what (a message key and its arguments), by when, and the
/// page where it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    /// Message key of the line ("{ $n } applications await your district's review").
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
    /// The earliest deadline among what it counts, if any.
    pub due: Option<NaiveDate>,
    /// Where to act.
    pub href: String,
}

impl Todo {
    /// Orders to-dos: the most urgent deadline first, those without a deadline last.
    pub fn sort(todos: &mut [Todo]) {
        todos.sort_by_key(|t| (t.due.is_none(), t.due));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_deadline_comes_first() {
        let t = |due: Option<&str>| Todo {
            key: "k",
            args: vec![],
            due: due.map(|d| d.parse().unwrap()),
            href: String::new(),
        };
        let mut todos = vec![t(None), t(Some("2026-12-20")), t(Some("2026-12-08"))];
        Todo::sort(&mut todos);
        let order: Vec<Option<String>> = todos.iter().map(|t| t.due.map(|d| d.to_string())).collect();
        assert_eq!(order, [Some("2026-12-08".to_owned()), Some("2026-12-20".to_owned()), None]);
    }
}
