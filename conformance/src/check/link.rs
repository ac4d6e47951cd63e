//! The `Link` header (RFC 8288): parsing it into entries and finding a relation's URL.

/// One entry of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkEntry {
    /// The target URL.
    pub url: String,
    /// Its relations (`next`, `last`...).
    pub rels: Vec<String>,
}

/// The URL of relation `rel` among `links`.
pub fn link_url<'a>(links: &'a [LinkEntry], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|l| l.rels.iter().any(|r| r.eq_ignore_ascii_case(rel)))
        .map(|l| l.url.as_str())
}

/// Parses a `Link` header (RFC 8288): `<url>; rel="next", <url>; rel="last"`. Each entry needs an
/// absolute URL and a `rel`.
pub fn parse_link(text: &str) -> Result<Vec<LinkEntry>, String> {
    let mut entries = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let Some(after) = rest.strip_prefix('<') else {
            return Err(format!("expected <url> at {:?}", cut(rest)));
        };
        let Some(end) = after.find('>') else {
            return Err(format!("unclosed <url> at {:?}", cut(rest)));
        };
        let url = &after[..end];
        url::Url::parse(url).map_err(|e| format!("{url:?} is not an absolute URL: {e}"))?;
        rest = &after[end + 1..];
        let mut rels = Vec::new();
        // Parameters up to the next comma outside quotes.
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let after = after.trim_start();
            let name_end = after.find(['=', ';', ',']).unwrap_or(after.len());
            let name = after[..name_end].trim().to_ascii_lowercase();
            let mut value = String::new();
            rest = &after[name_end..];
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(quoted) = after.strip_prefix('"') {
                    let Some(close) = quoted.find('"') else {
                        return Err(format!("unclosed quote at {:?}", cut(after)));
                    };
                    value = quoted[..close].to_string();
                    rest = &quoted[close + 1..];
                } else {
                    let end = after.find([';', ',']).unwrap_or(after.len());
                    value = after[..end].trim().to_string();
                    rest = &after[end..];
                }
            }
            if name == "rel" {
                rels.extend(value.split_whitespace().map(str::to_string));
            }
        }
        let rest_trimmed = rest.trim_start();
        if !rest_trimmed.is_empty() && !rest_trimmed.starts_with(',') {
            return Err(format!("unexpected {:?} after <{url}>", cut(rest_trimmed)));
        }
        if rels.is_empty() {
            return Err(format!("<{url}> has no rel"));
        }
        entries.push(LinkEntry {
            url: url.to_string(),
            rels,
        });
        rest = rest_trimmed;
    }
    Ok(entries)
}

fn cut(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_parse() {
        let links = parse_link(
            r#"<https://api.github.com/orgs/o/hooks?page=2>; rel="next", <https://api.github.com/orgs/o/hooks?page=5>; rel="last""#,
        );
        let Ok(links) = links else {
            panic!("{links:?}")
        };
        assert_eq!(
            link_url(&links, "next"),
            Some("https://api.github.com/orgs/o/hooks?page=2")
        );
        assert_eq!(
            link_url(&links, "last"),
            Some("https://api.github.com/orgs/o/hooks?page=5")
        );
        assert!(parse_link("https://x; rel=next").is_err());
        assert!(parse_link("</relative>; rel=next").is_err());
        assert!(parse_link("<https://x/>").is_err());
    }
}
