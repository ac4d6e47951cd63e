//! A stateful fake of GitHub's webhook-management REST API on wiremock.
