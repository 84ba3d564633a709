//! Settings: flags and SHEJI_* variables (handled by clap) win over `sheji.toml`, which wins
//! over the defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sheji_service::crypto::Secrets;
use sheji_service::{DbUrl, ServiceError};

use sheji_core::i18n::Lang;

use crate::LogFormat;

/// The default database: an SQLite file in the working folder, created if missing.
pub const DEFAULT_DB: &str = "sqlite://sheji.db";
/// The default listening address: this machine only.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// What `sheji.toml` may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    db: Option<String>,
    bind: Option<String>,
    pub log_format: Option<LogFormat>,
    /// The data-encryption key (base64, 32 bytes); SHEJI_SECRET_KEY wins over it.
    secret_key: Option<String>,
    /// Where the key is kept when none is configured (default ./sheji.key).
    key_file: Option<PathBuf>,
    /// Where uploads and other files live (default ./data).
    data_dir: Option<PathBuf>,
    /// Reverse proxies whose forwarded headers are believed (addresses or networks).
    trusted_proxies: Option<Vec<String>>,
    /// Send Strict-Transport-Security over HTTPS.
    hsts: Option<bool>,
}

impl Settings {
    /// Reads the configuration file named, or `./sheji.toml` if it exists, or nothing.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("sheji.toml"), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(config_error(&path, &e.to_string())),
        };
        toml::from_str(&text).map_err(|e| config_error(&path, e.message()))
    }

    /// The database URL: the flag or variable, else the file, else the default.
    pub fn db_url(&self, flag: Option<String>) -> Result<DbUrl, ServiceError> {
        let raw = flag.or_else(|| self.db.clone()).unwrap_or_else(|| DEFAULT_DB.to_owned());
        Ok(DbUrl::parse(&raw)?)
    }

    /// The listening address: the flag or variable, else the file, else the default.
    pub fn bind(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.bind.clone()).unwrap_or_else(|| DEFAULT_BIND.to_owned())
    }
}

impl Settings {
    /// How the platform sits on the network: proxies from the flag or variable, else the file;
    /// HSTS if the flag or the file asks for it. An entry that is no address is an error that
    /// names it, not a proxy silently ignored.
    pub fn network(&self, proxies: Vec<String>, hsts: bool, lang: Lang) -> anyhow::Result<sheji_web::Network> {
        let proxies = if proxies.is_empty() { self.trusted_proxies.clone().unwrap_or_default() } else { proxies };
        let trusted_proxies = sheji_web::Network::parse_proxies(&proxies)
            .map_err(|bad| anyhow::anyhow!(lang.tf("cli.proxy_invalid", &[("value", &bad)])))?;
        Ok(sheji_web::Network { trusted_proxies, hsts: hsts || self.hsts.unwrap_or(false) })
    }

    /// The folder for uploads: SHEJI_DATA_DIR, else `data_dir` in the file, else ./data.
    pub fn upload_dir(&self) -> PathBuf {
        std::env::var_os("SHEJI_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| self.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("data"))
            .join("uploads")
    }

    /// The file store's folder (attachments, photos): `files` in the data folder. Nodes that
    /// share a database must share this folder.
    pub fn files_dir(&self) -> PathBuf {
        std::env::var_os("SHEJI_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| self.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("data"))
            .join("files")
    }

    /// This node's search index folder: SHEJI_SEARCH_DIR, else `search` in the data folder
    /// (SHEJI_DATA_DIR, `data_dir`, ./data). None for an in-memory database, whose index
    /// lives in memory too.
    pub fn search_dir(&self, url: &DbUrl) -> Option<PathBuf> {
        if url.as_str().contains(":memory:") || url.as_str().contains("mode=memory") {
            return None;
        }
        Some(std::env::var_os("SHEJI_SEARCH_DIR").map(PathBuf::from).unwrap_or_else(|| {
            std::env::var_os("SHEJI_DATA_DIR")
                .map(PathBuf::from)
                .or_else(|| self.data_dir.clone())
                .unwrap_or_else(|| PathBuf::from("data"))
                .join("search")
        }))
    }

    /// The platform's secrets: the key from SHEJI_SECRET_KEY, else `secret_key` in the file,
    /// else the key file, created with a fresh random key on first start. Several app nodes
    /// must share one key, so they set SHEJI_SECRET_KEY (or the same file).
    pub fn secrets(&self) -> anyhow::Result<Secrets> {
        let lang = crate::cli_lang();
        if let Some(key) =
            std::env::var("SHEJI_SECRET_KEY").ok().filter(|k| !k.trim().is_empty()).or_else(|| self.secret_key.clone())
        {
            return Secrets::from_base64_key(&key)
                .map_err(|e| anyhow::anyhow!(lang.tf("cli.bad_key", &[("detail", &e.to_string())])));
        }
        let path = self.key_file.clone().unwrap_or_else(|| PathBuf::from("sheji.key"));
        let key = match std::fs::read_to_string(&path) {
            Ok(key) => key,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = sheji_service::crypto::generate_key()?;
                write_private(&path, &key)?;
                println!("{}", lang.tf("cli.key_created", &[("path", &path.display().to_string())]));
                key
            }
            Err(e) => {
                return Err(anyhow::anyhow!(
                    lang.tf("cli.bad_key", &[("detail", &format!("{}: {e}", path.display()))])
                ));
            }
        };
        Secrets::from_base64_key(&key)
            .map_err(|e| anyhow::anyhow!(lang.tf("cli.bad_key", &[("detail", &format!("{}: {e}", path.display()))])))
    }
}

/// Writes a file only its owner may read.
fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    Ok(())
}

fn config_error(path: &Path, detail: &str) -> anyhow::Error {
    let lang = crate::cli_lang();
    anyhow::anyhow!(lang.tf("cli.config_invalid", &[("path", &path.display().to_string()), ("detail", detail)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let file: Settings = toml::from_str("db = \"sqlite://from-file.db\"\nbind = \"0.0.0.0:9000\"").unwrap();
        assert_eq!(file.bind(None), "0.0.0.0:9000");
        assert_eq!(file.bind(Some("127.0.0.1:1".into())), "127.0.0.1:1");
        assert_eq!(file.db_url(None).unwrap().as_str(), "sqlite://from-file.db");
        assert_eq!(Settings::default().db_url(None).unwrap().as_str(), DEFAULT_DB);
        assert_eq!(Settings::default().bind(None), DEFAULT_BIND);
        assert!(toml::from_str::<Settings>("port = 1").is_err(), "unknown keys are refused");
    }
}
