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
use sheji_service::identity::{self, AffiliationInput};
use sheji_service::{DbUrl, ServiceError, Services, audit, demo, platform, reference, search};
use unicode_width::UnicodeWidthStr;

use crate::config::Settings;

// glibc's allocator spent a quarter of an import's time in malloc/free and fragments under
// many small short-lived strings; mimalloc serves both better (BENCHMARKS.md, import).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 重庆市工业设计公共服务平台 — the Chongqing industrial-design public service platform.
///
/// Settings come from flags, then SHEJI_* environment variables, then ./sheji.toml
/// (keys: db, bind, log_format, secret_key, key_file, data_dir, trusted_proxies, hsts), then
/// defaults.
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

#[derive(Debug, clap::Args)]
struct DbArg {
    /// Database URL: sqlite://FILE (default sqlite://sheji.db), postgres://… or mysql://…
    #[arg(long, env = "SHEJI_DB")]
    db: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web platform and the JSON API. An empty database is migrated and seeded
    /// with the reference data first, and the first administrator is created (password from
    /// SHEJI_ADMIN_PASSWORD, else a random one printed once).
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "SHEJI_BIND")]
        bind: Option<String>,
        /// Also load the demo data set when the database holds no organizations yet.
        #[arg(long)]
        demo: bool,
        /// A reverse proxy (address or network, e.g. 10.0.0.1 or 10.0.0.0/8) whose
        /// X-Forwarded-For and X-Forwarded-Proto are believed; repeat or separate with commas.
        /// From any other peer those headers are ignored.
        #[arg(long = "trusted-proxy", env = "SHEJI_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<String>,
        /// Send Strict-Transport-Security on responses served over HTTPS (directly or through a
        /// trusted proxy): browsers then refuse plain HTTP to this site for a year.
        #[arg(long, env = "SHEJI_HSTS")]
        hsts: bool,
    },
    /// Apply pending migrations, seed missing reference data and create the first
    /// administrator if there is no account, then print the schema version. Running it
    /// twice changes nothing.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Load the demo data set: organizations of every kind across the districts and
    /// clusters, and one login per role (printed). Deterministic; records already present
    /// are left alone.
    Demo {
        #[command(flatten)]
        db: DbArg,
    },
    /// Manage accounts from the shell (every change is audited as `system`).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Generate a synthetic city for benchmarks: 10 000 × SCALE organizations with five years
    /// of figures and 50 000 × SCALE people (every account's password is printed). Deterministic
    /// for a seed. Use a database of its own, not production.
    Gen {
        /// Size relative to Chongqing (1 ≈ 10 000 organizations); 0.1 for a quick run.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Seed of the random generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Also this many published design demands (the matchmaking benchmark).
        #[arg(long, default_value_t = 0)]
        demands: usize,
        /// Also this many published design offers.
        #[arg(long, default_value_t = 0)]
        offers: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// Import records from a spreadsheet.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Manage this node's search index.
    Search {
        #[command(subcommand)]
        action: SearchAction,
    },
    /// Check the record of an expert review.
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
    /// Look at and test the background job queue every `serve` node works.
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
}

#[derive(Debug, Subcommand)]
enum JobsAction {
    /// Queue connectivity checks, which any running node finishes at once (to see the queue
    /// work, or to measure it).
    Ping {
        /// How many.
        #[arg(long, default_value_t = 1)]
        count: u32,
        #[command(flatten)]
        db: DbArg,
    },
    /// Print how many jobs are queued, running, done and failed.
    Status {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewAction {
    /// Reruns a campaign's deployed assignment from its stored pool, constraints and seed and
    /// compares it byte for byte with what was deployed; exits with status 1 if they differ.
    Replay {
        /// The campaign's number.
        campaign: i32,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
enum SearchAction {
    /// Rebuild the search index from the records (the server must be stopped: it holds the
    /// index). A running server rebuilds by itself when its index is missing or damaged.
    Reindex {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Create an account with one role; prints a temporary password that must be changed
    /// at first sign-in.
    Create {
        /// Login name (3–32 letters, digits, _ . -).
        username: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// Role: admin, city_officer, hq_staff, branch_staff, expert, org_admin, org_member, designer.
        #[arg(long)]
        role: String,
        /// District (name or id), for branch_staff.
        #[arg(long)]
        district: Option<String>,
        /// Organization id, for org_admin and org_member.
        #[arg(long)]
        organization: Option<i32>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Reset a password to a temporary one (printed), unlock the account and end its sessions.
    ResetPassword {
        /// Login name.
        username: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Disable an account and end its sessions.
    Disable {
        /// Login name.
        username: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
enum ImportWhat {
    /// Import organizations from an .xlsx or .csv (UTF-8 or GBK) file. Every row is checked
    /// first; bad rows are listed with their row number, column and reason. Nothing is written
    /// while any row is bad unless --skip-invalid says to write the good ones.
    Orgs {
        /// The spreadsheet.
        file: std::path::PathBuf,
        /// Only check and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows even though some rows are bad.
        #[arg(long)]
        skip_invalid: bool,
        /// The year of the figures for rows without one (default: a year in the sheet's title,
        /// such as 2026年度…汇总表).
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: Option<i32>,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Subcommand)]
enum AuditAction {
    /// Walk the hash chain and name the first record that was altered or removed.
    Verify {
        #[command(flatten)]
        db: DbArg,
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
        Ok(code) => code,
        Err(e) => fail(lang, &e),
    }
}

fn fail(lang: Lang, err: &anyhow::Error) -> ExitCode {
    let message = match err.downcast_ref::<ServiceError>() {
        Some(service) => service.message(lang),
        None => format!("{err:#}"),
    };
    eprintln!("{}", lang.tf("cli.error", &[("message", &message)]));
    ExitCode::FAILURE
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
}

/// Opens the database (migrating and seeding), with the platform's secrets.
async fn open(settings: &Settings, db: DbArg, lang: Lang) -> anyhow::Result<(Services, platform::Opened, DbUrl)> {
    let url = settings.db_url(db.db)?;
    // Check the URL and the database before creating a key file or anything else.
    platform::version(&url).await?;
    let secrets = Arc::new(settings.secrets()?);
    let (services, opened) = platform::open(&url, Arc::new(SystemClock), secrets).await?;
    report_open(lang, &opened);
    Ok((services, opened, url))
}

async fn bootstrap(services: &Services, lang: Lang) -> anyhow::Result<()> {
    let password = std::env::var("SHEJI_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    if let Some(done) = identity::bootstrap_admin(services, password.as_deref()).await? {
        match done.generated_password {
            Some(pw) => println!("{}", lang.tf("cli.admin_generated", &[("password", &pw)])),
            None => println!("{}", lang.t("cli.admin_from_env")),
        }
    }
    Ok(())
}

fn reindexed(lang: Lang, r: &search::Rebuilt) -> String {
    lang.tf(
        "cli.search_reindexed",
        &[
            ("documents", &r.documents.to_string()),
            ("seconds", &format!("{:.1}", r.seconds)),
            ("mib", &format!("{:.1}", r.bytes as f64 / (1024.0 * 1024.0))),
        ],
    )
}

fn print_demo(lang: Lang, report: &demo::DemoReport) {
    if report.organizations == 0 && report.accounts.is_empty() {
        println!("{}", lang.t("cli.demo_present"));
        return;
    }
    println!("{}", lang.tf("cli.demo_loaded", &[("orgs", &report.organizations.to_string())]));
    if !report.accounts.is_empty() {
        println!("{}", lang.tf("cli.demo_logins", &[("password", demo::DEMO_PASSWORD)]));
        // Columns line up by display width: a Chinese character takes two columns of a terminal.
        let roles: Vec<String> =
            report.accounts.iter().map(|(_, role, _)| lang.t(&format!("role.{}", role.code())).to_owned()).collect();
        let name_width = report.accounts.iter().map(|(u, _, _)| u.width()).max().unwrap_or(0);
        let role_width = roles.iter().map(|r| r.width()).max().unwrap_or(0);
        for ((username, _, place), role) in report.accounts.iter().zip(roles) {
            let place = if place.is_empty() { "—" } else { place.as_str() };
            println!("  {}  {}  {place}", pad(username, name_width), pad(&role, role_width));
        }
    }
}

/// `text` followed by spaces up to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

async fn run(command: Command, settings: Settings, lang: Lang) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { db, bind, demo, trusted_proxies, hsts } => {
            let network = settings.network(trusted_proxies, hsts, lang)?;
            let bind = settings.bind(bind);
            let addr: SocketAddr =
                bind.parse().map_err(|e: std::net::AddrParseError| bind_error(lang, &bind, &e.to_string()))?;
            let (services, _, url) = open(&settings, db, lang).await?;
            bootstrap(&services, lang).await?;
            if demo && sheji_service::registry::counts(&services).await?.total == 0 {
                print_demo(lang, &demo::load(&services).await?);
            }
            let (services, attached) = search::attach(services, settings.search_dir(&url).as_deref()).await?;
            if let Some(r) = attached.rebuilt {
                println!("{}", reindexed(lang, &r));
            }
            let listener =
                tokio::net::TcpListener::bind(addr).await.map_err(|e| bind_error(lang, &bind, &e.to_string()))?;
            let local = listener.local_addr().context("reading the bound address")?;
            let services = services.with_files(settings.files_dir()).with_local_address(&format!("http://{local}"));
            let follower = search::spawn_follower(services.clone());
            let jobs = sheji_service::job::spawn(
                services.clone(),
                sheji_service::job::WorkerOptions::for_node(sheji_service::job::node_name()),
            );
            let state = sheji_web::AppState {
                services: services.clone(),
                upload_dir: settings.upload_dir(),
                network: std::sync::Arc::new(network),
            };
            println!("{}", lang.tf("cli.serving", &[("url", &format!("http://{local}")), ("db", &url.redacted())]));
            sheji_web::serve(listener, state, shutdown_signal()).await.context("serving HTTP")?;
            follower.abort();
            // A job cut off here is retaken by another node (or this one, restarted) once its
            // lease runs out.
            jobs.iter().for_each(tokio::task::JoinHandle::abort);
            services.close().await?;
            println!("{}", lang.t("cli.stopped"));
        }
        Command::Migrate { db } => {
            let (services, _, _) = open(&settings, db, lang).await?;
            bootstrap(&services, lang).await?;
            services.close().await?;
        }
        Command::Demo { db } => {
            let (services, _, _) = open(&settings, db, lang).await?;
            bootstrap(&services, lang).await?;
            print_demo(lang, &demo::load(&services).await?);
            services.close().await?;
        }
        Command::User { action } => return user(action, &settings, lang).await,
        Command::Search { action: SearchAction::Reindex { db } } => {
            let (services, _, url) = open(&settings, db, lang).await?;
            // Attaching rebuilds a missing or stale index; rebuild again only if it did not.
            let (services, attached) = search::attach(services, settings.search_dir(&url).as_deref()).await?;
            let rebuilt = match attached.rebuilt {
                Some(r) => r,
                None => search::rebuild(&services).await?,
            };
            println!("{}", reindexed(lang, &rebuilt));
            services.close().await?;
        }
        Command::Review { action: ReviewAction::Replay { campaign, db } } => {
            let (services, _, _) = open(&settings, db, lang).await?;
            let replay = sheji_service::review::assign::replay(&services, sheji_core::ids::CampaignId(campaign))
                .await
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            services.close().await?;
            let seed = replay.seed.map(|s| s.to_string()).unwrap_or_else(|| "—".to_owned());
            let args = [
                ("campaign", campaign.to_string()),
                ("mode", replay.mode.clone()),
                ("seed", seed),
                ("pairs", replay.pairs.to_string()),
                ("stored", replay.stored.clone()),
                ("replayed", replay.replayed.clone()),
            ];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if replay.identical() {
                println!("{}", lang.tf("cli.replay_identical", &args));
            } else {
                eprintln!("{}", lang.tf("cli.replay_differs", &args));
                std::process::exit(1);
            }
        }
        Command::Gen { scale, seed, demands, offers, db } => {
            if !(scale > 0.0 && scale <= 1000.0) {
                anyhow::bail!(lang.t("cli.gen_scale"));
            }
            let (services, _, _) = open(&settings, db, lang).await?;
            bootstrap(&services, lang).await?;
            let started = std::time::Instant::now();
            let done = sheji_service::generator::generate(&services, scale, seed, |stage, done, total| {
                let key = match stage {
                    sheji_service::generator::Stage::Organizations => "cli.gen_orgs",
                    sheji_service::generator::Stage::People => "cli.gen_people",
                };
                eprintln!("{}", lang.tf(key, &[("done", &done.to_string()), ("total", &total.to_string())]));
            })
            .await?;
            println!(
                "{}",
                lang.tf(
                    "cli.gen_done",
                    &[
                        ("orgs", &done.organizations.to_string()),
                        ("figures", &done.figures.to_string()),
                        ("accounts", &done.accounts.to_string()),
                        ("secs", &format!("{:.1}", started.elapsed().as_secs_f64())),
                        ("password", sheji_service::generator::GEN_PASSWORD),
                    ]
                )
            );
            if demands + offers > 0 {
                let (d, o) = sheji_service::generator::generate_matchmaking(&services, demands, offers, seed).await?;
                println!(
                    "{}",
                    lang.tf("cli.gen_matchmaking", &[("demands", &d.to_string()), ("offers", &o.to_string())])
                );
            }
            services.close().await?;
        }
        Command::Import { what: ImportWhat::Orgs { file, dry_run, skip_invalid, year, db } } => {
            return import_orgs(&settings, db, &file, (dry_run, skip_invalid), year, lang).await;
        }
        Command::Jobs { action: JobsAction::Ping { count, db } } => {
            let (services, _, _) = open(&settings, db, lang).await?;
            let system = sheji_service::identity::system_principal();
            for _ in 0..count {
                sheji_service::job::ping(&services, &system).await?;
            }
            services.close().await?;
            println!("{}", lang.tf("cli.jobs_queued", &[("n", &count.to_string())]));
        }
        Command::Jobs { action: JobsAction::Status { db } } => {
            let (services, _, _) = open(&settings, db, lang).await?;
            let system = sheji_service::identity::system_principal();
            let (counts, _) = sheji_service::job::list(
                &services,
                &system,
                &Default::default(),
                sheji_core::page::PageRequest::new(Some(1), Some(1)),
            )
            .await?;
            services.close().await?;
            for (status, n) in counts {
                println!("{}\t{n}", status.code());
            }
        }
        Command::Audit { action: AuditAction::Verify { db } } => {
            let (services, _, _) = open(&settings, db, lang).await?;
            let check = audit::verify(&services).await?;
            services.close().await?;
            return Ok(match check.broken {
                None => {
                    println!("{}", lang.tf("cli.audit_ok", &[("n", &check.checked.to_string())]));
                    ExitCode::SUCCESS
                }
                Some((id, why)) => {
                    eprintln!(
                        "{}",
                        lang.tf(audit::break_key(why), &[("id", &id.to_string()), ("n", &check.checked.to_string())])
                    );
                    ExitCode::FAILURE
                }
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn user(action: UserAction, settings: &Settings, lang: Lang) -> anyhow::Result<ExitCode> {
    match action {
        UserAction::Create { username, name, role, district, organization, db } => {
            let (services, _, _) = open(settings, db, lang).await?;
            let district_id = match district {
                Some(d) => resolve_district(&services, &d)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!(lang.tf("cli.no_district", &[("name", &d)])))?,
                None => String::new(),
            };
            let affiliation = AffiliationInput {
                role,
                district_id,
                organization_id: organization.map(|o| o.to_string()).unwrap_or_default(),
                until: String::new(),
            };
            let display = name.unwrap_or_else(|| username.clone());
            let result = identity::shell::create(&services, &username, &display, &affiliation).await;
            services.close().await?;
            let password = result.map_err(|e| field_errors(lang, e))?;
            println!("{}", lang.tf("cli.user_created", &[("username", &username), ("password", &password)]));
        }
        UserAction::ResetPassword { username, db } => {
            let (services, _, _) = open(settings, db, lang).await?;
            let result = identity::shell::reset_password(&services, &username).await;
            services.close().await?;
            let password = result?;
            println!("{}", lang.tf("cli.user_reset", &[("username", &username), ("password", &password)]));
        }
        UserAction::Disable { username, db } => {
            let (services, _, _) = open(settings, db, lang).await?;
            let result = identity::shell::disable(&services, &username).await;
            services.close().await?;
            result?;
            println!("{}", lang.tf("cli.user_disabled", &[("username", &username)]));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_orgs(
    settings: &Settings,
    db: DbArg,
    file: &std::path::Path,
    (dry_run, skip_invalid): (bool, bool),
    year: Option<i32>,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    use sheji_service::registry::import;
    let bytes = std::fs::read(file).map_err(|e| {
        anyhow::anyhow!(
            lang.tf("cli.file_unreadable", &[("path", &file.display().to_string()), ("detail", &e.to_string())])
        )
    })?;
    let (services, _, _) = open(settings, db, lang).await?;
    let system = identity::system_principal();
    let actor = sheji_service::audit::Actor::system();
    let upload = import::Upload::new(bytes, &file.display().to_string())?.with_year(year);
    let done = if skip_invalid && !dry_run {
        // The choice is made up front: one pass that checks and writes each chunk.
        let done = import::commit(&services, &system, &upload, &actor, lang, progress(lang, None)).await?;
        print_check(lang, &done);
        done
    } else {
        let report = import::preview(&services, &system, &upload, lang).await?;
        print_check(lang, &report);
        if dry_run {
            println!("{}", lang.t("cli.import_dry_run"));
            services.close().await?;
            return Ok(ExitCode::SUCCESS);
        }
        if report.invalid() > 0 {
            println!("{}", lang.t("cli.import_blocked"));
            services.close().await?;
            return Ok(ExitCode::FAILURE);
        }
        import::commit(&services, &system, &upload, &actor, lang, progress(lang, Some(report.data_rows()))).await?
    };
    println!(
        "{}",
        lang.tf(
            "import.result",
            &[
                ("created", &done.created.to_string()),
                ("updated", &done.updated.to_string()),
                ("unchanged", &done.unchanged.to_string()),
                ("skipped", &done.skipped.to_string())
            ]
        )
    );
    services.close().await?;
    Ok(ExitCode::SUCCESS)
}

/// Every bad row with its reasons, unknown columns, and the counts.
fn print_check(lang: Lang, report: &sheji_service::registry::import::ImportReport) {
    for (row, message) in report.bad_rows() {
        println!("{}", lang.tf("cli.import_row_error", &[("row", &row.to_string()), ("message", message)]));
    }
    if !report.unknown_columns.is_empty() {
        println!("{}", lang.tf("cli.import_unknown", &[("columns", &report.unknown_columns.join("、"))]));
    }
    use sheji_service::registry::import::YearSource;
    match report.year {
        Some((y, YearSource::Chosen)) => println!("{}", lang.tf("import.year_chosen", &[("year", &y.to_string())])),
        Some((y, YearSource::Title)) => println!("{}", lang.tf("import.year_title", &[("year", &y.to_string())])),
        None => {}
    }
    if report.noticed > 0 {
        println!("{}", lang.tf("import.noticed", &[("n", &report.noticed.to_string())]));
    }
    println!(
        "{}",
        lang.tf(
            "cli.import_checked",
            &[
                ("valid", &report.valid().to_string()),
                ("invalid", &report.invalid().to_string()),
                ("changes", &report.changes().to_string())
            ]
        )
    );
}

/// Progress on stderr: one line rewritten in place on a terminal, a line per chunk otherwise.
fn progress(lang: Lang, total: Option<u64>) -> impl FnMut(u64) {
    use std::io::{IsTerminal, Write};
    let terminal = std::io::stderr().is_terminal();
    move |done| {
        let line = match total {
            Some(total) => {
                lang.tf("cli.import_progress", &[("done", &done.to_string()), ("total", &total.to_string())])
            }
            None => lang.tf("cli.import_progress_rows", &[("done", &done.to_string())]),
        };
        let mut err = std::io::stderr().lock();
        let _ = if terminal { write!(err, "\r{line}") } else { writeln!(err, "{line}") };
        if terminal && total.is_some_and(|t| done >= t) {
            let _ = writeln!(err);
        }
    }
}

/// Field errors as one line naming each field.
fn field_errors(lang: Lang, err: ServiceError) -> anyhow::Error {
    if err.fields().is_empty() {
        return err.into();
    }
    let parts: Vec<String> =
        err.fields().iter().map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message(lang))).collect();
    anyhow::anyhow!(parts.join(" "))
}

async fn resolve_district(services: &Services, name_or_id: &str) -> anyhow::Result<Option<String>> {
    let page = reference::list_districts(
        services,
        &Default::default(),
        sheji_core::page::PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    Ok(page
        .items
        .into_iter()
        .find(|d| {
            d.id.to_string() == name_or_id
                || d.name == name_or_id
                || d.code.as_ref().is_some_and(|c| c.as_str() == name_or_id)
        })
        .map(|d| d.id.to_string()))
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
                ("pending", &v.pending.to_string())
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
