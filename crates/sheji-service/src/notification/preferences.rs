//! Each person's choice of channels per kind of message, and the language of their e-mails and
//! text messages. In-site messages always arrive; e-mail and SMS follow the person's choice,
//! else the default in the core (every e-mail, no text messages). A channel the person cannot
//! be reached by (no address, or not switched on by the platform) is shown as such, and
//! saving leaves its earlier choices as they were, so adding an address later restores them.

use serde_json::json;
use sheji_core::i18n::Lang;
use sheji_core::identity::Principal;
use sheji_core::notification::MessageKind;
use sheji_core::notification::delivery::{Availability, Channel, availability, wants};
use sheji_store::notification::delivery::{self as store, Choice};

use super::channel;
use crate::audit::{Actor, Change};
use crate::work::Work;
use crate::{ServiceError, Services};

/// Whether a channel reaches the person, and at which address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelState {
    /// The channel.
    pub channel: Channel,
    /// Whether it can reach them.
    pub availability: Availability,
    /// The e-mail address it goes to (empty for SMS: the number stays encrypted).
    pub address: String,
}

/// A kind of message and the channels chosen for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindChoice {
    /// The kind.
    pub kind: MessageKind,
    /// By e-mail.
    pub email: bool,
    /// By SMS.
    pub sms: bool,
}

/// A person's notification settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    /// The language of their e-mails and text messages.
    pub lang: Lang,
    /// Each channel's state for them.
    pub channels: Vec<ChannelState>,
    /// Each kind of message with their choices.
    pub kinds: Vec<KindChoice>,
}

impl Preferences {
    /// Whether `channel` can reach the person.
    pub fn available(&self, channel: Channel) -> bool {
        self.channels.iter().any(|c| c.channel == channel && c.availability == Availability::Available)
    }
}

/// The caller's notification settings.
pub async fn preferences(services: &Services, caller: &Principal) -> Result<Preferences, ServiceError> {
    let db = services.store();
    let (email_on, sms_on) = channel::switched_on(db).await?;
    let contact = crate::identity::contacts(db, &[caller.account]).await?.into_iter().next();
    let email = contact.as_ref().and_then(|c| c.email.clone());
    let has_phone = contact.as_ref().is_some_and(|c| c.phone_enc.is_some());
    let chosen = store::choices(db, &[caller.account]).await?;
    let pick = |kind: MessageKind, channel: Channel| {
        let own = chosen.iter().find(|c| c.kind == kind && c.channel == channel).map(|c| c.enabled);
        wants(kind, channel, own)
    };
    Ok(Preferences {
        lang: store::language(db, caller.account).await?.and_then(|t| Lang::from_tag(&t)).unwrap_or(Lang::Zh),
        channels: vec![
            ChannelState {
                channel: Channel::Email,
                availability: availability(email_on, email.is_some()),
                address: email.unwrap_or_default(),
            },
            ChannelState {
                channel: Channel::Sms,
                availability: availability(sms_on, has_phone),
                address: String::new(),
            },
        ],
        kinds: MessageKind::choosable()
            .map(|kind| KindChoice { kind, email: pick(kind, Channel::Email), sms: pick(kind, Channel::Sms) })
            .collect(),
    })
}

/// What a person ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesInput {
    /// The language of their e-mails and text messages.
    pub lang: Lang,
    /// The kinds they want by e-mail.
    pub email: Vec<MessageKind>,
    /// The kinds they want by SMS.
    pub sms: Vec<MessageKind>,
}

/// Saves the caller's choices for the channels that can reach them, and their language.
pub async fn save_preferences(
    services: &Services,
    caller: &Principal,
    input: &PreferencesInput,
    ip: &str,
) -> Result<(), ServiceError> {
    let before = preferences(services, caller).await?;
    let mut rows = Vec::new();
    for (channel, ticked) in [(Channel::Email, &input.email), (Channel::Sms, &input.sms)] {
        if !before.available(channel) {
            continue;
        }
        rows.extend(MessageKind::choosable().map(|kind| Choice {
            account: caller.account,
            kind,
            channel,
            enabled: ticked.contains(&kind),
        }));
    }
    let now = services.now();
    let work = Work::begin(services).await?;
    store::set_choices(&work, &rows, now).await?;
    store::set_language(&work, caller.account, input.lang.tag(), now).await?;
    let summary = |kinds: &mut dyn Iterator<Item = (MessageKind, bool)>| -> Vec<&'static str> {
        kinds.filter(|(_, on)| *on).map(|(k, _)| k.code()).collect()
    };
    let change = Change {
        action: "notification.preferences",
        target_type: "account",
        target_id: caller.account.to_string(),
        before: json!({
            "lang": before.lang.tag(),
            "email": summary(&mut before.kinds.iter().map(|k| (k.kind, k.email))),
            "sms": summary(&mut before.kinds.iter().map(|k| (k.kind, k.sms))),
        }),
        after: json!({
            "lang": input.lang.tag(),
            "email": summary(&mut rows.iter().filter(|r| r.channel == Channel::Email).map(|r| (r.kind, r.enabled))),
            "sms": summary(&mut rows.iter().filter(|r| r.channel == Channel::Sms).map(|r| (r.kind, r.enabled))),
        }),
    };
    work.commit(&Actor::of(caller, ip), change).await?;
    Ok(())
}
