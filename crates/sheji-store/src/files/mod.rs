//! The file store: bytes in a folder under random keys (two-level fan-out), an index row per
//! file in the database. A user's file name is kept for display and never reaches the file
//! system. One folder per deployment; several nodes share it (or, later, an S3-compatible
//! store behind the same functions).

pub mod entity;
pub mod migration;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

use crate::entity::stored_file;
use crate::{Db, StoreError, Tx};

/// A stored file's index row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Key.
    pub id: i32,
    /// What owns it (`recognition_application` …).
    pub owner_type: String,
    /// The owner's id.
    pub owner_id: i32,
    /// What it is for (`attachment`, `inspection` …).
    pub purpose: String,
    /// Display name.
    pub name: String,
    /// Content type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    key: String,
}

/// Who owns a new file and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile<'a> {
    /// Owner type.
    pub owner_type: &'a str,
    /// Owner id.
    pub owner_id: i32,
    /// Purpose.
    pub purpose: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Content type.
    pub content_type: &'a str,
    /// Uploader.
    pub uploaded_by: &'a str,
}

fn to_file(m: stored_file::Model) -> StoredFile {
    StoredFile {
        id: m.id,
        owner_type: m.owner_type,
        owner_id: m.owner_id,
        purpose: m.purpose,
        name: m.name,
        content_type: m.content_type,
        size: m.size,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
        created_at: m.created_at,
        key: m.storage_key,
    }
}

/// The folder the bytes live in.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Files(e.to_string())
}

impl FileStore {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> PathBuf {
        let fan: String = key.chars().take(2).collect();
        self.root.join(fan).join(key)
    }

    /// Writes the bytes under a fresh random key, then the index row inside `tx`; if the
    /// transaction rolls back, the bytes stay as an orphan that no row names (never served).
    pub async fn put(
        &self,
        tx: &Tx,
        f: &NewFile<'_>,
        key: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<i32, StoreError> {
        if key.len() < 16 || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::Files("bad key".into()));
        }
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
        }
        tokio::fs::write(&path, bytes).await.map_err(io)?;
        let sha = hex::encode(Sha256::digest(bytes));
        Ok(stored_file::Entity::insert(stored_file::ActiveModel {
            owner_type: Set(f.owner_type.to_owned()),
            owner_id: Set(f.owner_id),
            purpose: Set(f.purpose.to_owned()),
            name: Set(f.name.to_owned()),
            content_type: Set(f.content_type.to_owned()),
            size: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            sha256: Set(sha),
            storage_key: Set(key.to_owned()),
            uploaded_by: Set(f.uploaded_by.to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(tx.conn())
        .await?
        .last_insert_id)
    }

    /// Reads a stored file's bytes and checks them against the recorded digest.
    pub async fn read(&self, f: &StoredFile) -> Result<Vec<u8>, StoreError> {
        let bytes = tokio::fs::read(self.path(&f.key)).await.map_err(io)?;
        if hex::encode(Sha256::digest(&bytes)) != f.sha256 {
            return Err(StoreError::Corrupt { what: format!("file {}", f.id), detail: "digest mismatch".into() });
        }
        Ok(bytes)
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// Forgets a file inside `tx`: its index row goes, so it is never served again; the bytes stay
/// as an orphan no row names, as after a rolled-back upload. False when it was already gone.
pub async fn forget(tx: &Tx, id: i32) -> Result<bool, StoreError> {
    Ok(stored_file::Entity::delete_by_id(id).exec(tx.conn()).await?.rows_affected == 1)
}

/// One file's index row.
pub async fn get(db: &impl Db, id: i32) -> Result<Option<StoredFile>, StoreError> {
    Ok(stored_file::Entity::find_by_id(id).one(db.conn()).await?.map(to_file))
}

/// An owner's files, oldest first (bounded: a record has a handful).
pub async fn of_owner(db: &impl Db, owner_type: &str, owner_id: i32) -> Result<Vec<StoredFile>, StoreError> {
    Ok(stored_file::Entity::find()
        .filter(stored_file::Column::OwnerType.eq(owner_type))
        .filter(stored_file::Column::OwnerId.eq(owner_id))
        .order_by_asc(stored_file::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_file)
        .collect())
}
