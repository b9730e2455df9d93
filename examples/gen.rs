//! Benchmark input generator: synthetic Call Automation media-summary exports of a given size.
//!
//! ```sh
//! cargo run --release --example gen -- --shape jsonl --mib 1024 --out /tmp/acs-bench/1g.jsonl
//! cargo run --release --example gen -- --shape jsonl --mib 256 --gz --out /tmp/acs-bench/256m.jsonl.gz
//! ```
//!
//! Shapes (see `samples/README.md` for the real thing):
//! - `jsonl`: storage-archive JSON Lines, Azure resource-log common schema, camelCase properties;
//! - `csv`: portal CSV (`TimeGenerated [UTC]` in en-US form, RFC 4180 quoting, CRLF, UTF-8 BOM);
//! - `records`: Event Hubs dump, one `{"records":[...]}` document of 100 records per line;
//! - `api`: one Log Analytics query API response (typed columns, positional rows; one row per
//!   line so that `wc -l` counts rows, which JSON allows);
//! - `cli`: one `az monitor log-analytics query` array, every value a string, 2-space indent.
//!
//! The output holds whole records and ends within one record (or one 100-record document) of
//! `--mib` MiB of *uncompressed* text; `--gz` then gzips it (fast level). Times are RFC 3339
//! with 7 fractional digits, spread over the four weeks ending 2026-11-24 (UTC) in file order
//! with up to a minute of jitter. On exit it prints `records=N bytes=M` (uncompressed) on
//! standard error. Same seed, same bytes. A JSON Lines record averages ~950 bytes (the real
//! exports in `samples/` average 862 without `durationMs` and `callerIpAddress`), so 1 GiB is
//! about 1.13 million records; 5,000 calls (CorrelationIds) recur throughout.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

const MIB: u64 = 1024 * 1024;
/// 2026-10-28T00:00:00Z and 2026-11-25T00:00:00Z in 100 ns ticks since the Unix epoch.
const START_TICKS: i64 = 1_793_145_600 * 10_000_000;
const END_TICKS: i64 = 1_795_564_800 * 10_000_000;
const N_CALLS: usize = 5000;
const RECORDS_PER_DOC: usize = 100;

const RESOURCE_ID: &str = "/SUBSCRIPTIONS/0F3A6C1E-5B2D-4E8A-9C71-2D4B8E6F1A93/RESOURCEGROUPS/RG-VOICE/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-CONTOSO";
const RESOURCE_ID_LOWER: &str = "/subscriptions/0f3a6c1e-5b2d-4e8a-9c71-2d4b8e6f1a93/resourcegroups/rg-voice/providers/microsoft.communication/communicationservices/acs-contoso";
const TENANT_ID: &str = "7c1e4d2a-9b3f-4e61-a8d5-3f0b6c9e2a17";
const CSV_HEADER: &str = "TimeGenerated [UTC],Level,CorrelationId,OperationId,OperationName,ResultType,ResultCode,ResultSubcode,ResultMessage,PlayInLoop,PlayToParticipant,PlayInterrupted,RecognizePromptSubOperationName,TenantId,SourceSystem,Type,_ResourceId";
const API_COLUMNS: [(&str, &str); 17] = [
    ("TenantId", "string"),
    ("TimeGenerated", "datetime"),
    ("Level", "string"),
    ("CorrelationId", "string"),
    ("OperationId", "string"),
    ("OperationName", "string"),
    ("ResultType", "string"),
    ("ResultCode", "int"),
    ("ResultSubcode", "int"),
    ("ResultMessage", "string"),
    ("PlayInLoop", "bool"),
    ("PlayToParticipant", "bool"),
    ("PlayInterrupted", "bool"),
    ("RecognizePromptSubOperationName", "string"),
    ("SourceSystem", "string"),
    ("Type", "string"),
    ("_ResourceId", "string"),
];
const PROMPT_SOURCES: [&str; 3] = ["TextSource", "SsmlSource", "FileSource"];

/// (code, subcode, weight in 1/10,000, operation, message). About half are successes.
const OUTCOMES: &[(u32, u32, u32, &str, &str)] = &[
    (200, 0, 2500, "Play", "Action completed successfully."),
    (
        200,
        8531,
        700,
        "Recognize",
        "Action completed, max digits received.",
    ),
    (
        200,
        8533,
        800,
        "Recognize",
        "Action completed, DTMF option matched.",
    ),
    (
        200,
        8545,
        500,
        "Recognize",
        "Action completed, speech option matched.",
    ),
    (
        200,
        8514,
        300,
        "Recognize",
        "Action completed, stop tone detected.",
    ),
    (
        200,
        8569,
        200,
        "Recognize",
        "Action completed, speech recognized.",
    ),
    (
        400,
        8510,
        1400,
        "Recognize",
        "Action failed, initial silence timeout reached.",
    ),
    (
        404,
        8522,
        500,
        "Play",
        "Call not found; it may have already ended.",
    ),
    (
        404,
        8522,
        300,
        "Recognize",
        "Target participant not found in the call.",
    ),
    (
        405,
        8522,
        200,
        "Play",
        "Missing configuration: text-to-speech requires a Cognitive Services resource.",
    ),
    (
        400,
        8508,
        150,
        "Play",
        "Action failed, the operation was canceled.",
    ),
    (
        400,
        8508,
        150,
        "Recognize",
        "Action failed, the operation was canceled.",
    ),
    (
        400,
        8532,
        300,
        "Recognize",
        "Action failed, inter-digit silence timeout reached.",
    ),
    (
        400,
        8563,
        200,
        "Recognize",
        "Action failed, speech could not be recognized.",
    ),
    (
        400,
        8547,
        200,
        "Recognize",
        "Action failed, speech option not matched.",
    ),
    (
        500,
        8511,
        200,
        "Recognize",
        "Action failed, encountered failure while trying to play the prompt.",
    ),
    (
        408,
        8570,
        150,
        "Recognize",
        "Action failed, encountered failure while trying to recognize speech.",
    ),
    (
        500,
        8572,
        100,
        "Play",
        "Action failed due to play service shutdown.",
    ),
    (
        400,
        8522,
        300,
        "Play",
        "Play source file not found at the given URL.",
    ),
    (
        400,
        8535,
        200,
        "Play",
        "Action failed, file format is invalid: \"welcome.mp3\" is not a WAV file.",
    ),
    (
        400,
        8536,
        200,
        "Play",
        "Action failed, file could not be downloaded.",
    ),
    (
        409,
        8519,
        100,
        "Play",
        "Conflict: another Play operation is already running on this call.",
    ),
    (
        412,
        8583,
        100,
        "Recognize",
        "Precondition failed: Recognize is not allowed while media streaming is active.",
    ),
    (500, 9999, 100, "Play", "Unknown internal server error."),
    (
        603,
        0,
        50,
        "AddParticipant",
        "Call declined by the remote participant.",
    ),
    (486, 560486, 50, "AddParticipant", "Participant is busy."),
    (499, 99999, 1, "Play", "Client closed the request."),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Jsonl,
    Csv,
    Records,
    Api,
    Cli,
}

struct Options {
    shape: Shape,
    mib: u64,
    out: String,
    gz: bool,
    seed: u64,
}

const USAGE: &str =
    "usage: gen --shape jsonl|csv|records|api|cli --mib N --out FILE [--gz] [--seed S]";

fn parse_args() -> Result<Options, String> {
    let mut shape = None;
    let mut mib = None;
    let mut out = None;
    let mut gz = false;
    let mut seed = 42u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--shape" => {
                shape = Some(match value("--shape")?.as_str() {
                    "jsonl" => Shape::Jsonl,
                    "csv" => Shape::Csv,
                    "records" => Shape::Records,
                    "api" => Shape::Api,
                    "cli" => Shape::Cli,
                    other => return Err(format!("unknown shape {other:?}")),
                })
            }
            "--mib" => {
                let v = value("--mib")?;
                mib = Some(v.parse::<u64>().map_err(|_| format!("bad --mib {v:?}"))?);
            }
            "--out" => out = Some(value("--out")?),
            "--gz" => gz = true,
            "--seed" => {
                let v = value("--seed")?;
                seed = v.parse().map_err(|_| format!("bad --seed {v:?}"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Options {
        shape: shape.ok_or("--shape is required")?,
        mib: mib.ok_or("--mib is required")?,
        out: out.ok_or("--out is required")?,
        gz,
        seed,
    })
}

/// xorshift64* (Vigna): plenty for synthetic data, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that small seeds still give well-mixed state (never 0).
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }

    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

fn guid(rng: &mut Rng) -> String {
    let a = rng.next();
    let b = rng.next();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

struct Call {
    correlation_id: String,
    call_connection_id: String,
    server_call_id: String,
}

fn make_calls(rng: &mut Rng) -> Vec<Call> {
    (0..N_CALLS)
        .map(|_| {
            let conv: String = (0..16)
                .map(|_| (b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.below(36) as usize]) as char)
                .collect();
            let url = format!(
                "https://api.flightproxy.skype.com/api/v2/cp/conv-usea-0{}.conv.skype.com/conv/{conv}?i=10-128-{}-{}&e=6389{:08}",
                1 + rng.below(9),
                rng.below(256),
                rng.below(256),
                rng.below(100_000_000)
            );
            Call {
                correlation_id: guid(rng),
                call_connection_id: guid(rng),
                server_call_id: base64url(url.as_bytes()),
            }
        })
        .collect()
}

/// One outcome with its text pre-escaped for each output syntax.
struct Outcome {
    code: u32,
    subcode: u32,
    operation: &'static str,
    result_type: &'static str,
    json_message: String,
    csv_message: String,
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn make_outcomes() -> (Vec<Outcome>, Vec<u32>) {
    let mut cumulative = Vec::with_capacity(OUTCOMES.len());
    let mut total = 0;
    let outcomes = OUTCOMES
        .iter()
        .map(|&(code, subcode, weight, operation, message)| {
            total += weight;
            cumulative.push(total);
            Outcome {
                code,
                subcode,
                operation,
                result_type: if (200..300).contains(&code) {
                    "Completed"
                } else if subcode == 8508 {
                    "Canceled"
                } else {
                    "Failed"
                },
                json_message: json_string(message),
                csv_message: csv_field(message),
            }
        })
        .collect();
    (outcomes, cumulative)
}

/// A UTC instant in 100 ns ticks, broken down.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    ticks: u32,
}

fn civil(ticks: i64) -> Civil {
    let secs = ticks.div_euclid(10_000_000);
    let frac = ticks.rem_euclid(10_000_000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: sod / 3600,
        minute: sod / 60 % 60,
        second: sod % 60,
        ticks: frac,
    }
}

/// One synthetic record, borrowing its strings from the pools.
struct Record<'a> {
    time: Civil,
    call: &'a Call,
    outcome: &'a Outcome,
    operation_id: String,
    duration_ms: u64,
    caller_ip: (u64, u64),
    play_in_loop: bool,
    play_to_participant: bool,
    play_interrupted: bool,
    prompt: Option<&'static str>,
}

struct Generator {
    rng: Rng,
    calls: Vec<Call>,
    outcomes: Vec<Outcome>,
    cumulative: Vec<u32>,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        let mut rng = Rng::new(seed);
        let calls = make_calls(&mut rng);
        let (outcomes, cumulative) = make_outcomes();
        Generator {
            rng,
            calls,
            outcomes,
            cumulative,
        }
    }

    /// A record at `progress` (0..1) of the file: time moves forward with the output, with up
    /// to a minute of jitter (late arrivals), clamped to the four weeks.
    fn record(&mut self, progress: f64) -> Record<'_> {
        let rng = &mut self.rng;
        let span = (END_TICKS - START_TICKS) as f64;
        let jitter = rng.below(600_000_000) as i64;
        let ticks =
            (START_TICKS + (progress * span) as i64 - jitter).clamp(START_TICKS, END_TICKS - 1);
        let pick = rng.below(u64::from(*self.cumulative.last().unwrap())) as u32;
        let index = self.cumulative.partition_point(|&c| c <= pick);
        let outcome = &self.outcomes[index];
        let call = &self.calls[rng.below(N_CALLS as u64) as usize];
        let prompt =
            (outcome.operation == "Recognize").then(|| PROMPT_SOURCES[rng.below(3) as usize]);
        Record {
            time: civil(ticks),
            call,
            outcome,
            operation_id: guid(rng),
            duration_ms: 20 + rng.below(30_000),
            caller_ip: (rng.below(256), rng.below(254) + 1),
            play_in_loop: rng.chance(100),
            play_to_participant: rng.chance(400),
            play_interrupted: rng.chance(150),
            prompt,
        }
    }
}

fn write_rfc3339(buf: &mut Vec<u8>, t: &Civil, trim: bool) {
    write!(
        buf,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
    .unwrap();
    if trim {
        // The query API trims trailing zeros and drops an all-zero fraction.
        if t.ticks != 0 {
            let digits = format!("{:07}", t.ticks);
            buf.push(b'.');
            buf.extend_from_slice(digits.trim_end_matches('0').as_bytes());
        }
    } else {
        write!(buf, ".{:07}", t.ticks).unwrap();
    }
    buf.push(b'Z');
}

fn write_common_schema(buf: &mut Vec<u8>, r: &Record) {
    let o = r.outcome;
    buf.extend_from_slice(b"{\"time\":\"");
    write_rfc3339(buf, &r.time, false);
    write!(
        buf,
        "\",\"resourceId\":\"{RESOURCE_ID}\",\"operationName\":\"{}\",\"operationVersion\":\"2024-09-15\",\
\"category\":\"CallAutomationMediaSummary\",\"resultType\":\"{}\",\"correlationId\":\"{}\",\"level\":\"Informational\",\
\"durationMs\":{},\"callerIpAddress\":\"203.0.{}.{}\",\"properties\":{{\"resultCode\":{},\"resultSubcode\":{},\
\"resultMessage\":{},\"operationId\":\"{}\",\"callConnectionId\":\"{}\",\"serverCallId\":\"{}\",\
\"playInLoop\":{},\"playToParticipant\":{},\"playInterrupted\":{}",
        o.operation,
        o.result_type,
        r.call.correlation_id,
        r.duration_ms,
        r.caller_ip.0,
        r.caller_ip.1,
        o.code,
        o.subcode,
        o.json_message,
        r.operation_id,
        r.call.call_connection_id,
        r.call.server_call_id,
        r.play_in_loop,
        r.play_to_participant,
        r.play_interrupted
    )
    .unwrap();
    if let Some(prompt) = r.prompt {
        write!(buf, ",\"recognizePromptSubOperationName\":\"{prompt}\"").unwrap();
    }
    buf.extend_from_slice(b"}}");
}

fn write_csv_row(buf: &mut Vec<u8>, r: &Record) {
    let t = &r.time;
    let (hour12, ampm) = match t.hour {
        0 => (12, "AM"),
        1..=11 => (t.hour, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    let tf = |b: bool| if b { "TRUE" } else { "FALSE" };
    let o = r.outcome;
    write!(
        buf,
        "\"{}/{}/{}, {}:{:02}:{:02}.{:03} {}\",Informational,{},{},{},{},{},{},{},{},{},{},{},{TENANT_ID},Azure,ACSCallAutomationMediaSummary,{RESOURCE_ID_LOWER}\r\n",
        t.month,
        t.day,
        t.year,
        hour12,
        t.minute,
        t.second,
        t.ticks / 10_000,
        ampm,
        r.call.correlation_id,
        r.operation_id,
        o.operation,
        o.result_type,
        o.code,
        o.subcode,
        o.csv_message,
        tf(r.play_in_loop),
        tf(r.play_to_participant),
        tf(r.play_interrupted),
        r.prompt.unwrap_or("")
    )
    .unwrap();
}

fn write_api_row(buf: &mut Vec<u8>, r: &Record) {
    let o = r.outcome;
    write!(buf, "[\"{TENANT_ID}\",\"").unwrap();
    write_rfc3339(buf, &r.time, true);
    write!(
        buf,
        "\",\"Informational\",\"{}\",\"{}\",\"{}\",\"{}\",{},{},{},{},{},{},\"{}\",\"Azure\",\"ACSCallAutomationMediaSummary\",\"{RESOURCE_ID_LOWER}\"]",
        r.call.correlation_id,
        r.operation_id,
        o.operation,
        o.result_type,
        o.code,
        o.subcode,
        o.json_message,
        r.play_in_loop,
        r.play_to_participant,
        r.play_interrupted,
        r.prompt.unwrap_or("")
    )
    .unwrap();
}

fn write_cli_object(buf: &mut Vec<u8>, r: &Record) {
    let o = r.outcome;
    let py = |b: bool| if b { "True" } else { "False" };
    write!(
        buf,
        "  {{\n    \"TableName\": \"PrimaryResult\",\n    \"TenantId\": \"{TENANT_ID}\",\n    \"TimeGenerated\": \""
    )
    .unwrap();
    write_rfc3339(buf, &r.time, false);
    write!(
        buf,
        "\",\n    \"Level\": \"Informational\",\n    \"CorrelationId\": \"{}\",\n    \"OperationId\": \"{}\",\n    \
\"OperationName\": \"{}\",\n    \"ResultType\": \"{}\",\n    \"ResultCode\": \"{}\",\n    \"ResultSubcode\": \"{}\",\n    \
\"ResultMessage\": {},\n    \"PlayInLoop\": \"{}\",\n    \"PlayToParticipant\": \"{}\",\n    \"PlayInterrupted\": \"{}\",\n    \
\"RecognizePromptSubOperationName\": \"{}\",\n    \"SourceSystem\": \"Azure\",\n    \"Type\": \"ACSCallAutomationMediaSummary\",\n    \
\"_ResourceId\": \"{RESOURCE_ID_LOWER}\"\n  }}",
        r.call.correlation_id,
        r.operation_id,
        o.operation,
        o.result_type,
        o.code,
        o.subcode,
        o.json_message,
        py(r.play_in_loop),
        py(r.play_to_participant),
        py(r.play_interrupted),
        r.prompt.unwrap_or("")
    )
    .unwrap();
}

/// The output file, plain or gzipped.
enum Out {
    Plain(BufWriter<File>),
    Gz(Box<flate2::write::GzEncoder<BufWriter<File>>>),
}

/// Counts the uncompressed bytes handed to the output.
struct Sink {
    out: Out,
    written: u64,
}

impl Sink {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.written += bytes.len() as u64;
        match &mut self.out {
            Out::Plain(w) => w.write_all(bytes),
            Out::Gz(w) => w.write_all(bytes),
        }
    }

    fn finish(self) -> io::Result<()> {
        let buffered = match self.out {
            Out::Plain(w) => w,
            Out::Gz(w) => w.finish()?,
        };
        buffered
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()
    }
}

fn generate(opts: &Options) -> io::Result<(u64, u64)> {
    let file = File::create(&opts.out)?;
    let buffered = BufWriter::with_capacity(4 << 20, file);
    let out = if opts.gz {
        Out::Gz(Box::new(flate2::write::GzEncoder::new(
            buffered,
            flate2::Compression::fast(),
        )))
    } else {
        Out::Plain(buffered)
    };
    let mut sink = Sink { out, written: 0 };
    let target = opts.mib * MIB;
    let mut generator = Generator::new(opts.seed);
    let mut records = 0u64;
    let mut chunk: Vec<u8> = Vec::with_capacity(1 << 16);

    // Prefix and suffix of the single-document shapes; the records go in between.
    let (prefix, separator, suffix): (Vec<u8>, &[u8], &[u8]) = match opts.shape {
        Shape::Jsonl | Shape::Records => (Vec::new(), b"", b""),
        Shape::Csv => (format!("\u{feff}{CSV_HEADER}\r\n").into_bytes(), b"", b""),
        Shape::Api => {
            let columns: Vec<String> = API_COLUMNS
                .iter()
                .map(|(name, ty)| format!("{{\"name\":\"{name}\",\"type\":\"{ty}\"}}"))
                .collect();
            (
                format!(
                    "{{\"tables\":[{{\"name\":\"PrimaryResult\",\"columns\":[{}],\"rows\":[\n",
                    columns.join(",")
                )
                .into_bytes(),
                b",\n",
                b"\n]}]}\n",
            )
        }
        Shape::Cli => (b"[\n".to_vec(), b",\n", b"\n]\n"),
    };
    sink.put(&prefix)?;
    let budget = target.saturating_sub(suffix.len() as u64);
    loop {
        chunk.clear();
        let progress = sink.written as f64 / target as f64;
        let mut n = 1;
        if records > 0 {
            chunk.extend_from_slice(separator);
        }
        match opts.shape {
            Shape::Jsonl => {
                write_common_schema(&mut chunk, &generator.record(progress));
                chunk.push(b'\n');
            }
            Shape::Records => {
                chunk.extend_from_slice(b"{\"records\":[");
                for i in 0..RECORDS_PER_DOC {
                    if i > 0 {
                        chunk.push(b',');
                    }
                    let progress = (sink.written + chunk.len() as u64) as f64 / target as f64;
                    write_common_schema(&mut chunk, &generator.record(progress));
                }
                chunk.extend_from_slice(b"]}\n");
                n = RECORDS_PER_DOC as u64;
            }
            Shape::Csv => write_csv_row(&mut chunk, &generator.record(progress)),
            Shape::Api => write_api_row(&mut chunk, &generator.record(progress)),
            Shape::Cli => write_cli_object(&mut chunk, &generator.record(progress)),
        }
        if sink.written + chunk.len() as u64 > budget {
            break;
        }
        sink.put(&chunk)?;
        records += n;
    }
    sink.put(suffix)?;
    let written = sink.written;
    sink.finish()?;
    Ok((records, written))
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(opts) => opts,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("gen: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&opts) {
        Ok((records, bytes)) => {
            eprintln!("records={records} bytes={bytes}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gen: {}: {err}", opts.out);
            ExitCode::FAILURE
        }
    }
}
