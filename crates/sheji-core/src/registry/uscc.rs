//! 统一社会信用代码 (unified social credit code, GB 32100-2015): normalisation, validation and
//! the check character.
//!
//! The code is 18 characters from a 31-character alphabet (no I, O, S, V, Z): registration
//! department, organisation category, the 6-digit administrative division, the 9-character
//! organisation code, then a check character over the first 17.

use std::fmt;

use serde::Serialize;

/// The legal characters, in order of their numeric value.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Why a string is not a valid USCC. Each case maps to a message key `uscc.<code>` in the
/// catalogue, which tells the user what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Nothing was entered.
    #[error("the code is empty")]
    Empty,
    /// Not 18 characters long.
    #[error("the code has {0} characters, 18 are required")]
    Length(usize),
    /// A character outside the alphabet.
    #[error("character {ch:?} at position {position} is not allowed")]
    Character { position: usize, ch: char },
    /// Positions 3–8 must be the digits of an administrative division.
    #[error("positions 3-8 must be the 6 digits of an administrative division code")]
    Division,
    /// The 18th character does not match the first 17.
    #[error("the check character should be {expected}")]
    Checksum { expected: char },
}

impl UsccError {
    /// The stable code used in API errors and as the message key suffix.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "uscc.empty",
            Self::Length(_) => "uscc.length",
            Self::Character { .. } => "uscc.character",
            Self::Division => "uscc.division",
            Self::Checksum { .. } => "uscc.checksum",
        }
    }
}

/// A valid unified social credit code, stored in its canonical upper-case half-width form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Uscc(String);

impl Uscc {
    /// Normalises (trims, folds full-width characters, upper-cases) and validates `input`.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let normalized = normalize(input);
        if normalized.is_empty() {
            return Err(UsccError::Empty);
        }
        let chars: Vec<char> = normalized.chars().collect();
        if chars.len() != 18 {
            return Err(UsccError::Length(chars.len()));
        }
        let mut values = [0u32; 17];
        for (i, ch) in chars.iter().enumerate() {
            let value = value_of(*ch).ok_or(UsccError::Character { position: i + 1, ch: *ch })?;
            if let Some(slot) = values.get_mut(i) {
                *slot = value;
            }
        }
        if !chars.iter().skip(2).take(6).all(char::is_ascii_digit) {
            return Err(UsccError::Division);
        }
        let expected = check_char_of_values(&values);
        if chars.last() != Some(&expected) {
            return Err(UsccError::Checksum { expected });
        }
        Ok(Self(normalized))
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division the code was registered in (positions 3–8).
    pub fn division_code(&self) -> &str {
        self.0.get(2..8).unwrap_or_default()
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The check character for the first 17 characters of a code, or `None` if `body` is not 17
/// characters of the alphabet. Used by generators that build codes from their parts.
pub fn check_char(body: &str) -> Option<char> {
    let mut values = [0u32; 17];
    let mut count = 0;
    for ch in body.chars() {
        let slot = values.get_mut(count)?;
        *slot = value_of(ch)?;
        count += 1;
    }
    (count == 17).then(|| check_char_of_values(&values))
}

/// The GB 11714 check character of a 9-character organisation code's first 8 characters.
pub fn org_code_check_char(body: &str) -> Option<char> {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    let mut count = 0;
    for ch in body.chars() {
        let weight = WEIGHTS.get(count)?;
        let value = ch.to_digit(36)?;
        sum += value * weight;
        count += 1;
    }
    if count != 8 {
        return None;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10)?,
    })
}

fn check_char_of_values(values: &[u32; 17]) -> char {
    // W_i = 3^(i-1) mod 31, GB 32100-2015 table 3.
    let mut weight = 1u32;
    let mut sum = 0u32;
    for value in values {
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    let index = (31 - sum % 31) % 31;
    ALPHABET.get(index as usize).map_or('0', |b| char::from(*b))
}

fn value_of(ch: char) -> Option<u32> {
    let byte = u8::try_from(ch).ok()?;
    ALPHABET.iter().position(|b| *b == byte).and_then(|p| u32::try_from(p).ok())
}

/// Trims, turns full-width ASCII (as typed with a Chinese IME) into half-width, drops inner
/// spaces and upper-cases.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .map(crate::registry::to_half_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project's copy of the official test vectors (`reference/id_test_vectors.csv`).
    const VECTORS: &str = include_str!("../../../../reference/id_test_vectors.csv");

    #[test]
    fn reference_vectors() {
        let mut checked = 0;
        for line in VECTORS.lines().skip(1) {
            let mut fields = line.split(',');
            let (Some("uscc"), Some(value), Some(expected)) = (fields.next(), fields.next(), fields.next()) else {
                continue;
            };
            let result = Uscc::parse(value);
            match expected {
                "valid" => assert!(result.is_ok(), "{value}: {result:?}"),
                "invalid_checksum" => {
                    assert!(matches!(result, Err(UsccError::Checksum { .. })), "{value}: {result:?}")
                }
                other => unreachable_expectation(other),
            }
            checked += 1;
        }
        assert!(checked >= 3);
    }

    fn unreachable_expectation(other: &str) {
        assert!(other.is_empty(), "unknown expectation {other}");
    }

    #[test]
    fn full_width_and_spaces_are_folded() {
        let parsed = Uscc::parse(" ９１１１００００６０００３７３４１ｌ ");
        assert_eq!(parsed.map(|u| u.to_string()), Ok("91110000600037341L".to_owned()));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(Uscc::parse("  "), Err(UsccError::Empty));
        assert_eq!(Uscc::parse("9111000060003734"), Err(UsccError::Length(16)));
        assert_eq!(Uscc::parse("91110000600037341I"), Err(UsccError::Character { position: 18, ch: 'I' }));
        assert_eq!(Uscc::parse("911A00006000373410"), Err(UsccError::Division));
        assert_eq!(Uscc::parse("91110000600037341A"), Err(UsccError::Checksum { expected: 'L' }));
    }

    #[test]
    fn check_char_builds_valid_codes() {
        assert_eq!(check_char("91110000600037341"), Some('L'));
        assert_eq!(check_char("9111"), None);
        assert_eq!(org_code_check_char("60003734"), Some('1'));
    }

    #[test]
    fn division_code_is_positions_three_to_eight() {
        let u = Uscc::parse("91110000600037341L");
        assert_eq!(u.as_ref().map(Uscc::division_code), Ok("110000"));
    }
}
