//! Property: whatever arrives — any method, path, query, headers or body — the handler
//! neither panics nor answers 500, and every body it sends is JSON.

use hookspec_mock::{DeliverySeed, HookSeed};
use hookspec_mock::{Fake, FakeRequest};
use proptest::prelude::*;
use serde_json::{Value, json};

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("GET".to_owned()),
        Just("POST".to_owned()),
        Just("PATCH".to_owned()),
        Just("DELETE".to_owned()),
        Just("PUT".to_owned()),
        "[A-Z]{1,8}",
    ]
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "orgs", "octocat", "OctoCat", "hooks", "admin", "config", "deliveries", "attempts", "pings", "api", "v3", "", "1", "2", "3",
        ])
        .prop_map(str::to_owned),
        1 => "[0-9]{1,25}",
        1 => "%[0-9A-Fa-f]{0,2}[a-z]{0,3}",
        1 => any::<String>(),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(segment(), 0..8)
            .prop_map(|segments| format!("/{}", segments.join("/"))),
        (
            prop::sample::select(vec![
                "/orgs/octocat/hooks",
                "/orgs/octocat/hooks/1",
                "/orgs/octocat/hooks/1/config",
                "/orgs/octocat/hooks/1/deliveries",
                "/orgs/octocat/hooks/1/deliveries/1",
                "/orgs/octocat/hooks/1/deliveries/1/attempts",
                "/orgs/octocat/hooks/1/pings",
                "/admin/hooks",
                "/admin/hooks/2",
                "/admin/hooks/2/pings",
            ]),
            any::<bool>()
        )
            .prop_map(|(path, ghes)| if ghes {
                format!("/api/v3{path}")
            } else {
                path.to_owned()
            }),
    ]
}

fn query() -> impl Strategy<Value = Option<String>> {
    let pair = (
        prop::sample::select(vec![
            "per_page",
            "page",
            "cursor",
            "status",
            "redelivery",
            "x",
        ]),
        prop_oneof![
            "-?[0-9]{0,22}".boxed(),
            prop::sample::select(vec![
                "success",
                "failure",
                "true",
                "false",
                "v1_1",
                "v1_",
                "v1_99999999999999999999"
            ])
            .prop_map(str::to_owned)
            .boxed(),
            any::<String>().boxed(),
        ],
    )
        .prop_map(|(key, value)| format!("{key}={}", url_escape(&value)));
    prop_oneof![
        Just(None),
        prop::collection::vec(pair, 0..4).prop_map(|pairs| Some(pairs.join("&"))),
        any::<String>().prop_map(Some),
    ]
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "web",
            "json",
            "form",
            "push",
            "https://example.com/h",
            "0",
            "1"
        ])
        .prop_map(|s| json!(s)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "name",
                    "config",
                    "url",
                    "content_type",
                    "secret",
                    "insecure_ssl",
                    "events",
                    "active",
                    "x"
                ])
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        json_value().prop_map(|value| value.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
        Just(
            br#"{"name":"web","config":{"url":"https://example.com/hook","secret":"s"}}"#.to_vec()
        ),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let authorization = prop_oneof![
        Just(None),
        Just(Some("token t".to_owned())),
        Just(Some("Bearer t".to_owned())),
        any::<String>().prop_map(Some),
    ];
    let version = prop_oneof![
        Just(None),
        Just(Some("2022-11-28".to_owned())),
        Just(Some("2026-03-10".to_owned())),
        any::<String>().prop_map(Some),
    ];
    (authorization, version).prop_map(|(authorization, version)| {
        let mut headers = Vec::new();
        if let Some(value) = authorization {
            headers.push(("Authorization".to_owned(), value));
        }
        if let Some(value) = version {
            headers.push(("X-GitHub-Api-Version".to_owned(), value));
        }
        headers
    })
}

fn seeded_fake() -> Fake {
    let fake = Fake::default();
    let hook = fake.state().insert_org_hook(
        "octocat",
        HookSeed::new("https://example.com/hook").secret("s"),
    );
    fake.state()
        .insert_global_hook(HookSeed::new("https://example.com/global"));
    let _ = fake
        .state()
        .insert_delivery(hook, DeliverySeed::new("push"));
    fake
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_handler_never_panics_and_never_answers_500(
        method in method(),
        path in path(),
        query in query(),
        headers in headers(),
        body in body(),
        host in prop_oneof![Just("127.0.0.1:1".to_owned()), "[a-z0-9.:-]{0,20}"],
    ) {
        let fake = seeded_fake();
        let request = FakeRequest { method, path, query, headers, body, base_url: format!("http://{host}") };
        let response = fake.handle(&request);
        prop_assert!((200..500).contains(&response.status), "status {} for {:?}", response.status, request);
        if !response.body.is_empty() {
            prop_assert!(serde_json::from_slice::<Value>(&response.body).is_ok());
        }
        // The same request again: state changes never break the next answer.
        let again = fake.handle(&request);
        prop_assert!((200..500).contains(&again.status));
    }
}
