//! What can go wrong when a test seeds, configures or drives a fake through [`FakeState`](crate::FakeState).

/// An error from seeding or configuring a fake through [`FakeState`](crate::FakeState).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// No organization or global hook has this id.
    #[error("no webhook with id {0}")]
    UnknownHook(u64),
    /// A fault asked for a status code HTTP cannot carry.
    #[error("status {0} is not between 100 and 599")]
    InvalidStatus(u16),
    /// No organization has this login.
    #[error("no organization `{0}`")]
    UnknownOrg(String),
    /// No repository has this `owner/name`.
    #[error("no repository `{0}`")]
    UnknownRepo(String),
    /// No GitHub App has this id.
    #[error("no GitHub App {0}")]
    UnknownApp(u64),
    /// Deliveries were still on their way when the wait ended.
    #[error("{0} deliveries still pending after the timeout")]
    DeliveriesPending(usize),
    /// GitHub's webhook description has no such event, so the fake cannot make its payload.
    #[error("no webhook event `{event}`; the known events are {known}")]
    UnknownEvent {
        /// The event asked for.
        event: String,
        /// The known events, comma-separated.
        known: String,
    },
    /// The event has no such action (or has no actions at all).
    #[error("webhook event `{event}` has no action `{action}`; its actions are {known}")]
    UnknownAction {
        /// The event.
        event: String,
        /// The action asked for.
        action: String,
        /// Its actions, comma-separated.
        known: String,
    },
    /// Hooks of this kind do not receive the event (GitHub's description lists who does).
    #[error("{kind} hooks do not receive `{event}`; it goes to {receivers} hooks")]
    EventNotForHookKind {
        /// The event, and `.action` when it has one.
        event: String,
        /// The kind of hook it was emitted at.
        kind: String,
        /// The kinds that receive it, comma-separated.
        receivers: String,
    },
}
