//! The checked-in recordings under `conformance/recordings/` replay against the embedded fake
//! without a difference: drift between what was recorded and what the fake does fails here.

use std::time::Duration;

use hookspec_conformance::sequences;
use hookspec_conformance::{DEFAULT_MAX_BODY, HttpClient};
use hookspec_conformance::{ReplayOptions, replay};
use hookspec_mock::FakeGitHub;

#[tokio::test]
async fn checked_in_recordings_replay_against_the_fake_without_a_difference() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings");
    let found = match sequences(&dir) {
        Ok(found) => found,
        Err(error) => panic!("{error}"),
    };
    assert!(!found.is_empty());
    let Ok(client) = HttpClient::new(Duration::from_secs(10), DEFAULT_MAX_BODY) else {
        panic!("client")
    };
    for sequence in &found {
        let fake = FakeGitHub::start().await;
        let mut options = ReplayOptions::new(fake.uri());
        options.token = Some("replay-token".into());
        options.get_attempts = 50;
        let result = replay(sequence, &options, &client).await;
        assert!(
            result.passed(),
            "{}",
            result.failure_text().unwrap_or_default()
        );
    }
}
