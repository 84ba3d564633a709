//! The `sheji` binary: the platform's command line. `serve` runs the web platform; the other
//! commands run the same use cases from the shell. Errors are reported in one line that says
//! what to do, with a non-zero exit code.

mod config;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sheji_core::i18n::Lang;
use sheji_service::clock::SystemClock;
use sheji_service::{ServiceError, demo, platform};

use crate::config::Settings;

/// 重庆市工业设计公共服务平台 — the Chongqing industrial-design public service platform.
///
/// Settings come from flags, then SHEJI_* environment variables, then ./sheji.toml
/// (keys: db, bind, log_format), then defaults.
#[derive(Debug, Parser)]
#[command(name = "sheji", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Log format: human-readable lines, or one JSON object per line for log collectors.
    #[arg(long, value_enum, global = true, env = "SHEJI_LOG_FORMAT")]
    log_format: Option<LogFormat>,

    /// Configuration file (default ./sheji.toml, if present).
    #[arg(long, global = true, env = "SHEJI_CONFIG")]
    config: Option<std::path::PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum LogFormat {
    /// Human-readable lines (default).
    Human,
    /// JSON lines.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web platform and the JSON API. An empty database is migrated and seeded
    /// with the reference data first.
    Serve {
        /// Database URL: sqlite://FILE (default sqlite://sheji.db), postgres://… or mysql://…
        #[arg(long, env = "SHEJI_DB")]
        db: Option<String>,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "SHEJI_BIND")]
        bind: Option<String>,
        /// Also load the demo data set when the database holds no organizations yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and seed missing reference data, then print the schema
    /// version. Running it twice changes nothing.
    Migrate {
        /// Database URL (see serve).
        #[arg(long, env = "SHEJI_DB")]
        db: Option<String>,
    },
    /// Load the demo data set: organizations of every kind across the districts and clusters.
    /// Deterministic; records already present are left alone.
    Demo {
        /// Database URL (see serve).
        #[arg(long, env = "SHEJI_DB")]
        db: Option<String>,
    },
}

fn cli_lang() -> Lang {
    ["SHEJI_LANG", "LC_ALL", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find_map(|v| Lang::from_tag(&v))
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli_lang();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(lang, &e),
    };
    init_logging(cli.log_format.or(settings.log_format).unwrap_or(LogFormat::Human));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(lang, &anyhow::Error::new(e)),
    };
    match runtime.block_on(run(cli.command, settings, lang)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(lang, &e),
    }
}

fn fail(lang: Lang, err: &anyhow::Error) -> ExitCode {
    let message = match err.downcast_ref::<ServiceError>() {
        Some(service) => service.message(lang),
        None => format!("{err:#}"),
    };
    eprintln!("{}：{message}", lang.t("cli.error"));
    ExitCode::FAILURE
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
}

async fn run(command: Command, settings: Settings, lang: Lang) -> anyhow::Result<()> {
    match command {
        Command::Serve { db, bind, demo } => {
            let url = settings.db_url(db)?;
            let bind = settings.bind(bind);
            let addr: SocketAddr = bind
                .parse()
                .map_err(|e: std::net::AddrParseError| bind_error(lang, &bind, &e.to_string()))?;
            let (services, opened) = platform::open(&url, Arc::new(SystemClock)).await?;
            report_open(lang, &opened);
            if demo && sheji_service::registry::counts(&services).await?.total == 0 {
                let report = demo::load(&services).await?;
                println!(
                    "{}",
                    lang.tf("cli.demo_loaded", &[("orgs", &report.organizations.to_string())])
                );
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| bind_error(lang, &bind, &e.to_string()))?;
            let local = listener.local_addr().context("reading the bound address")?;
            let state = sheji_web::AppState {
                services: services.clone(),
            };
            println!(
                "{}",
                lang.tf(
                    "cli.serving",
                    &[("url", &format!("http://{local}")), ("db", &url.redacted())]
                )
            );
            sheji_web::serve(listener, state, shutdown_signal())
                .await
                .context("serving HTTP")?;
            services.close().await?;
            println!("{}", lang.t("cli.stopped"));
            Ok(())
        }
        Command::Migrate { db } => {
            let url = settings.db_url(db)?;
            let (services, opened) = platform::open(&url, Arc::new(SystemClock)).await?;
            report_open(lang, &opened);
            services.close().await?;
            Ok(())
        }
        Command::Demo { db } => {
            let url = settings.db_url(db)?;
            let (services, opened) = platform::open(&url, Arc::new(SystemClock)).await?;
            if opened.seeded > 0 {
                println!("{}", lang.tf("cli.seeded", &[("n", &opened.seeded.to_string())]));
            }
            let report = demo::load(&services).await?;
            if report.organizations == 0 {
                println!("{}", lang.t("cli.demo_present"));
            } else {
                println!(
                    "{}",
                    lang.tf("cli.demo_loaded", &[("orgs", &report.organizations.to_string())])
                );
            }
            services.close().await?;
            Ok(())
        }
    }
}

fn bind_error(lang: Lang, addr: &str, detail: &str) -> anyhow::Error {
    anyhow::anyhow!(lang.tf("cli.bind_failed", &[("addr", addr), ("detail", detail)]))
}

fn report_open(lang: Lang, opened: &platform::Opened) {
    if opened.seeded > 0 {
        println!("{}", lang.tf("cli.seeded", &[("n", &opened.seeded.to_string())]));
    }
    let v = &opened.after;
    println!(
        "{}",
        lang.tf(
            "cli.schema",
            &[
                ("number", &v.number.to_string()),
                ("latest", v.latest.as_deref().unwrap_or("-")),
                ("pending", &v.pending.to_string()),
            ],
        )
    );
}

/// Completes on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; waiting for requests in flight");
}
