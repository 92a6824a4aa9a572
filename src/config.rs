//! Settings from command-line flags and environment variables (`LAOWU_*`, `DATABASE_URL`).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::Args;

/// Where the data lives: shared by every subcommand that touches the database.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder for the SQLite file, the search index and outgoing mail files.
    #[arg(long, env = "LAOWU_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: `laowu.db` inside the data dir.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder with the search dictionary (`dict.txt`) and synonyms (`synonyms.txt`);
    /// default `./index` when present, else the copies compiled into the binary.
    #[arg(long, env = "LAOWU_DICT_DIR")]
    pub dict_dir: Option<PathBuf>,
}

impl DataArgs {
    /// The database URL, defaulting to a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => sqlite_url(&self.data_dir.join("laowu.db")),
        }
    }

    /// The dictionary folder to use, if any.
    pub fn dict_dir(&self) -> Option<PathBuf> {
        self.dict_dir.clone().or_else(|| {
            let local = PathBuf::from("index");
            local.join("dict.txt").is_file().then_some(local)
        })
    }

    /// A configuration for command-line tools (no server settings).
    pub fn for_tool(&self) -> Config {
        let mut c = Config::for_data_dir(&self.data_dir, Some(self.database_url()));
        c.dict_dir = self.dict_dir();
        c
    }
}

/// `sqlite://PATH?mode=rwc` for a file path.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// `smtp://host:port`; `None` writes mail as .eml files under the data dir.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Mark cookies `Secure` (set when serving behind TLS).
    pub secure_cookies: bool,
    /// Public base URL for links in mail.
    pub base_url: String,
    /// Folder with `dict.txt` and `synonyms.txt`; `None` uses the compiled-in copies.
    pub dict_dir: Option<PathBuf>,
    /// Hour (China time, 0–23) from which the day's station digests are written.
    pub digest_hour: u8,
    /// How long a digest or weekly list found with nothing to send is left alone before the
    /// scheduler looks again.
    pub quiet_recheck: std::time::Duration,
    /// How often the server compares a slice of the search index with the database (and
    /// repairs what differs).
    pub index_check_every: std::time::Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`LAOWU_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpAddr>,
    /// How long an import job's claim lasts without renewal (renewed every third of it): after
    /// a node dies, another node (or the restarted one) resumes the job once it runs out.
    pub import_lease: std::time::Duration,
    /// `aliyun://KEY:SECRET@HOST:PORT?sign=…&tls=0`; `None` writes SMS as JSON files under
    /// `DATA_DIR/sms/`.
    pub sms_url: Option<String>,
    /// A file of `kind=TemplateCode` lines (`LAOWU_SMS_TEMPLATES`).
    pub sms_templates: Option<PathBuf>,
}

impl Config {
    /// Where the search index lives.
    /// The client's address of a request that came from `peer`: the last `X-Forwarded-For`
    /// entry when `peer` is a trusted proxy, else `peer` itself.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        forwarded_for
            .and_then(|h| h.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok())
            .unwrap_or(peer)
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }
}

impl Config {
    /// A configuration for tests and tools: SQLite in `data_dir`, port chosen by the OS.
    pub fn for_data_dir(data_dir: &Path, database_url: Option<String>) -> Self {
        let args = DataArgs {
            data_dir: data_dir.to_owned(),
            database_url,
            dict_dir: None,
        };
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_owned(),
            database_url: args.database_url(),
            smtp_url: None,
            mail_from: "斗门·湄潭劳务协作平台 <noreply@laowu.local>".into(),
            secure_cookies: false,
            base_url: "http://127.0.0.1:8080".into(),
            dict_dir: None,
            digest_hour: 7,
            quiet_recheck: std::time::Duration::from_secs(600),
            index_check_every: std::time::Duration::from_secs(600),
            trusted_proxies: Vec::new(),
            import_lease: std::time::Duration::from_secs(60),
            sms_url: None,
            sms_templates: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forwarded_address_counts_only_behind_a_trusted_proxy() {
        let mut c = Config::for_data_dir(Path::new("/tmp"), None);
        let nginx: IpAddr = "127.0.0.1".parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let client: IpAddr = IpAddr::from([10, 1, 2, 3]);
        // not trusted: the header is whatever the caller wrote
        assert_eq!(c.client_ip(nginx, Some("10.1.2.3")), nginx);
        c.trusted_proxies = vec![nginx];
        assert_eq!(c.client_ip(nginx, Some("10.1.2.3")), client);
        // the proxy appends the peer it saw: the last entry is the one to believe
        assert_eq!(c.client_ip(nginx, Some("6.6.6.6, 10.1.2.3")), client);
        assert_eq!(c.client_ip(nginx, Some("nonsense")), nginx);
        assert_eq!(c.client_ip(nginx, None), nginx);
        // a direct caller cannot claim an address
        assert_eq!(c.client_ip(client, Some("1.1.1.1")), client);
    }
}
