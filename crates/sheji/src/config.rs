//! Settings: flags and SHEJI_* variables (handled by clap) win over `sheji.toml`, which wins
//! over the defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sheji_service::{DbUrl, ServiceError};

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
        let raw = flag
            .or_else(|| self.db.clone())
            .unwrap_or_else(|| DEFAULT_DB.to_owned());
        Ok(DbUrl::parse(&raw)?)
    }

    /// The listening address: the flag or variable, else the file, else the default.
    pub fn bind(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.bind.clone())
            .unwrap_or_else(|| DEFAULT_BIND.to_owned())
    }
}

fn config_error(path: &Path, detail: &str) -> anyhow::Error {
    let lang = crate::cli_lang();
    anyhow::anyhow!(lang.tf(
        "cli.config_invalid",
        &[("path", &path.display().to_string()), ("detail", detail)]
    ))
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
        assert!(
            toml::from_str::<Settings>("port = 1").is_err(),
            "unknown keys are refused"
        );
    }
}
