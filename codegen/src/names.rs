//! The one identifier sanitiser: every Rust name the generator emits goes through here, so
//! keywords, leading digits and the `/`, `-` and `.` of operationIds and wire names are handled
//! in one place.

use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Splits a wire name into lower-case words at any non-alphanumeric character and at
/// lower-to-upper case changes (`X-GitHub-Api-Version` → x, git, hub, api, version).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case`, safe as a Rust identifier (`orgs/list-webhooks` → `orgs_list_webhooks`).
pub fn snake(name: &str) -> String {
    let joined = words(name).join("_");
    guard(if joined.is_empty() {
        "value".to_string()
    } else {
        joined
    })
}

/// `PascalCase`, safe as a Rust identifier (`org-hook` → `OrgHook`).
pub fn pascal(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    guard(if joined.is_empty() {
        "Value".to_string()
    } else {
        joined
    })
}

/// `SCREAMING_SNAKE_CASE`.
pub fn screaming(name: &str) -> String {
    snake(name).trim_start_matches("r#").to_uppercase()
}

fn guard(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if KEYWORDS.contains(&name.as_str()) {
        if matches!(name.as_str(), "self" | "Self" | "super" | "crate") {
            format!("{name}_")
        } else {
            format!("r#{name}")
        }
    } else {
        name
    }
}

/// An identifier token for an already-sanitised name (raw identifiers included).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_become_snake_case() {
        assert_eq!(snake("orgs/list-webhooks"), "orgs_list_webhooks");
        assert_eq!(
            snake("enterprise-admin/create-global-webhook"),
            "enterprise_admin_create_global_webhook"
        );
    }

    #[test]
    fn header_names_split_at_case_changes() {
        assert_eq!(snake("X-GitHub-Api-Version"), "x_git_hub_api_version");
        assert_eq!(pascal("org-hook"), "OrgHook");
    }

    #[test]
    fn keywords_and_leading_digits_are_made_safe() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(pascal("2fa-policy"), "_2faPolicy");
        assert_eq!(snake("404"), "_404");
        assert_eq!(ident(&snake("type")).to_string(), "r#type");
    }

    #[test]
    fn empty_names_get_a_placeholder() {
        assert_eq!(snake("--"), "value");
        assert_eq!(pascal(""), "Value");
    }
}
