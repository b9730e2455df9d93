//! The config file, `acs-triage.toml` (or `--config FILE`): what a nightly run takes, so that
//! the crontab line stays `acs-triage report`. Its keys are the long flags' names; a flag given
//! on the command line wins over the file. Read with the `toml` crate and serde: an unknown
//! key, a value of the wrong type or a bad value is an error naming the file, line and key.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use crate::catalogue::KeySpec;

/// The file read when no `--config` is given and it exists in the working directory.
pub const DEFAULT_FILE: &str = "acs-triage.toml";

/// Files larger than this are not config files.
const MAX_BYTES: u64 = 1 << 20;

/// A value and where it stood.
pub type At<T> = Spanned<T>;

/// Everything the file may hold, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    /// Files or directories to read.
    #[serde(default, deserialize_with = "paths")]
    pub inputs: Option<Vec<PathBuf>>,
    #[serde(default, deserialize_with = "directory")]
    pub out: Option<PathBuf>,
    #[serde(default, deserialize_with = "comma_list")]
    pub format: Option<At<Vec<String>>>,
    pub since: Option<At<toml::Value>>,
    pub until: Option<At<toml::Value>>,
    pub bucket: Option<At<String>>,
    pub max_bad: Option<At<toml::Value>>,
    pub progress: Option<At<String>>,
    pub quiet: Option<bool>,
    pub fail_on_spike: Option<At<toml::Value>>,
    pub input_format: Option<At<String>>,
    pub date_order: Option<At<String>>,
    pub local_offset: Option<At<String>>,
    pub local_tz: Option<At<String>>,
    #[serde(default, deserialize_with = "list")]
    pub resource: Option<At<Vec<String>>>,
    #[serde(default, deserialize_with = "directory")]
    pub history: Option<PathBuf>,
    pub day: Option<At<toml::Value>>,
    pub spike_p: Option<At<toml::Value>>,
    pub spike_min_count: Option<At<toml::Value>>,
    pub spike_min_ratio: Option<At<toml::Value>>,
    pub spike_min_excess: Option<At<toml::Value>>,
    pub spikes_by: Option<At<String>>,
    #[serde(default, deserialize_with = "list")]
    pub retired: Option<At<Vec<String>>>,
    pub volume_low_ratio: Option<At<toml::Value>>,
    #[serde(default, deserialize_with = "paths")]
    pub catalogue: Option<Vec<PathBuf>>,
    pub no_builtin_catalogue: Option<bool>,
    #[serde(default, deserialize_with = "outcomes")]
    pub outcomes: Option<Outcomes>,
}

/// The value of a key that a repeatable flag fills: an array of strings, or one string, as the
/// flag is given once (`inputs = "logs/"`, `resource = "acs-prod*"`).
struct Strings(Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strings, D::Error> {
        struct StringsVisitor;
        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Strings, E> {
                Ok(Strings(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut all = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    all.push(s);
                }
                Ok(Strings(all))
            }
        }
        d.deserialize_any(StringsVisitor)
    }
}

/// `resource`, `retired`: an array of strings or one string.
fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<At<Vec<String>>>, D::Error> {
    let v = At::<Strings>::deserialize(d)?;
    Ok(Some(At::new(v.span(), v.into_inner().0)))
}

/// `format`: as `list`, and a string holds a list as the flag takes it (`format = "csv,md"`).
fn comma_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<At<Vec<String>>>, D::Error> {
    let v = At::<Strings>::deserialize(d)?;
    let span = v.span();
    let items: Vec<String> = (v.into_inner().0.iter())
        .flat_map(|s| s.split(',').map(|f| f.trim().to_string()))
        .collect();
    // The flag takes one format at least; an empty list wrote rejects.csv alone (rev70a F3).
    if items.is_empty() {
        return Err(de::Error::custom(
            "an empty list writes no report: give one or more of csv, md, json, html, or leave the key out for all four",
        ));
    }
    Ok(Some(At::new(span, items)))
}

/// `inputs`, `catalogue`: paths, an array of them or one; an empty one is refused, as the
/// flag refuses `''`.
fn paths<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<PathBuf>>, D::Error> {
    let v = Strings::deserialize(d)?;
    if v.0.iter().any(String::is_empty) {
        return Err(de::Error::custom(
            "\"\" is an empty path: it names no file or directory",
        ));
    }
    Ok(Some(v.0.into_iter().map(PathBuf::from).collect()))
}

/// `out`, `history`: a directory's path. An empty one is refused, as `--out ''` is: taken, it
/// wrote into the working directory (a template whose variable was unset, rev70a F3).
fn directory<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    let p = PathBuf::deserialize(d)?;
    match p.as_os_str().is_empty() {
        true => Err(de::Error::custom(
            "\"\" is an empty path: it names no directory (the working directory is \".\")",
        )),
        false => Ok(Some(p)),
    }
}

/// `[outcomes]`: a table, and anything else said so in the file's words (`outcomes = 5`,
/// `[[outcomes]]`), where serde's names a Rust type (`expected struct Outcomes`).
fn outcomes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Outcomes>, D::Error> {
    struct Table;
    impl<'de> Visitor<'de> for Table {
        type Value = Outcomes;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table of the lists caller and failure")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Outcomes, A::Error> {
            Err(de::Error::custom(
                "an array of tables (a header in double brackets): write the table once, its header in single brackets, holding the lists caller and failure",
            ))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Outcomes, A::Error> {
            Outcomes::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(Table).map(Some)
}

/// `[outcomes]`: keys added to the caller class, and keys that are failures whatever the
/// shipped list says.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    #[serde(default)]
    pub caller: Vec<KeySpec>,
    #[serde(default)]
    pub failure: Vec<KeySpec>,
}

/// A config file and its text, to say where a value stood.
#[derive(Debug, Default)]
pub struct Loaded {
    pub path: PathBuf,
    text: String,
    pub config: FileConfig,
}

/// A bad config file: one line, naming the file, the line and the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    line_of_bytes(text.as_bytes(), at)
}

impl Loaded {
    /// An error about `key`, whose value stood at `span`.
    pub fn error(&self, key: &str, span: std::ops::Range<usize>, why: &str) -> ConfigError {
        ConfigError(format!(
            "config {}:{}: {key}: {why}",
            crate::text::path(&self.path),
            line_of(&self.text, span.start)
        ))
    }

    /// `value` parsed by `parse` (a flag's own parser), or an error naming the key.
    pub fn parse<T, V>(
        &self,
        key: &str,
        value: &At<V>,
        parse: impl Fn(&V) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        parse(value.get_ref()).map_err(|why| self.error(key, value.span(), &why))
    }
}

/// The config file a run reads: `path`, or `acs-triage.toml` in the working directory when
/// `path` is `None` and the file exists.
pub fn path(path: Option<&Path>) -> Option<PathBuf> {
    match path {
        Some(p) => Some(p.to_path_buf()),
        None if Path::new(DEFAULT_FILE).is_file() => Some(PathBuf::from(DEFAULT_FILE)),
        None => None,
    }
}

/// Reads [`path`]'s file; `None` when there is no config.
pub fn load(given: Option<&Path>) -> Result<Option<Loaded>, ConfigError> {
    let Some(path) = path(given) else {
        return Ok(None);
    };
    let cannot =
        |e: &dyn fmt::Display| ConfigError(format!("config {}: {e}", crate::text::path(&path)));
    let meta = std::fs::metadata(&path).map_err(|e| cannot(&e))?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return Err(cannot(
            &"not a config file (a regular file of at most 1 MiB)",
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| cannot(&e))?;
    let text = utf8(bytes).map_err(|(line, why)| {
        ConfigError(format!("config {}:{line}: {why}", crate::text::path(&path)))
    })?;
    let config: FileConfig = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(&text, s.start));
        // toml's message without its own rendering of the line, after the key of that line
        // when it does not name it (`invalid type: ...`, `duplicate key`), or of the array
        // whose elements it is about.
        // It quotes the file's text (an unknown key as written): no control character or
        // bidi control of it reaches the terminal.
        let why = crate::text::line(&plainly(e.message().trim()));
        // An array's elements are said of its key and the line it opens on: an array left
        // open is found wrong at the next key (`out: missing comma between array elements`).
        let in_array = why.contains("array") && !why.contains("array table");
        let lines: Vec<&str> = match in_array {
            true => text.lines().take(line).collect(),
            false => Vec::new(),
        };
        let opens = lines.iter().enumerate().rev().find_map(|(i, l)| {
            let (k, v) = l.split_once('=')?;
            (v.trim_start().starts_with('[')).then_some((i + 1, key_of(k)?))
        });
        // A table's header names its key (`[[outcomes]]`).
        let key = (text.lines().nth(line.saturating_sub(1))).and_then(|l| {
            match l.trim().strip_prefix('[') {
                Some(header) => key_of(header.trim_start_matches('[').split(']').next()?),
                None => key_of(l.split_once('=')?.0),
            }
        });
        let why = match (opens, key) {
            (Some((at, k)), _) if at != line => {
                format!("{k} (its array opens on line {at}): {why}")
            }
            (Some((_, k)), _) | (None, Some(k)) if !why.contains(k) => format!("{k}: {why}"),
            _ => why,
        };
        ConfigError(format!("config {}:{line}: {why}", crate::text::path(&path)))
    })?;
    Ok(Some(Loaded { path, text, config }))
}

/// A config file's bytes as its text, or the line and why they are not TOML's UTF-8 (rev70a F1:
/// std's `stream did not contain valid UTF-8`), after the key of that line. A file saved as
/// UTF-16 (Windows PowerShell 5's `>`, Notepad's "Unicode") is said to be one.
fn utf8(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    const SAVE: &str = "a TOML file is UTF-8: save it as UTF-8";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((1, format!("the file is UTF-16 text; {SAVE}")));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = line_of_bytes(bytes, at);
        // The key of the line, when the byte is after its `=`.
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let before = std::str::from_utf8(&bytes[start..at]).unwrap_or_default();
        let key = (before.split_once('=')).and_then(|(k, _)| key_of(k));
        let key = key.map_or(String::new(), |k| format!("{k}: "));
        (
            line,
            format!(
                "{key}a byte that is not UTF-8 (0x{:02X}); {SAVE}",
                bytes[at]
            ),
        )
    })
}

/// 1-based line of byte offset `at` in `bytes`.
fn line_of_bytes(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1
}

/// The key of a line's text before its `=`, when it is a bare key (`spike-p`, `min_n`).
fn key_of(before: &str) -> Option<&str> {
    let k = before.trim();
    let bare = k
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"-_".contains(&c));
    (!k.is_empty() && bare).then_some(k)
}

/// toml's message said plainly where it names its own types: an integer past i64 is `invalid
/// type: integer `N` as i128, expected any valid TOML value`.
/// serde names types its own way (`invalid type: sequence, expected path string`).
fn plainly(message: &str) -> std::borrow::Cow<'_, str> {
    let past = (message.strip_prefix("invalid type: integer `"))
        .and_then(|rest| rest.split_once("` as i128"))
        .map(|(n, _)| n);
    match past {
        Some(n) => {
            let (what, end) = match n.starts_with('-') {
                true => ("small", i64::MIN),
                false => ("large", i64::MAX),
            };
            format!("{n} is too {what} a number (TOML's integers go to {end})").into()
        }
        // serde's names of the types (`sequence`, `map`, `path string`, rev70a F1) in TOML's.
        None => SERDE_WORDS
            .iter()
            .fold(message.to_string(), |m, (serde, toml)| {
                m.replace(serde, toml)
            })
            .into(),
    }
}

/// serde's words for a value's type in its messages, and TOML's for them.
const SERDE_WORDS: [(&str, &str); 4] = [
    ("invalid type: sequence", "invalid type: array"),
    ("invalid type: map", "invalid type: table"),
    ("expected a sequence", "expected an array"),
    ("expected path string", "expected a path (a string)"),
];

/// A TOML scalar as the text a flag would be given: `0.001`, `10`, `"1%"` as `1%`, `true`.
pub fn scalar(v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        other => Err(format!(
            "expected a number or a string, found {}",
            other.type_str()
        )),
    }
}

/// A time's text, for `since`, `until` and `day`: a string as the flag takes it, or a TOML
/// date or date-time (`since = 2026-11-24`, `until = 2026-11-25T06:00:00Z`) as it is written,
/// since a TOML file's author writes them unquoted. A local date-time names no zone, and a time
/// of day no day: said so, not taken as UTC.
pub fn time_text(v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Datetime(d) if d.date.is_some() && d.time.is_some() && d.offset.is_none() => {
            Err(format!(
                "{d} names no zone: write it with one, {d}Z for UTC"
            ))
        }
        toml::Value::Datetime(d) if d.date.is_none() => {
            Err(format!("{d} is a time of day without its date"))
        }
        toml::Value::Datetime(d) => {
            // TOML 1.1 lets the seconds go (`10:00Z`), RFC 3339 does not.
            let mut d = *d;
            if let Some(t) = &mut d.time {
                t.second.get_or_insert(0);
            }
            Ok(d.to_string())
        }
        other => Err(format!(
            "expected a date, a date-time or a string, found {}",
            other.type_str()
        )),
    }
}

/// A number's text, for the keys that take only a number (`spike-p = 0.01`): a string there
/// is a mistake in the file's types, as it is for the whole-number keys.
pub fn number(v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) => scalar(v),
        other => Err(format!("expected a number, found {}", other.type_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Option<Loaded>, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, text).unwrap();
        load(Some(&p)).map(|l| {
            l.map(|mut l| {
                l.path = PathBuf::from("c.toml");
                l
            })
        })
    }

    #[test]
    fn a_list_key_takes_one_string_as_its_flag_does() {
        let l = load_text("inputs = \"logs/\"\nformat = \"csv, md\"\nresource = \"acs-prod*\"\nretired = [\"a\", \"b\"]\ncatalogue = \"ours.md\"\n")
            .unwrap()
            .unwrap()
            .config;
        assert_eq!(l.inputs, Some(vec![PathBuf::from("logs/")]));
        assert_eq!(l.format.unwrap().into_inner(), ["csv", "md"]);
        assert_eq!(l.resource.unwrap().into_inner(), ["acs-prod*"]);
        assert_eq!(l.retired.unwrap().into_inner(), ["a", "b"]);
        assert_eq!(l.catalogue, Some(vec![PathBuf::from("ours.md")]));
        let l = load_text("format = [\"csv\", \"html\"]\n")
            .unwrap()
            .unwrap()
            .config;
        assert_eq!(l.format.unwrap().into_inner(), ["csv", "html"]);
        let l = load_text("out = \"r\"\n").unwrap().unwrap().config;
        assert!(l.inputs.is_none() && l.format.is_none() && l.catalogue.is_none());
        let e = load_text("out = \"r\"\nresource = [1]\n").unwrap_err();
        assert!(
            e.0.contains(":2: resource: invalid type: integer `1`, expected a string"),
            "{e}"
        );
    }

    #[test]
    fn keys_are_the_flags_names_and_errors_say_file_line_and_key() {
        let l = load_text("inputs = [\"samples/\"]\nout = \"reports/\"\nmax-bad = \"2%\"\n\n[outcomes]\ncaller = [\"404/8522\"]\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            l.config.inputs.as_deref(),
            Some(&[PathBuf::from("samples/")][..])
        );
        assert_eq!(
            l.config.outcomes.unwrap().caller,
            vec![KeySpec::Pair(404, 8522)]
        );
        let e = load_text("out = \"r\"\nfomat = [\"csv\"]\n").unwrap_err();
        assert!(e.0.starts_with("config "), "{e}");
        assert!(e.0.contains(":2: unknown field `fomat`"), "{e}");
        // A key's escape sequence is not echoed to the terminal.
        let e = load_text(concat!(r#""\u001b[31mred\u202e" = 1"#, "\n")).unwrap_err();
        assert!(!e.0.contains('\x1b') && !e.0.contains('\u{202e}'), "{e}");
        assert!(e.0.contains("\u{FFFD}[31mred"), "{e}");
        // Nor a left-to-right mark, which is no control character.
        let e = load_text(concat!(r#""a\u200eb" = 1"#, "\n")).unwrap_err();
        assert!(!e.0.contains('\u{200e}'), "{e}");
        assert!(e.0.contains("a\u{FFFD}b"), "{e}");
        let e = load_text("out = 3\n").unwrap_err();
        assert!(e.0.contains(":1: out: "), "{e}");
        // A message of toml's that does not name its key gets it.
        let e = load_text("inputs = 3\n").unwrap_err();
        assert!(
            e.0.contains(
                ":1: inputs: invalid type: integer `3`, expected a string or an array of strings"
            ),
            "{e}"
        );
        let e = load_text("out = \"a\"\nout = \"b\"\n").unwrap_err();
        assert!(e.0.contains(":2: out: "), "{e}");
        // Times: a string, or a TOML date or date-time.
        for (text, want) in [
            ("since = 2026-11-24\n", Ok("2026-11-24")),
            ("since = \"2026-11-24\"\n", Ok("2026-11-24")),
            (
                "since = 2026-11-24T10:00:00Z\n",
                Ok("2026-11-24T10:00:00Z"),
            ),
            (
                "since = 2026-11-24T10:00:00.5+01:00\n",
                Ok("2026-11-24T10:00:00.5+01:00"),
            ),
            (
                "since = 2026-11-24T10:00:00\n",
                Err("2026-11-24T10:00:00 names no zone: write it with one, 2026-11-24T10:00:00Z for UTC"),
            ),
            ("until = 2026-11-24T10:00Z\n", Ok("2026-11-24T10:00:00Z")),
            (
                "since = 10:00:00\n",
                Err("10:00:00 is a time of day without its date"),
            ),
            (
                "since = 3\n",
                Err("expected a date, a date-time or a string, found integer"),
            ),
        ] {
            let l = load_text(text).unwrap().unwrap();
            let v = (l.config.since.as_ref().or(l.config.until.as_ref())).unwrap();
            assert_eq!(time_text(v.get_ref()).as_deref(), want.map_err(str::to_string).as_deref(), "{text}");
        }
        let e = load_text("[outcomes]\ncaller = [\"48x\"]\n").unwrap_err();
        assert!(
            e.0.contains(":2: ") && e.0.contains("\"48x\" is not a key"),
            "{e}"
        );
        // A number's key takes no string (`spike-p = "0.01"`).
        for (text, want) in [
            (
                "spike-p = 2.0\n",
                "config c.toml:1: spike-p: \"2\" is not a p-value in (0, 1]",
            ),
            (
                "spike-p = \"0.01\"\n",
                "config c.toml:1: spike-p: expected a number, found string",
            ),
        ] {
            let l = load_text(text).unwrap().unwrap();
            let v = l.config.spike_p.as_ref().unwrap();
            let e = l
                .parse("spike-p", v, |v| crate::config::parse_p(&number(v)?))
                .unwrap_err();
            assert_eq!(e.0, want);
        }
    }
}
