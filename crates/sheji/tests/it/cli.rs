//! The `sheji` binary as an operator runs it: serve comes up ready on an empty SQLite file and
//! stops cleanly on SIGTERM; bad databases are refused in one line with a non-zero exit.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sheji_service::Backend;

use crate::support::{backend_tests, fresh_db};

fn sheji(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sheji"));
    cmd.current_dir(dir)
        .env_remove("SHEJI_DB")
        .env_remove("SHEJI_BIND")
        .env_remove("SHEJI_CONFIG")
        .env("SHEJI_LANG", "zh_CN.UTF-8")
        .env("RUST_LOG", "warn");
    cmd
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sheji_cli_{tag}_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, response))
}

#[tokio::test]
async fn serve_on_an_empty_sqlite_file_comes_up_ready_and_stops_on_sigterm() {
    let dir = temp_dir("serve");
    let mut child = sheji(&dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn sheji");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let started = Instant::now();
    let mut addr = None;
    while addr.is_none() && started.elapsed() < Duration::from_secs(30) {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
            && let Some(rest) = line.split("http://").nth(1)
        {
            addr = rest.split(['（', ' ', '(']).next().map(str::to_owned);
        }
    }
    let addr = addr.expect("serve prints the URL it serves");
    let (status, _) = http_get(&addr, "/readyz").await.expect("readyz answers");
    assert_eq!(status, 200);
    assert!(dir.join("sheji.db").exists(), "the default database file is created in the working folder");
    let (status, body) = http_get(&addr, "/districts?status=abolished").await.expect("page");
    assert_eq!(status, 200);
    assert!(body.contains("江北区"), "reference data is seeded on first start");

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "sheji did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "graceful shutdown exits 0: {status}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn malformed_database_urls_fail_in_one_line_and_write_nothing() {
    let dir = temp_dir("badurl");
    for bad in ["sheji.db", "oracle://db/x", "postgres://", "sqlite://"] {
        let out = sheji(&dir).args(["migrate", "--db", bad]).output().expect("run");
        assert!(!out.status.success(), "{bad} accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line for {bad}: {stderr}");
        assert!(
            lines[0].contains("数据库地址无效") && lines[0].contains("sqlite://sheji.db"),
            "says what to do: {stderr}"
        );
    }
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0, "nothing was written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unreachable_server_fails_fast_with_a_hint() {
    let dir = temp_dir("unreachable");
    let started = Instant::now();
    let out = sheji(&dir).args(["migrate", "--db", "postgres://postgres@127.0.0.1:9/sheji"]).output().expect("run");
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(20), "gives up within the connect timeout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("无法连接数据库") && stderr.contains("请确认数据库服务已启动"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn configuration_file_is_read_and_bad_keys_are_refused() {
    let dir = temp_dir("config");
    std::fs::write(dir.join("sheji.toml"), "db = \"sqlite://from-config.db\"\n").expect("write");
    let out = sheji(&dir).arg("migrate").output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("from-config.db").exists(), "the file's database is used");
    std::fs::write(dir.join("sheji.toml"), "dbb = 1\n").expect("write");
    let out = sheji(&dir).arg("migrate").output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sheji.toml"));
    let _ = std::fs::remove_dir_all(dir);
}

backend_tests!(migrate_twice_prints_the_same_version, migrate_refuses_a_newer_schema);

async fn migrate_twice_prints_the_same_version(backend: Backend) {
    let Some(db) = fresh_db(backend).await else { return };
    let dir = temp_dir("migrate");
    let run = || sheji(&dir).args(["migrate", "--db", db.url().as_str()]).output().expect("run");
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let first = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(first.contains("已导入参考数据"), "{first}");
    let second = run();
    assert!(second.status.success());
    let second = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(!second.contains("已导入参考数据"), "nothing seeded the second time: {second}");
    let version = |s: &str| s.lines().find(|l| l.contains("数据库结构版本")).map(str::to_owned);
    assert_eq!(version(&first), version(&second));
    assert!(version(&second).is_some_and(|v| v.contains("待执行迁移 0 个")));

    let demo = sheji(&dir).args(["demo", "--db", db.url().as_str()]).output().expect("demo");
    assert!(String::from_utf8_lossy(&demo.stdout).contains("新增 240 家"));
    let demo = sheji(&dir).args(["demo", "--db", db.url().as_str()]).output().expect("demo");
    assert!(String::from_utf8_lossy(&demo.stdout).contains("演示数据已存在"));
    db.drop_db().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn migrate_refuses_a_newer_schema(backend: Backend) {
    let Some(db) = fresh_db(backend).await else { return };
    let dir = temp_dir("newer");
    let ok = sheji(&dir).args(["migrate", "--db", db.url().as_str()]).output().expect("run");
    assert!(ok.status.success());
    sheji_store::testing::record_foreign_migration(db.url(), "m20991231_000001_future").await.expect("record");
    let out = sheji(&dir).args(["serve", "--db", db.url().as_str(), "--bind", "127.0.0.1:0"]).output().expect("run");
    assert!(!out.status.success(), "serve must not start on a newer schema");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("m20991231_000001_future") && stderr.contains("请升级 sheji"), "{stderr}");
    db.drop_db().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// `sheji search reindex` rebuilds the index from the records and says how many, how long and
/// how big; a second run reuses nothing but rebuilds again.
#[test]
fn search_reindex_rebuilds_from_the_records() {
    let dir = temp_dir("reindex");
    let demo = sheji(&dir).arg("demo").output().expect("run demo");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    // Every demo login is printed, its columns lined up by display width (Chinese role names
    // take two columns a character): each place starts in the same column.
    let printed = String::from_utf8_lossy(&demo.stdout);
    let logins: Vec<&str> = printed.lines().filter(|l| l.starts_with("  ")).collect();
    let names: Vec<&str> = logins.iter().filter_map(|l| l.split_whitespace().next()).collect();
    for user in
        ["sysadmin", "city", "hqstaff", "bishan", "expert", "expert6", "orgadmin", "member", "designer", "newcomer"]
    {
        assert!(names.contains(&user), "{user} is printed: {printed}");
    }
    let place_column = |line: &str| {
        let mut words = line.split_whitespace();
        let (_, _, place) = (words.next(), words.next(), words.next().unwrap_or_default());
        line.rfind(place).map(|at| unicode_width::UnicodeWidthStr::width(&line[..at]))
    };
    let columns: std::collections::BTreeSet<Option<usize>> = logins.iter().map(|l| place_column(l)).collect();
    assert_eq!(columns.len(), 1, "{printed}");
    for _ in 0..2 {
        let out = sheji(&dir).args(["search", "reindex"]).output().expect("run reindex");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        // 240 organizations, the demo's 7 demands past their draft and its 7 offers.
        assert!(text.contains("检索索引已重建：254 条记录"), "{text}");
    }
    assert!(dir.join("data/search/meta.json").exists(), "the index is kept in the data folder");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Checks queued from the shell wait for a node; the status command counts them.
#[test]
fn jobs_queued_from_the_shell_wait_for_a_node() {
    let dir = temp_dir("jobs");
    let ping = sheji(&dir).args(["jobs", "ping", "--count", "3", "--db", "sqlite://sheji.db"]).output().expect("run");
    assert!(ping.status.success(), "{}", String::from_utf8_lossy(&ping.stderr));
    assert!(String::from_utf8_lossy(&ping.stdout).contains("已提交 3 个检查任务"));
    let status = sheji(&dir).args(["jobs", "status", "--db", "sqlite://sheji.db"]).output().expect("run");
    let out = String::from_utf8_lossy(&status.stdout);
    assert!(out.lines().any(|l| l == "queued\t3"), "{out}");
    assert!(out.lines().any(|l| l == "done\t0"), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}
