//! The integration suite: one test binary (each extra binary costs link time) that drives the
//! platform through its real entry points — the store, the HTTP router and the `sheji`
//! binary — on SQLite always, and on PostgreSQL and MariaDB when their URLs are set.

// Test code: a failed expectation is supposed to panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

mod browser;
mod cli;
mod cooperation;
mod event;
mod identity;
mod job;
mod matchmaking;
mod notification;
mod recognition;
mod registry;
mod review;
mod search;
mod storage;
mod web;
