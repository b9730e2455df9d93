//! The charts of `report.html`, drawn as SVG by plotters. Each returns the SVG text with a
//! `<title>` and `<desc>` for screen readers; the page adds a caption and a data table.

use anyhow::{anyhow, Result};
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::catalogue::{key_label, Category};
use crate::report::Report;
use crate::spikes::Verdict;
use crate::time::day_text;

pub const CLIENT: RGBColor = RGBColor(0xd9, 0x7a, 0x00);
pub const SERVER: RGBColor = RGBColor(0xc0, 0x2b, 0x2b);
pub const GLOBAL: RGBColor = RGBColor(0x6a, 0x3d, 0x9a);
pub const UNKNOWN: RGBColor = RGBColor(0x80, 0x80, 0x80);
pub const SUCCESS: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

/// Width of the page's charts in pixels (`accessible` lets them scale with the page); the
/// small spike charts are narrower.
const WIDTH: u32 = 900;

/// The charts' text: axis labels, legends and the category split's key.
const FONT: &str = "sans-serif";
const TEXT_SIZE: u32 = 13;

pub fn color(c: Category) -> RGBColor {
    match c {
        Category::Success => SUCCESS,
        Category::Client => CLIENT,
        Category::Server => SERVER,
        Category::Global => GLOBAL,
        Category::Unknown => UNKNOWN,
    }
}

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("cannot draw a chart: {e}")
}

/// Makes plotters' SVG scale with the page and names it for assistive technology.
fn accessible(svg: String, id: &str, title: &str, desc: &str) -> String {
    let esc = super::markup::escape;
    let Some(end) = svg.find('>') else {
        return svg;
    };
    let open = &svg[..end];
    let open = open.replacen(" width=\"", " data-width=\"", 1).replacen(
        " height=\"",
        " data-height=\"",
        1,
    );
    format!(
        "{open} role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        esc(title),
        esc(desc),
        &svg[end + 1..]
    )
}

/// Text plotters draws: short, and without characters that mean something in markup.
fn label(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            !c.is_control() && !crate::text::hostile(c) && !matches!(c, '<' | '>' | '&' | '"')
        })
        .collect();
    if clean.chars().count() > max {
        let mut t: String = clean.chars().take(max - 1).collect();
        t.push('…');
        t
    } else {
        clean
    }
}

/// Bars of the failures-over-time chart, at most.
const MAX_BARS: usize = 400;

/// The failing categories, in the order they are stacked.
pub const FAILING: [Category; 4] = [
    Category::Client,
    Category::Server,
    Category::Global,
    Category::Unknown,
];

/// The bars of the timeline: at most [`MAX_BARS`], consecutive buckets sharing one when the
/// span holds more, so that the chart and its table cost the bars' memory, never the span's.
pub struct Bars {
    /// Start of the first bar, and the width of each, in seconds.
    pub first: i64,
    pub width: i64,
    /// Failures of each bar by [`FAILING`] category.
    pub stacks: Vec<[u64; 4]>,
    /// Whether any record (failing or not) falls in the bar.
    pub seen: Vec<bool>,
}

/// The timeline of `r` as [`Bars`], in one pass; `None` without records.
pub fn bars(r: &Report) -> Option<Bars> {
    let (&(first, _), &(last, _)) = (r.timeline.keys().next()?, r.timeline.keys().next_back()?);
    let buckets = (last - first) / r.bucket_secs + 1;
    let per = (buckets as u64).div_ceil(MAX_BARS as u64).max(1) as i64;
    let n = (buckets as u64).div_ceil(per as u64) as usize;
    let width = per * r.bucket_secs;
    let mut stacks = vec![[0u64; 4]; n];
    let mut seen = vec![false; n];
    for ((b, key), count) in &r.timeline {
        let bar = ((b - first) / width) as usize;
        seen[bar] = true;
        let cat = Category::of(key.0);
        if let Some(i) = FAILING.iter().position(|c| *c == cat) {
            stacks[bar][i] += count;
        }
    }
    Some(Bars {
        first,
        width,
        stacks,
        seen,
    })
}

/// Failures per timeline bucket, stacked by category.
pub fn failures_over_time(r: &Report) -> Result<String> {
    let Some(bars) = bars(r) else {
        return Ok(String::new());
    };
    let hourly = r.bucket_secs < crate::time::DAY;
    let svg = svg_chart((WIDTH, 320), |root| draw_stacks(root, &bars, hourly))?;
    let total: u64 = bars.stacks.iter().flatten().sum();
    Ok(accessible(
        svg,
        "chart-time",
        "Failures over time by category",
        &format!(
            "{total} failures in {} {} buckets, stacked by category (client, server, global, unknown); the busiest bucket has {}.",
            bars.stacks.len(),
            if hourly { "hourly" } else { "daily" },
            busiest(&bars)
        ),
    ))
}

/// The failures of the bar that has the most.
fn busiest(bars: &Bars) -> u64 {
    (bars.stacks.iter())
        .map(|s| s.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
}

/// The SVG text of a chart `size` pixels wide and high, that `draw` draws on white.
fn svg_chart(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The bars of [`failures_over_time`] on `root`, a stack of [`FAILING`] categories each,
/// with their axes (times `hourly` or by day) and legend.
fn draw_stacks(root: &DrawingArea<SVGBackend<'_>, Shift>, bars: &Bars, hourly: bool) -> Result<()> {
    let Bars {
        first,
        width,
        stacks,
        ..
    } = bars;
    let n = stacks.len();
    let max = busiest(bars).max(1);
    let tick = |x: &f64| crate::time::tick_text(first + (*x as i64) * width, hourly);
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..n as f64, 0f64..max as f64 * 1.1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(12))
        .x_label_formatter(&tick)
        // Counts are whole: "90", never "90.0", and no more ticks than there are numbers.
        .y_labels((max as usize + 1).min(10))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_desc("failures")
        .label_style((FONT, TEXT_SIZE).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    for (ci, cat) in FAILING.iter().enumerate() {
        let col = color(*cat);
        chart
            .draw_series(
                stacks
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s[ci] > 0)
                    .map(|(i, s)| {
                        let below: u64 = s[..ci].iter().sum();
                        Rectangle::new(
                            [
                                (i as f64 + 0.1, below as f64),
                                (i as f64 + 0.9, (below + s[ci]) as f64),
                            ],
                            col.filled(),
                        )
                    }),
            )
            .map_err(err)?
            .label(cat.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], col.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(INK)
        .label_font((FONT, TEXT_SIZE))
        .draw()
        .map_err(err)
}

/// The most frequent failing (code, subcode) keys as horizontal bars.
pub fn top_keys(r: &Report, n: usize) -> Result<String> {
    let top = r.top_of(crate::catalogue::Outcome::Failure, n);
    if top.is_empty() {
        return Ok(String::new());
    }
    let labels: Vec<String> = top
        .iter()
        .map(|c| format!("{} {}", c.label(), label(&c.description, 34)))
        .collect();
    let max = top.iter().map(|c| c.count).max().unwrap_or(1);
    let rows = top.len();
    let height = 60 + 28 * rows as u32;
    let svg = svg_chart((WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(330)
            .build_cartesian_2d(
                0u64..max + max / 10 + 1,
                (0usize..rows - 1).into_segmented(),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows)
            .y_label_formatter(&|v| match v {
                // Most frequent at the top.
                SegmentValue::CenterOf(i) if *i < rows => labels[rows - 1 - i].clone(),
                _ => String::new(),
            })
            .x_desc("records")
            .label_style((FONT, TEXT_SIZE).into_font().color(&INK))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(top.iter().enumerate().map(|(i, c)| {
                let y = rows - 1 - i;
                let mut bar = Rectangle::new(
                    [
                        (0, SegmentValue::Exact(y)),
                        (c.count, SegmentValue::Exact(y + 1)),
                    ],
                    color(c.category).filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(err)?;
        Ok(())
    })?;
    let desc = top
        .iter()
        .map(|c| format!("{} {}", c.label(), c.count))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(accessible(
        svg,
        "chart-keys",
        "Top failing code/subcode keys",
        &format!("Records per key, most frequent first: {desc}."),
    ))
}

/// All records split by category, as one proportional bar.
pub fn category_split(r: &Report) -> Result<String> {
    let counts: Vec<(Category, u64)> = Category::ALL
        .iter()
        .map(|&c| {
            (
                c,
                r.codes
                    .iter()
                    .filter(|k| k.category == c)
                    .map(|k| k.count)
                    .sum(),
            )
        })
        .collect();
    let total: u64 = counts.iter().map(|c| c.1).sum::<u64>().max(1);
    let svg = svg_chart((WIDTH, 90), |root| {
        // The bar spans the chart but for a margin of 10 pixels each side.
        let mut x = 10.0f64;
        let width = f64::from(WIDTH - 20);
        for (cat, n) in &counts {
            let w = width * *n as f64 / total as f64;
            if w > 0.0 {
                root.draw(&Rectangle::new(
                    [(x as i32, 10), ((x + w) as i32, 50)],
                    color(*cat).filled(),
                ))
                .map_err(err)?;
            }
            x += w;
        }
        let mut lx = 10;
        for (cat, n) in &counts {
            let text = format!("{} {} ({:.1}%)", cat, n, *n as f64 * 100.0 / total as f64);
            root.draw(&Rectangle::new(
                [(lx, 62), (lx + 12, 74)],
                color(*cat).filled(),
            ))
            .map_err(err)?;
            root.draw(&Text::new(
                text.clone(),
                (lx + 16, 62),
                (FONT, TEXT_SIZE).into_font().color(&INK),
            ))
            .map_err(err)?;
            lx += 30 + 8 * text.len() as i32;
        }
        Ok(())
    })?;
    let desc = counts
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(accessible(
        svg,
        "chart-categories",
        "Records by category",
        &format!("All accepted records by category: {desc}."),
    ))
}

/// A flagged key on the report day against its baseline days, with the expected count.
pub fn spike(v: &Verdict, id: usize) -> Result<String> {
    let mut bars: Vec<(String, u64)> = v
        .baseline_days
        .iter()
        .zip(&v.baseline_counts)
        .rev()
        .map(|(d, n)| (day_text(*d)[5..].to_string(), *n))
        .collect();
    bars.push((format!("{} (day)", &day_text(v.day)[5..]), v.count));
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let n = bars.len();
    let svg = svg_chart((420, 200), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d((0usize..n - 1).into_segmented(), 0f64..max * 1.15)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) if *i < n => bars[*i].0.clone(),
                _ => String::new(),
            })
            .y_labels((max as usize + 1).min(8))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FONT, 11).into_font().color(&INK))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, c))| {
                let col = if i + 1 == n { SERVER } else { UNKNOWN };
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), *c as f64),
                    ],
                    col.filled(),
                );
                bar.set_margin(0, 0, 6, 6);
                bar
            }))
            .map_err(err)?;
        // The count expected on the day, scaled by its record volume.
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![
                    (SegmentValue::Exact(n - 1), v.expected),
                    (SegmentValue::Exact(n), v.expected),
                ],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
        Ok(())
    })?;
    Ok(accessible(
        svg,
        &format!("chart-spike-{id}"),
        &format!("{} against its baseline", key_label(v.key.0, v.key.1)),
        &format!(
            "{} on {} against {} on the same weekday of the previous weeks; {:.1} expected.",
            v.count,
            day_text(v.day),
            v.baseline_counts
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            v.expected
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_markup_controls_and_bidi_overrides() {
        assert_eq!(
            label("a<b>\x1b[2J\u{202E}fdp.exe\u{2066}", 40),
            "ab[2Jfdp.exe"
        );
        assert_eq!(label("abcdef", 4), "abc…");
    }
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    #[test]
    fn charts_svg() {
        let cat = fixture::catalogue();
        let r = fixture::report(&cat);
        let all = [
            super::failures_over_time(&r).unwrap(),
            super::top_keys(&r, 10).unwrap(),
            super::category_split(&r).unwrap(),
            super::spike(&r.spike_rows[0].verdict, 0).unwrap(),
        ];
        insta::assert_snapshot!(all.join("\n"));
    }
}
