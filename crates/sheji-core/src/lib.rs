//! The domain of Sheji: typed values, validation and rules that every other layer relies on.
//!
//! Everything here is pure. Nothing reads the clock, touches the network or the disk, or draws
//! random numbers on its own: time arrives through [`clock::Clock`] and randomness through a
//! `rand::Rng` the caller passes in, so deadlines and draws are testable and replayable.

pub mod audit;
pub mod clock;
pub mod coded;
pub mod cooperation;
pub mod document;
pub mod event;
pub mod files;
pub mod i18n;
pub mod identity;
pub mod ids;
pub mod job;
pub mod matchmaking;
pub mod notification;
pub mod page;
pub mod recognition;
pub mod reference;
pub mod registry;
pub mod review;
pub mod search;
pub mod service;
pub mod statistics;
pub mod text;
