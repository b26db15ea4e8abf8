//! Recognising a hardcoded URL or host address in a string value, shared by the Rust and
//! TS/JS checks.

/// Schemes of addresses that a deployment would point elsewhere.
const SCHEMES: &[&str] = &[
    "http",
    "https",
    "ws",
    "wss",
    "ftp",
    "ftps",
    "sftp",
    "amqp",
    "amqps",
    "mqtt",
    "mqtts",
    "redis",
    "rediss",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "nats",
    "grpc",
    "grpcs",
    "tcp",
    // BitTorrent trackers (BEP 15), syslog and other datagram services.
    "udp",
    "ldap",
    "ldaps",
    "smtp",
    "smtps",
    "kafka",
    "memcached",
    "clickhouse",
    "neo4j",
    "bolt",
    "mssql",
    "sqlserver",
];

/// Hosts whose URLs are identifiers, not endpoints: XML and JSON-LD namespaces, schema ids,
/// licence texts, and addresses fixed by the platform rather than by a deployment.
const IDENTIFIER_HOSTS: &[&str] = &[
    "www.w3.org",
    "w3.org",
    "schema.org",
    "json-schema.org",
    "purl.org",
    "schemas.xmlsoap.org",
    "schemas.openxmlformats.org",
    "schemas.microsoft.com",
    "schemas.android.com",
    "ns.adobe.com",
    "xmlns.com",
    "docs.oasis-open.org",
    "www.opengis.net",
    "opensource.org",
    "spdx.org",
    "creativecommons.org",
    // Cloud instance metadata: the same address on every machine of that cloud.
    "169.254.169.254",
    "metadata.google.internal",
];

/// URL prefixes that are licence texts.
const LICENSE_PREFIXES: &[&str] = &[
    "www.apache.org/licenses",
    "www.gnu.org/licenses",
    "www.mozilla.org/mpl",
];

/// Host-and-port forms that need no scheme to be an address.
const LOCAL_HOST_PREFIXES: &[&str] = &["localhost:", "127.0.0.1:", "0.0.0.0:", "[::1]:"];

/// Whether `text` (a whole source file) can hold a value that [`find_address`] or
/// [`find_local_host`] recognises, so that a file without one skips the walks of its tree.
///
/// Each such value has a scheme separator (`://`, or `:\/\/` with escaped slashes), a
/// local host name (`localhost`, `*.local`, `host.docker.internal`), an IPv6 loopback or
/// unspecified address (`::1`, `[::]`, `"::"`), or four dot-separated numbers
/// (`127.0.0.1`, `10.0.0.5`). Matching is on the text as written: a value whose every
/// such character is an escape sequence (`"http\x3a//…"`) is not seen.
pub fn may_hold_address(text: &str) -> bool {
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
    use std::sync::LazyLock;
    // No marker starts inside another except `localhost` inside `.localhost`, which the
    // check of `.local` below looks for itself: leftmost-first matches (which the
    // vectorised searchers serve) see every marker that matters.
    const MARKERS: &[&str] = &[
        ":\\/\\/",
        "localhost",
        ".local",
        "docker.internal",
        "::1",
        "[::",
        "'::'",
        "\"::\"",
        "`::`",
    ];
    static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(MARKERS)
            .expect("the markers are a valid automaton")
    });
    let bytes = text.as_bytes();
    // Most files with an address have a URL: one vectorised search answers them.
    if memchr::memmem::find(bytes, b"://").is_some() {
        return true;
    }
    let marked = FINDER.find_iter(text).any(|found| {
        let after = found.end();
        // `.local` only as the end of a host name (not `i18n.locale`, `window.localStorage`),
        // or as the start of `.localhost`.
        MARKERS[found.pattern().as_usize()] != ".local"
            || !bytes
                .get(after)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
            || bytes
                .get(after..after + 4)
                .is_some_and(|rest| rest.eq_ignore_ascii_case(b"host"))
    });
    marked || has_dotted_quad(bytes)
}

/// Whether `bytes` has four runs of digits joined by single dots (`192.168.1.20`), the
/// shape of an IPv4 address.
fn has_dotted_quad(bytes: &[u8]) -> bool {
    // From each dot that follows a digit, the dot-joined runs of digits after it. Each run
    // is looked at from the few dots before it: linear in the text.
    memchr::memchr_iter(b'.', bytes).any(|dot| {
        if dot == 0 || !bytes[dot - 1].is_ascii_digit() {
            return false;
        }
        let mut runs = 1;
        let mut at = dot;
        while at < bytes.len() && bytes[at] == b'.' {
            let digits = bytes[at + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 0 {
                break;
            }
            runs += 1;
            if runs == 4 {
                return true;
            }
            at += 1 + digits;
        }
        false
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlMatch {
    /// The address as written, up to the first placeholder.
    pub text: String,
    pub host: String,
    /// A developer-machine or private-network host: localhost, loopback, 0.0.0.0,
    /// RFC 1918 addresses, `*.local`, `host.docker.internal` and other `*.docker.internal`.
    pub local: bool,
}

impl UrlMatch {
    /// `0.0.0.0` and `[::]`: "every interface", the address a server binds to, not a
    /// machine a client can reach.
    pub fn is_listen_address(&self) -> bool {
        matches!(self.host.as_str(), "0.0.0.0" | "[::]" | "::")
    }

    /// A telemetry agent on the loopback interface, at its protocol's standard port: the
    /// OpenTelemetry Protocol's default endpoint (`localhost:4317` for gRPC, `:4318` for
    /// HTTP, as its specification defines), the Jaeger agent (6831, 6832), StatsD (8125)
    /// and the Datadog agent (8126). These agents run beside the program in production
    /// too, as a sidecar or one per host.
    pub fn is_telemetry_agent(&self) -> bool {
        let loopback = matches!(self.host.as_str(), "localhost" | "::1" | "[::1]")
            || self.host.starts_with("127.");
        let port = self
            .text
            .split_once(&self.host)
            .map(|(_, rest)| rest)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap_or("")
            });
        loopback
            && matches!(
                port,
                Some("4317" | "4318" | "6831" | "6832" | "8125" | "8126")
            )
    }
}

/// Reserved for documentation and testing (RFC 2606, RFC 6761): never a real endpoint.
fn is_reserved_example(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|tld| host.ends_with(tld))
        || matches!(host, "example" | "test" | "invalid")
}

fn is_local(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if matches!(
        host,
        "localhost" | "0.0.0.0" | "::1" | "[::1]" | "::" | "[::]" | "host.docker.internal"
    ) || host.ends_with(".localhost")
        || host.ends_with(".local")
        // Docker Desktop's names for the host and its services (`model-runner.docker.internal`).
        || host.ends_with(".docker.internal")
        || host.starts_with("127.")
        || host.starts_with("10.")
        || host.starts_with("192.168.")
    {
        return true;
    }
    // 172.16.0.0/12
    let mut octets = host.split('.');
    octets.next() == Some("172")
        && octets
            .next()
            .and_then(|o| o.parse::<u8>().ok())
            .is_some_and(|o| (16..=31).contains(&o))
}

/// Sites people read rather than services a program calls: documentation, issue trackers,
/// source browsers. A link to them in an error message or a UI is content, not config.
fn is_documentation_link(host: &str, path: &str) -> bool {
    const READING_HOSTS: &[&str] = &[
        "docs.rs",
        "crates.io",
        "www.npmjs.com",
        "npmjs.com",
        "developer.mozilla.org",
        "stackoverflow.com",
        "en.wikipedia.org",
    ];
    const READING_PATHS: &[&str] = &[
        "/docs/",
        "/doc/",
        "/manual/",
        "/blog/",
        "/wiki",
        "/issues",
        "/discussions",
        "/blob/",
        "/tree/",
        "/pull/",
        "/go/",
        "/releases/tag/",
    ];
    const CODE_HOSTS: &[&str] = &[
        "github.com",
        "www.github.com",
        "gitlab.com",
        "bitbucket.org",
        "codeberg.org",
    ];
    if READING_HOSTS.contains(&host)
        || ["docs.", "doc.", "developer.", "learn.", "help."]
            .iter()
            .any(|p| host.starts_with(p))
    {
        return true;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    // `/docs/` inside a path, or a path that ends there: `https://acme.io/docs`.
    let trimmed = path.trim_end_matches('/');
    if READING_PATHS.iter().any(|p| path.contains(p))
        || ["/releases", "/docs", "/doc", "/manual", "/blog", "/wiki"]
            .iter()
            .any(|end| trimmed.ends_with(end))
    {
        return true;
    }
    // A repository's page (`https://github.com/org/repo`), not a download from it.
    CODE_HOSTS.contains(&host) && path.split('/').filter(|s| !s.is_empty()).count() <= 2
}

/// Schema documents named by URL (`https://vega.github.io/schema/vega-lite/v5.json`): an
/// identifier a validator compares, like an XML namespace.
fn is_schema_id(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.contains("/schema/") || path.contains("/schemas/") || path.ends_with(".schema.json")
}

/// `:0`: "any free port", for binding a listener in tests and tools, not an address.
fn is_any_port(after_host: &str) -> bool {
    after_host
        .strip_prefix(":0")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')
}

/// Whether `values` are one service's address on several local hosts: the same scheme and
/// path everywhere, a port on more than one host (`["http://127.0.0.1:11434",
/// "http://host.docker.internal:11434", "http://172.17.0.1:11434"]`, also with the port a
/// later version moved to beside the first). Such a list names the places a companion
/// program on the user's machine may answer, tried in turn, not one address a deployment
/// would set.
pub fn is_local_host_alternatives<'a>(values: impl IntoIterator<Item = &'a str>) -> bool {
    let mut hosts = std::collections::BTreeSet::new();
    let mut ports = std::collections::BTreeSet::new();
    let mut places = std::collections::BTreeSet::new();
    let mut rests = std::collections::BTreeSet::new();
    for value in values {
        let Some(address) = find_address(value, false) else {
            return false;
        };
        if !address.local || address.is_listen_address() {
            return false;
        }
        let Some((scheme, after_host)) = address.text.split_once(address.host.as_str()) else {
            return false;
        };
        let (port, path) = match after_host.strip_prefix(':') {
            Some(rest) => rest.split_at(
                rest.find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len()),
            ),
            None => ("", after_host),
        };
        rests.insert(format!("{scheme}\u{0}{path}"));
        ports.insert(port.to_string());
        places.insert((address.host.clone(), port.to_string()));
        hosts.insert(address.host);
    }
    hosts.len() >= 2 && places.len() > ports.len() && rests.len() == 1
}

/// Recognises `value` as a hardcoded address: the whole (trimmed) value is a URL with a
/// written host (`http://localhost:3000/api`, `redis://cache:6379`), or a local host with a
/// port (`127.0.0.1:8080`, `localhost:{}`). `then_placeholder` says that a template or format
/// placeholder follows the value (`localhost:${port}`).
///
/// Text with white space in it is prose (`"see https://…"`, `"listening on http://…"`), not
/// an address, and is left alone, as are URLs whose host is a placeholder (`http://{}/x`).
pub fn find_address(value: &str, then_placeholder: bool) -> Option<UrlMatch> {
    let value = value.trim();
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        return None;
    }
    if let Some(at) = value.find("://") {
        let scheme = value[..at].to_ascii_lowercase();
        if !SCHEMES.contains(&scheme.as_str()) {
            return None;
        }
        let rest = &value[at + 3..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        // Skip credentials: `postgres://user:pass@db:5432/app`.
        let after_userinfo = match rest[..authority_end].rfind('@') {
            Some(i) => &rest[i + 1..],
            None => rest,
        };
        let host = if after_userinfo.starts_with('[') {
            let end = after_userinfo.find(']')?;
            &after_userinfo[..=end]
        } else {
            let end = after_userinfo
                .find(|c: char| !is_host_char(c))
                .unwrap_or(after_userinfo.len());
            &after_userinfo[..end]
        };
        if host.is_empty() || host.starts_with(['.', '-']) {
            return None;
        }
        let after_host = &after_userinfo[host.len()..];
        // `http://api{}.com` or `http://${sub}.x.com`: the host is built, not written.
        let host_lower = host.to_ascii_lowercase();
        let host_continues = after_host.is_empty()
            && then_placeholder
            && (!host.contains('.') || host.ends_with('.'))
            && !is_local(&host_lower);
        if after_host.starts_with(['{', '$', '%']) || host_continues {
            return None;
        }
        if is_reserved_example(&host_lower) || IDENTIFIER_HOSTS.contains(&host_lower.as_str()) {
            return None;
        }
        let after_scheme_lower = rest.to_ascii_lowercase();
        if LICENSE_PREFIXES
            .iter()
            .any(|prefix| after_scheme_lower.starts_with(prefix))
        {
            return None;
        }
        let path = after_host.trim_start_matches(|c: char| c == ':' || c.is_ascii_digit());
        if is_documentation_link(&host_lower, path) || is_schema_id(path) || is_any_port(after_host)
        {
            return None;
        }
        return Some(UrlMatch {
            text: value.to_string(),
            local: is_local(&host_lower),
            host: host_lower,
        });
    }
    let lower = value.to_ascii_lowercase();
    // `localhost:3000`, or a private address with a port: `10.0.0.5:5432`.
    let prefix = match LOCAL_HOST_PREFIXES
        .iter()
        .find(|prefix| lower.starts_with(**prefix))
    {
        Some(prefix) => prefix.to_string(),
        None => {
            let (host, _) = lower.split_once(':')?;
            find_local_host(host)?;
            format!("{host}:")
        }
    };
    let port = &value[prefix.len()..];
    let port = port.split('/').next().unwrap_or("");
    let is_port = (!port.is_empty() && port.chars().all(|c| c.is_ascii_digit()))
        || port.starts_with('{')
        || (port.is_empty() && then_placeholder);
    if !is_port || port == "0" {
        return None;
    }
    let host = prefix.trim_end_matches(':').to_string();
    Some(UrlMatch {
        text: value.to_string(),
        host,
        local: true,
    })
}

/// Recognises a bare local host name or address (`localhost`, `127.0.0.1`, `10.0.0.5`,
/// `host.docker.internal`): an address only where the value is known to be a host, such as
/// the fallback of a setting or the `host` of a connection's options.
pub fn find_local_host(value: &str) -> Option<UrlMatch> {
    let value = value.trim();
    let host = value.to_ascii_lowercase();
    let is_ip = host.split('.').count() == 4 && host.split('.').all(|o| o.parse::<u8>().is_ok());
    // `.env.development.local` is a file name: every label of a host has a character.
    let labels_valid = host.split('.').all(|label| {
        !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    let is_name = labels_valid
        && (host == "localhost"
            || host == "host.docker.internal"
            || host.ends_with(".localhost")
            || host.ends_with(".local"));
    let is_ipv6 = matches!(host.as_str(), "::1" | "[::1]" | "::" | "[::]");
    if !(is_ip || is_name || is_ipv6) || !is_local(&host) {
        return None;
    }
    Some(UrlMatch {
        text: value.to_string(),
        host,
        local: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(value: &str) -> Option<(String, bool)> {
        find_address(value, false).map(|m| (m.host, m.local))
    }

    #[test]
    fn one_service_on_several_local_hosts() {
        assert!(is_local_host_alternatives([
            "http://127.0.0.1:11434",
            "http://host.docker.internal:11434",
        ]));
        assert!(is_local_host_alternatives([
            "http://localhost:8000/live",
            "http://127.0.0.1:8000/live",
            "http://localhost:13305/live",
            "http://127.0.0.1:13305/live",
        ]));
        // One host, two hosts on two ports, two paths, a public host, a single address.
        assert!(!is_local_host_alternatives([
            "http://localhost:1",
            "http://localhost:2"
        ]));
        assert!(!is_local_host_alternatives([
            "http://localhost:1",
            "http://127.0.0.1:2"
        ]));
        assert!(!is_local_host_alternatives([
            "http://localhost/a",
            "http://127.0.0.1/b"
        ]));
        assert!(!is_local_host_alternatives([
            "http://localhost:1",
            "http://acme-corp.io:1"
        ]));
        assert!(!is_local_host_alternatives(["http://localhost:1"]));
        assert!(!is_local_host_alternatives(["http://localhost:1", ""]));
    }

    #[test]
    fn files_without_an_address_are_told_apart() {
        for text in [
            "const api = process.env.API || 'http://localhost:3000';",
            "const u = \"https:\\/\\/api.acme.io\";",
            "listen({ host: 'HOST.DOCKER.INTERNAL' })",
            "const db = { host: \"10.0.0.5\" };",
            "connect('printer.local:631')",
            "server.listen(8080, '::')",
            "const a = `[::1]:${port}`;",
            "let h = \"LocalHost\";",
            "const h = 'api.localhost';",
            "const h = 'a.LOCALHOST:3000';",
            "x = 1.2; y = '172.16.0.3'",
        ] {
            assert!(may_hold_address(text), "{text}");
        }
        for text in [
            "import { locale } from './i18n';\nwindow.localStorage.setItem(i18n.locale, v);",
            "const version = '1.2.3'; const n = 1.5 + 2.25;",
            "a::before { color: red }",
            "const x = 1.2.3;",
            "const v = '1.2.3'; const w = '.1.2.3'; const n = 10..20;",
            "",
        ] {
            assert!(!may_hold_address(text), "{text}");
        }
    }

    #[test]
    fn local_hosts_are_host_names() {
        assert!(find_local_host("printer.local").is_some());
        assert!(find_local_host("localhost").is_some());
        assert!(find_local_host(".env.development.local").is_none());
        assert!(find_local_host(".local").is_none());
        assert!(find_local_host("my_file.local").is_none());
    }

    #[test]
    fn telemetry_agents() {
        let agent =
            |value: &str| find_address(value, false).is_some_and(|m| m.is_telemetry_agent());
        assert!(agent("http://localhost:4317"));
        assert!(agent("http://127.0.0.1:4318/v1/traces"));
        assert!(agent("localhost:8125"));
        assert!(!agent("http://localhost:43170"));
        assert!(!agent("http://localhost:3000"));
        assert!(
            !agent("http://10.0.0.5:4317"),
            "another machine's collector"
        );
    }

    #[test]
    fn addresses() {
        let local = |h: &str| Some((h.to_string(), true));
        let public = |h: &str| Some((h.to_string(), false));
        assert_eq!(host("http://localhost:3000/api"), local("localhost"));
        assert_eq!(host(" https://api.stripe.io/v1 "), public("api.stripe.io"));
        assert_eq!(host("ws://127.0.0.1:9944"), local("127.0.0.1"));
        assert_eq!(host("udp://localhost:6969"), local("localhost"));
        assert_eq!(
            host("udp://tracker.acme-corp.io:1337/announce"),
            public("tracker.acme-corp.io")
        );
        assert_eq!(
            host("postgres://app:secret@db.internal.corp:5432/app"),
            public("db.internal.corp")
        );
        assert_eq!(host("redis://cache:6379"), public("cache"));
        assert_eq!(host("http://[::1]:8080"), local("[::1]"));
        assert_eq!(host("http://192.168.1.20"), local("192.168.1.20"));
        assert_eq!(host("http://172.20.0.3"), local("172.20.0.3"));
        assert_eq!(host("http://172.32.0.3"), public("172.32.0.3"));
        assert_eq!(host("localhost:3000"), local("localhost"));
        assert_eq!(
            host("https://github.com/org/repo/releases/download/v1/x.tgz"),
            public("github.com")
        );
        assert_eq!(
            host("https://api.github.com/repos/org/repo"),
            public("api.github.com")
        );
        assert_eq!(host("0.0.0.0:{}"), local("0.0.0.0"));
        assert_eq!(host("10.0.0.5:5432"), local("10.0.0.5"));
        assert_eq!(
            host("host.docker.internal:8080"),
            local("host.docker.internal")
        );
        assert_eq!(
            find_address("localhost:", true).map(|m| m.local),
            Some(true)
        );
        assert_eq!(
            find_address("http://localhost:", true).map(|m| m.local),
            Some(true)
        );
        assert_eq!(
            find_address("http://localhost", true).map(|m| m.local),
            Some(true)
        );
    }

    #[test]
    fn bare_local_hosts() {
        for value in [
            "localhost",
            "127.0.0.1",
            "10.0.0.5",
            "host.docker.internal",
            "db.local",
            "::1",
            "0.0.0.0",
        ] {
            assert!(find_local_host(value).is_some(), "{value}");
        }
        for value in [
            "redis",
            "db.internal.corp",
            "8.8.8.8",
            "local",
            "",
            "localhost:3000",
            "1.2.3",
        ] {
            assert!(find_local_host(value).is_none(), "{value}");
        }
        assert!(find_local_host("0.0.0.0").unwrap().is_listen_address());
        assert!(find_address("0.0.0.0:8080", false)
            .unwrap()
            .is_listen_address());
        assert!(!find_address("http://127.0.0.1:8080", false)
            .unwrap()
            .is_listen_address());
    }

    #[test]
    fn not_addresses() {
        for value in [
            "",
            "see https://docs.rs/x for details",
            "Listening on http://localhost:3000",
            "http://",
            "http://{}:{}",
            "https://{host}/api",
            "http://%s/x",
            "/api/users",
            "./http://x",
            "localhost",
            "127.0.0.1",
            "localhost:abc",
            "file:///etc/hosts",
            "chrome://settings",
            "http://www.w3.org/2000/svg",
            "https://json-schema.org/draft/2020-12/schema",
            "https://schema.org",
            "http://www.apache.org/licenses/LICENSE-2.0",
            "https://api.example.com/v1",
            "http://foo.test/x",
            "https://example.org",
            "http://169.254.169.254/latest/meta-data",
            "mailto:someone@corp.io",
            "127.0.0.1:0",
            "http://127.0.0.1:0",
            "https://docs.deno.com/go/commonjs",
            "https://github.com/denoland/deno",
            "https://github.com/denoland/deno/issues/29904",
            "https://acme.io/docs/errors#E42",
            "https://acme.io/docs",
            "https://crates.io/crates/serde",
            "https://jsr.io/go/invalid-path",
            "https://github.com/denoland/deno/releases",
            "https://vega.github.io/schema/vega-lite/v5.json",
            "https://acme.io/api/user.schema.json",
        ] {
            assert_eq!(find_address(value, false), None, "{value:?}");
        }
        // A built host: `http://${sub}` has only the scheme before the placeholder.
        assert_eq!(find_address("http://", true), None);
        assert_eq!(
            find_address("https://api", true),
            None,
            "a template `https://api${{env}}.corp.io`"
        );
        assert_eq!(
            find_address("https://api.", true),
            None,
            "a template `https://api.${{domain}}`"
        );
    }
}
