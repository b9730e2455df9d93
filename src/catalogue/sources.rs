//! The catalogue a run uses, source by source: the pages shipped in the binary, each
//! `--catalogue FILE` read as a page or a CSV, and how each source's entries are added over
//! those before it (within a tier, a later file wins).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::{load, Catalogue, Generic, PairEntry, Source, SHIPPED_CALL_AUTOMATION, SHIPPED_PSTN};
use super::{CatalogueError, Loaded, MAX_CATALOGUE_BYTES};

impl Catalogue {
    /// Adds a loaded file over what is there: its pairs over those of the same tier, its
    /// generic codes and subcodes over earlier ones. Within one file the first of two rows for
    /// the same key counts, as a reader of the page reads it top to bottom, and a warning
    /// says so.
    pub fn add(&mut self, label: String, title: String, loaded: Loaded) {
        let source = self.sources.len();
        let mut counted: HashMap<(u32, u32), usize> = HashMap::with_capacity(loaded.pairs.len());
        self.pair_index.reserve(loaded.pairs.len());
        let mut warnings = Vec::new();
        // Rows become entries in their own buffer (a row and an entry are the same size), and
        // the entries already there go in front of them when they are fewer: a large file's
        // pairs are never held twice.
        let mut new: Vec<PairEntry> = (loaded.pairs.into_iter())
            .filter(|p| {
                let first = *counted.entry((p.code, p.subcode)).or_insert(p.line);
                if first != p.line {
                    let (code, sub, line) = (p.code, p.subcode, p.line);
                    warnings.push(format!(
                        "catalogue {label}, line {line}: pair {code}/{sub} is given twice (first on line {first}); the first counts"
                    ));
                }
                first == p.line
            })
            .map(|p| PairEntry {
                code: p.code,
                subcode: p.subcode,
                description: p.description,
                mitigation: p.mitigation,
                callback_events: p.callback_events,
                tier: p.tier,
                source,
            })
            .collect();
        self.warnings.extend(loaded.warnings);
        self.warnings.append(&mut warnings);
        let before = self.pairs.len();
        if new.len() > before {
            new.splice(0..0, std::mem::take(&mut self.pairs));
            self.pairs = new;
        } else {
            self.pairs.append(&mut new);
        }
        for i in before..self.pairs.len() {
            let p = &self.pairs[i];
            if p.for_its_events_only() {
                continue;
            }
            let key = (p.code, p.subcode);
            let old = self.pair_index.get(&key).copied();
            let keep_existing = old.is_some_and(|j| self.pairs[j].tier < self.pairs[i].tier);
            if keep_existing {
                continue;
            }
            // A page that names no callback events (the older page, which had no such column)
            // keeps those of the pair it replaces where it says the same of it.
            if let Some(j) = old.filter(|&j| {
                let (was, new) = (&self.pairs[j], &self.pairs[i]);
                new.callback_events.is_empty() && was.description == new.description
            }) {
                self.pairs[i].callback_events = self.pairs[j].callback_events.clone();
            }
            self.pair_index.insert(key, i);
        }
        self.index_subcodes();
        let generic = |map: &mut BTreeMap<u32, Generic>, rows: Vec<(u32, String, String)>| {
            let mut n = 0;
            let mut seen = HashSet::new();
            for (k, description, mitigation) in rows {
                if seen.insert(k) {
                    n += 1;
                    map.insert(
                        k,
                        Generic {
                            description,
                            mitigation,
                            source,
                        },
                    );
                }
            }
            n
        };
        let codes = generic(&mut self.codes, loaded.codes);
        let subcodes = generic(&mut self.subcodes, loaded.subcodes);
        let classes = loaded.prose.classes.into_iter();
        generic(
            &mut self.classes,
            classes.map(|(d, t)| (d, t, String::new())).collect(),
        );
        if loaded.prose.sbc_rule {
            self.sbc_rule = Some(source);
        }
        self.sources.push(Source {
            label,
            title,
            pairs: counted.len(),
            codes,
            subcodes,
        });
    }

    /// The pages shipped in the binary: Call Automation and PSTN.
    pub fn shipped() -> Catalogue {
        let mut c = Catalogue::default();
        for (label, name, text) in [
            (
                "call-automation",
                "Troubleshooting call end response codes for Call Automation SDK",
                SHIPPED_CALL_AUTOMATION,
            ),
            (
                "pstn",
                "Troubleshooting call end response codes for PSTN calling",
                SHIPPED_PSTN,
            ),
        ] {
            let loaded = load::markdown(text, label).expect("a shipped page parses");
            let title = format!(
                "built in: Microsoft Learn, \"{name}\", ms.date {}",
                loaded.date.as_deref().unwrap_or("unknown")
            );
            c.add(label.to_string(), title, loaded);
        }
        c
    }

    /// Reads one `--catalogue FILE`: a copy of one of Microsoft's pages (Markdown), or a CSV
    /// `code,subcode,description,mitigation`.
    pub fn read_file(path: &Path) -> Result<Loaded, CatalogueError> {
        use std::io::Read;
        let name = crate::text::path(path);
        let read_err = |e: std::io::Error| CatalogueError::Read {
            file: name.clone(),
            cause: e.to_string(),
        };
        // A FIFO, socket or device is refused before it is opened, as `--config` refuses one:
        // a FIFO with no writer would block the run forever at its open, and a pipe's name
        // (`/dev/fd/63`, `/dev/stdin`) would say nothing of the page in the outputs that name
        // the catalogue. A link to a regular file is read (`/dev/stdin` of `< page.md`).
        if !std::fs::metadata(path).map_err(read_err)?.is_file() {
            return Err(CatalogueError::NotAFile { file: name });
        }
        let file = std::fs::File::open(path).map_err(read_err)?;
        // Its size, when the file says, so the bytes are read into one buffer of that size.
        let size = file
            .metadata()
            .map_or(0, |m| m.len())
            .min(MAX_CATALOGUE_BYTES)
            + 1;
        let mut bytes = Vec::with_capacity(size as usize);
        // One byte past the cap tells an oversized file (or one that grows while read) apart.
        file.take(MAX_CATALOGUE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        if bytes.len() as u64 > MAX_CATALOGUE_BYTES {
            return Err(CatalogueError::TooLarge { file: name });
        }
        let text = load::decode(bytes, &name)?;
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            || load::looks_like_csv(&text);
        if is_csv {
            load::csv(&text, &name)
        } else {
            load::markdown(&text, &name)
        }
    }

    /// The catalogue a run uses: the shipped pages (unless `builtin` is false), then each file
    /// over them, later files winning.
    pub fn load(files: &[std::path::PathBuf], builtin: bool) -> Result<Catalogue, CatalogueError> {
        let mut c = if builtin {
            Catalogue::shipped()
        } else {
            Catalogue::default()
        };
        for f in files {
            let loaded = Catalogue::read_file(f)?;
            let title = match &loaded.date {
                Some(d) => format!("file, ms.date {d}"),
                None => "file".to_string(),
            };
            c.add(crate::text::path(f), title, loaded);
        }
        Ok(c)
    }

    /// [`Catalogue::subcode_pair`] of every subcode at once, from the pairs that count: the
    /// first of each subcode's, none once one of them says otherwise.
    fn index_subcodes(&mut self) {
        let mut index: HashMap<u32, Option<usize>> = HashMap::default();
        for (i, p) in self.effective_indexed() {
            index
                .entry(p.subcode)
                .and_modify(|first| {
                    if first.is_some_and(|j| self.pairs[j].description != p.description) {
                        *first = None;
                    }
                })
                .or_insert(Some(i));
        }
        self.subcode_index = index;
    }
}
