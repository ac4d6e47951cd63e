//! The models rendered from each fixture compile without warnings (they are the snapshots,
//! included as modules here).
#![deny(warnings)]

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "fixtures/enums-and-defaults/expected/mock/src/generated/models.rs"]
mod enums_and_defaults;

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "fixtures/one-of-and-nullable/expected/mock/src/generated/models.rs"]
mod one_of_and_nullable;

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "fixtures/path-params-and-examples/expected/mock/src/generated/models.rs"]
mod path_params_and_examples;

#[test]
fn defaults_apply_when_fields_are_absent() {
    let parsed: enums_and_defaults::ThingsCreateThingRequest =
        match serde_json::from_str(r#"{"name":"web"}"#) {
            Ok(parsed) => parsed,
            Err(error) => panic!("{error}"),
        };
    assert!(parsed.active);
    assert_eq!(parsed.events, vec!["push".to_string()]);
    assert_eq!(
        parsed.content_type,
        enums_and_defaults::ThingsCreateThingRequestContentType::Form
    );
}

#[test]
fn string_or_number_takes_either() {
    let as_string: one_of_and_nullable::InsecureSsl = serde_json::from_str(r#""0""#)
        .map_err(|e| e.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let as_number: one_of_and_nullable::InsecureSsl = serde_json::from_str("1")
        .map_err(|e| e.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        as_string,
        one_of_and_nullable::InsecureSsl::String("0".into())
    );
    assert_eq!(as_number, one_of_and_nullable::InsecureSsl::Number(1.0));
}

#[test]
fn an_explicit_null_is_kept_apart_from_an_absent_field() {
    let with_null: one_of_and_nullable::Delivery =
        serde_json::from_str(r#"{"id":1,"action":null,"throttled_at":null}"#)
            .unwrap_or_else(|e| panic!("{e}"));
    let absent: one_of_and_nullable::Delivery =
        serde_json::from_str(r#"{"id":1,"action":null}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(with_null.throttled_at, Some(None));
    assert_eq!(absent.throttled_at, None);
    assert_eq!(
        serde_json::to_string(&with_null).unwrap_or_default(),
        r#"{"id":1,"action":null,"throttled_at":null}"#
    );
}
