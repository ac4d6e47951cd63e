//! Contract cases for GitHub's webhook-management REST API and the runner that checks a server against them.
