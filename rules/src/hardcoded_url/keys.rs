//! What the name of a key says about the URL stored under it, shared by the TS/JS check
//! (object literal keys, JSX attributes) and the Rust check (struct literal fields).

/// Words of a key that name something people look at or follow: a picture, a profile, a
/// page. `{ avatar: "https://…" }`, `imgSrc`, `profile_image_url`, `homepage`: content
/// shown to people, not an endpoint the program calls.
const PEOPLE_WORDS: &[&str] = &[
    "avatar",
    "image",
    "images",
    "img",
    "logo",
    "icon",
    "favicon",
    "thumbnail",
    "thumb",
    "photo",
    "picture",
    "banner",
    "cover",
    "poster",
    "screenshot",
    "href",
    "cite",
    "link",
    "links",
    "permalink",
    "website",
    "homepage",
    "profile",
    "twitter",
    "github",
    "linkedin",
    "facebook",
    "instagram",
    "youtube",
    "mastodon",
    "discord",
    "placeholder",
    "docs",
    "doc",
    "documentation",
    "help",
    "terms",
    "tos",
    "privacy",
    "policy",
    "legal",
    "license",
    "licence",
    "tutorial",
    "guide",
    "learn",
    "support",
    "example",
    "examples",
    "sample",
    // Sample values an e-mail or component is previewed with (react-email's
    // `PreviewProps`, `previewDefaults`).
    "preview",
    "more",
    "readme",
    "changelog",
    "blog",
    "faq",
];

/// Words of a key that name something the program calls or configures. They win over
/// [`PEOPLE_WORDS`]: `avatarApi`, `imageUploadEndpoint`, `discordWebhook` are endpoints.
const ENDPOINT_WORDS: &[&str] = &[
    "api",
    "endpoint",
    "endpoints",
    "base",
    "host",
    "hostname",
    "origin",
    "origins",
    "server",
    "rpc",
    "webhook",
    "callback",
    "redirect",
    "socket",
    "ws",
    "wss",
    "graphql",
    "gateway",
    "proxy",
    "registry",
    "backend",
    "upload",
    "download",
    "db",
    "database",
    "dsn",
    "broker",
    "addr",
    "address",
];

/// Words that name an address without saying what for: an endpoint unless the key also
/// names a picture or a page (`url` and `apiUri` are endpoints, `logoUrl` is content).
const ADDRESS_WORDS: &[&str] = &["url", "urls", "uri", "uris"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A link or a picture for people.
    People,
    /// An address the program calls.
    Endpoint,
    /// An address of some kind (`url`, `uri`): an endpoint, except inside content.
    Address,
    /// Says nothing either way (`url`, `value`, `default`).
    Neutral,
}

/// Splits `imgSrc`, `profile_image_url`, `og-image`, `baseURL` into lowercase words.
pub fn words(key: &str) -> Vec<String> {
    prodlint_core::modes::name_words(key)
}

/// What the key `key` says about its value.
pub fn key_kind(key: &str) -> KeyKind {
    let words = words(key);
    if words.iter().any(|w| ENDPOINT_WORDS.contains(&w.as_str())) {
        KeyKind::Endpoint
    } else if words.iter().any(|w| PEOPLE_WORDS.contains(&w.as_str())) {
        KeyKind::People
    } else if words.iter().any(|w| ADDRESS_WORDS.contains(&w.as_str())) {
        KeyKind::Address
    } else {
        KeyKind::Neutral
    }
}

/// Whether the key names an address the program uses (`apiUrl`, `url`, `DATABASE_URL`).
pub fn names_endpoint(key: &str) -> bool {
    matches!(key_kind(key), KeyKind::Endpoint | KeyKind::Address)
}

/// Whether `key` names a credential and `value` is a placeholder for one, for people to
/// replace: `apiKey: "ENTER_API_KEY_HERE"`, `token: "<your token>"`, `password:
/// "your-password"`. A weak default (`"changeme"`, `"admin"`) is not a placeholder: it
/// works as written.
pub fn is_placeholder_secret(key: &str, value: &str) -> bool {
    let secret = words(key).iter().any(|w| {
        matches!(
            w.as_str(),
            "key" | "apikey" | "token" | "secret" | "password" | "passwd"
        )
    });
    let value = value.trim();
    let placeholder = (value.starts_with('<') && value.ends_with('>'))
        || words(value)
            .iter()
            .any(|w| matches!(w.as_str(), "your" | "here" | "enter" | "replace"));
    secret && placeholder
}

/// Whether the key names where an OAuth or login flow sends the user back
/// (`redirect_uri`, `callbackUrl`).
pub fn names_redirect(key: &str) -> bool {
    words(key)
        .iter()
        .any(|w| matches!(w.as_str(), "redirect" | "callback"))
}

/// The last segment of a setting's written name: `host` in `options.host`, `HOST` in
/// `env.HOST`.
fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Whether a setting names the address the program itself listens on: `HOST`, `HOSTNAME`
/// (the variables Node servers, Nuxt and Next read for their listener), `BIND_ADDRESS`,
/// `listen_addr`, `LISTEN_HOST`. A local address as its default keeps the listener on
/// the loopback interface, a deliberate choice, not a call to a developer's machine.
pub fn names_listen_setting(name: &str) -> bool {
    let last = last_segment(name);
    let words = words(last);
    // Only the bare environment variable: `options.host` or `redisHost` may as well be a
    // client's target.
    matches!(last, "HOST" | "HOSTNAME")
        || words
            .iter()
            .any(|w| matches!(w.as_str(), "listen" | "bind" | "listener"))
}

/// Whether a setting names a deployment's environment or mode (`NODE_ENV`, `VERCEL_ENV`,
/// `environment`, `stage`): its fallback is the name of an environment (`"localhost"` as
/// a stage's name), not an address.
pub fn names_environment(name: &str) -> bool {
    words(last_segment(name))
        .last()
        .is_some_and(|w| matches!(w.as_str(), "env" | "environment" | "stage" | "mode"))
}

/// Keys whose values are identifiers that look like URLs: schema and JSON-LD ids, XML
/// namespaces, and link relation types (`rel: "http://webfinger.net/rel/profile-page"`,
/// RFC 8288).
pub fn is_identifier_key(key: &str) -> bool {
    matches!(
        key,
        "$schema"
            | "$id"
            | "$ref"
            | "@context"
            | "@id"
            | "@type"
            | "namespace"
            | "xmlns"
            | "rel"
            | "scope"
            | "scopes"
            | "audience"
            | "issuer"
            | "iss"
            | "aud"
    ) || key.starts_with("xmlns")
}

/// Keys of allow-lists: what a page may load (CSP directives), which hosts may connect or
/// be linked to. Their values are permissions, not where the program goes.
pub fn is_allow_list_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase().replace(['-', '_'], "");
    lower == "contentsecuritypolicy"
        || lower == "csp"
        || lower == "directives"
        || (lower.ends_with("src") && lower.len() > 3)
        || lower.contains("allowlist")
        || lower.contains("whitelist")
        || lower.contains("allowedhost")
        || lower.contains("alloweddomain")
        || lower.contains("trusteddomain")
        || lower.contains("trustedhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("imgSrc"), ["img", "src"]);
        assert_eq!(words("profile_image_url"), ["profile", "image", "url"]);
        assert_eq!(words("baseURL"), ["base", "url"]);
        assert_eq!(words("og-image"), ["og", "image"]);
        assert_eq!(words("xlink:href"), ["xlink", "href"]);
    }

    #[test]
    fn kinds() {
        for key in [
            "avatar",
            "imgSrc",
            "profile_image_url",
            "homepage",
            "logoUrl",
            "link",
            "xlinkHref",
        ] {
            assert_eq!(key_kind(key), KeyKind::People, "{key}");
        }
        for key in [
            "baseURL",
            "apiUrl",
            "avatarApi",
            "discordWebhook",
            "endpoint",
            "host",
            "rpcUrls",
            "serverAddr",
        ] {
            assert_eq!(key_kind(key), KeyKind::Endpoint, "{key}");
        }
        for key in ["url", "DATABASE_URL", "expanded_url", "redirectUri"] {
            assert!(names_endpoint(key), "{key}");
        }
        assert_eq!(key_kind("url"), KeyKind::Address);
        for name in [
            "HOST",
            "env.HOST",
            "BIND_ADDRESS",
            "listen_addr",
            "LISTEN_HOST",
        ] {
            assert!(names_listen_setting(name), "{name}");
        }
        for name in ["options.host", "REDIS_HOST", "host", "API_URL", "blindSpot"] {
            assert!(!names_listen_setting(name), "{name}");
        }
        for name in [
            "NODE_ENV",
            "process.env.VERCEL_ENV",
            "config.environment",
            "stage",
        ] {
            assert!(names_environment(name), "{name}");
        }
        for name in ["DEV_ENV_URL", "envUrl", "REDIS_HOST", "modem"] {
            assert!(!names_environment(name), "{name}");
        }
        for key in ["value", "default", "source", "name"] {
            assert_eq!(key_kind(key), KeyKind::Neutral, "{key}");
        }
    }
}
