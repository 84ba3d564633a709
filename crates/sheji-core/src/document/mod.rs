//! Rules of official documents: the digest that ties a printed copy to the record it was
//! printed from. The digest is SHA-256 over a canonical JSON form (object keys sorted, no
//! spaces), so the same content gives the same digest on every node and in every release
//! whatever order a map was built in.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical text of a JSON value: keys sorted at every level, no insignificant spaces.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    write(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The digest of a document's content: 64 lowercase hex digits.
pub fn digest(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical(value).as_bytes()))
}

/// Whether `typed` (as a person copies it from paper: any case, spaces or dashes between
/// groups) is the digest `expected`.
pub fn digest_matches(typed: &str, expected: &str) -> bool {
    parse_digest(typed).is_some_and(|d| d == expected)
}

/// A digest as a person copied it (any case, spaces or dashes between groups) in the stored
/// form, or `None` if it is not 64 hexadecimal digits with only such separators.
pub fn parse_digest(typed: &str) -> Option<String> {
    if !typed.chars().all(|c| c.is_ascii_hexdigit() || c == ' ' || c == '-') {
        return None;
    }
    let hex: String = typed.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_lowercase();
    (hex.len() == 64).then_some(hex)
}

/// A digest as printed: eight groups of eight, easy to compare by eye.
pub fn grouped(digest: &str) -> String {
    let chars: Vec<char> = digest.chars().collect();
    chars.chunks(8).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_digest_but_content_does() {
        let a = json!({"b": 1, "a": {"y": [1, 2], "x": "重庆"}});
        let b: Value = serde_json::from_str(r#"{"a":{"x":"重庆","y":[1,2]},"b":1}"#).unwrap();
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&json!({"b": 2, "a": {"y": [1, 2], "x": "重庆"}})));
        assert_eq!(canonical(&a), r#"{"a":{"x":"重庆","y":[1,2]},"b":1}"#);
    }

    #[test]
    fn a_digest_copied_from_paper_matches_in_groups_and_any_case() {
        let d = digest(&json!({"n": 1}));
        assert!(digest_matches(&grouped(&d).to_uppercase(), &d));
        assert!(digest_matches(&grouped(&d).replace(' ', "-"), &d));
        assert!(!digest_matches(&d[..63], &d));
        assert!(!digest_matches("", &d));
        assert_eq!(grouped(&d).split(' ').count(), 8);
    }
}
