//! What an upload may be. Types are recognised from the file's first bytes, never from its
//! name or the browser's claim; sizes are bounded. The name a user gave is kept for display
//! only and never reaches the file system.

use serde::{Deserialize, Serialize};

/// The largest file accepted (20 MiB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// A kind of file the platform accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// PDF documents.
    Pdf,
    /// JPEG photos.
    Jpeg,
    /// PNG images.
    Png,
}

impl FileKind {
    /// The content type served.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    /// Reads a stored content type.
    pub fn from_content_type(s: &str) -> Option<Self> {
        [FileKind::Pdf, FileKind::Jpeg, FileKind::Png].into_iter().find(|k| k.content_type() == s)
    }

    /// Recognises a file by its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else {
            None
        }
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// Nothing was sent.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`MAX_BYTES`].
    #[error("the file is larger than 20 MiB")]
    TooLarge,
    /// Not one of the kinds allowed here.
    #[error("the file is not of an accepted type")]
    WrongType,
}

impl UploadError {
    /// The catalogue key of the message.
    pub fn key(self) -> &'static str {
        match self {
            UploadError::Empty => "files.empty",
            UploadError::TooLarge => "files.too_large",
            UploadError::WrongType => "files.wrong_type",
        }
    }
}

/// Checks an upload against the kinds allowed here.
pub fn check(bytes: &[u8], allowed: &[FileKind]) -> Result<FileKind, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(UploadError::TooLarge);
    }
    FileKind::sniff(bytes).filter(|k| allowed.contains(k)).ok_or(UploadError::WrongType)
}

/// A display name: the last path segment, control characters dropped, at most 100 characters.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.trim().is_empty() { "file".to_owned() } else { clean.trim().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(check(b"%PDF-1.7 ...", &[FileKind::Pdf]), Ok(FileKind::Pdf));
        assert_eq!(check(b"%PDF-1.7", &[FileKind::Jpeg]), Err(UploadError::WrongType));
        assert_eq!(check(b"MZ\x90\x00 evil.pdf", &[FileKind::Pdf]), Err(UploadError::WrongType));
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 0xE0], &[FileKind::Jpeg, FileKind::Png]), Ok(FileKind::Jpeg));
        assert_eq!(check(b"", &[FileKind::Pdf]), Err(UploadError::Empty));
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\证明\\营业执照.pdf"), "营业执照.pdf");
    }
}
