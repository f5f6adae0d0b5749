//! The summary of a whole bench run: reads the comparisons every bench program saved
//! (`benches/report/mod.rs`, one JSON object per line in `target/bench-results/*.jsonl`), prints
//! them as one markdown table of ratios (ours / alternative, medians of the same run, with the
//! goal and whether it is met), and draws them as an SVG chart.
//!
//! Run by `benches/run-all.sh` after the benches; alone: `cargo bench --bench summary -- [svg]`
//! writes the table to `target/bench-results/summary.md` and the chart to
//! `target/bench-results/ratios.svg`, or to the path given.

mod report;

use std::fmt::Write as _;
use std::path::PathBuf;

use report::Comparison;

/// The order the benches appear in, the issue's order; others follow by name.
const ORDER: [&str; 6] = [
    "codec",
    "client",
    "latency",
    "scan",
    "stream",
    "compile-time",
];

/// The comparisons of every bench that saved some, and when each bench's file was written
/// (a partial run of `run-all.sh` leaves the other benches' earlier results in place).
fn load() -> (Vec<Comparison>, Vec<(String, String)>) {
    let dir = report::directory();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    let rank = |p: &PathBuf| {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let at = ORDER.iter().position(|b| *b == stem).unwrap_or(ORDER.len());
        (at, stem.to_owned())
    };
    files.sort_by_key(rank);
    let mut all = Vec::new();
    let mut written = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a results file");
        let when = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .map(|t| {
                chrono::DateTime::<chrono::Utc>::from(t)
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string()
            })
            .unwrap_or_else(|_| "unknown".to_owned());
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        written.push((stem.to_owned(), when));
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            match serde_json::from_str::<Comparison>(line) {
                Ok(c) => all.push(c),
                Err(e) => panic!("{}:{}: not a comparison: {e}", file.display(), n + 1),
            }
        }
    }
    (all, written)
}

/// A value with the precision its size needs.
fn number(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2}e6", v / 1e6)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn verdict(c: &Comparison) -> &'static str {
    match c.met() {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "-",
    }
}

fn table(all: &[Comparison], written: &[(String, String)]) -> String {
    let mut out = String::new();
    out.push_str(
        "| bench | case | ours | alternative | unit | ours (median) | alternative (median) | ratio | goal | |\n",
    );
    out.push_str("|---|---|---|---|---|---:|---:|---:|---:|---|\n");
    for c in all {
        let goal = c.goal.map_or("-".to_owned(), |g| format!("≤ {g}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | **{:.3}** | {goal} | {} |",
            c.bench,
            c.case,
            c.ours_name,
            c.theirs_name,
            c.unit,
            number(c.ours),
            number(c.theirs),
            c.ratio(),
            verdict(c),
        );
    }
    let with_goal = all.iter().filter(|c| c.goal.is_some()).count();
    let met = all.iter().filter(|c| c.met() == Some(true)).count();
    let _ = writeln!(
        out,
        "\n{} comparisons, {with_goal} with a goal: {met} met, {} missed. Ratio = ours / alternative (below 1: ours takes less).",
        all.len(),
        with_goal - met
    );
    let dates: Vec<String> = written
        .iter()
        .map(|(bench, when)| format!("{bench} {when}"))
        .collect();
    let _ = writeln!(out, "\nMeasured: {}.", dates.join(", "));
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A horizontal bar per comparison on a logarithmic axis of the ratio, with a line at 1 (as
/// fast as the alternative) and a tick at the goal; green when the goal is met, red when it
/// is missed, grey without a goal.
fn chart(all: &[Comparison]) -> String {
    const PLOT: f64 = 520.0;
    const ROW: f64 = 22.0;
    const TOP: f64 = 40.0;
    let label = |c: &Comparison| format!("{}: {} vs {}", c.bench, c.case, c.theirs_name);
    // room for the longest label, at about 6.6 px a character of a 12 px sans-serif font
    let longest = all
        .iter()
        .map(|c| label(c).chars().count())
        .max()
        .unwrap_or(0);
    let label_width = longest as f64 * 6.6 + 20.0;
    let (lo, hi) = (0.01_f64, 10.0_f64);
    let x = |ratio: f64| {
        label_width + (ratio.clamp(lo, hi).log10() - lo.log10()) / (hi / lo).log10() * PLOT
    };
    let height = TOP + ROW * all.len() as f64 + 40.0;
    let width = label_width + PLOT + 90.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        svg,
        r#"<rect width="100%" height="100%" fill="white"/><text x="10" y="20" font-size="14" font-weight="bold">dynamo-types / alternative, medians of one run (log scale; left of 1 = ours takes less)</text>"#
    );
    for tick in [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0] {
        let tx = x(tick);
        let stroke = if tick == 1.0 { "#333" } else { "#ddd" };
        let _ = writeln!(
            svg,
            r#"<line x1="{tx:.1}" y1="{TOP}" x2="{tx:.1}" y2="{:.1}" stroke="{stroke}"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle">{tick}</text>"#,
            height - 30.0,
            height - 15.0
        );
    }
    for (i, c) in all.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let ratio = c.ratio();
        let colour = match c.met() {
            Some(true) => "#3a9d4a",
            Some(false) => "#d0453a",
            None => "#999",
        };
        let (from, to) = (x(1.0).min(x(ratio)), x(1.0).max(x(ratio)));
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{from:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}">{ratio:.2}</text>"#,
            label_width - 8.0,
            y + 15.0,
            escape(&label(c)),
            y + 4.0,
            (to - from).max(1.0),
            ROW - 8.0,
            label_width + PLOT + 8.0,
            y + 15.0,
        );
        if let Some(goal) = c.goal {
            let gx = x(goal);
            let _ = writeln!(
                svg,
                r#"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="black" stroke-width="2"/>"#,
                y + 1.0,
                y + ROW - 1.0
            );
        }
    }
    let _ = writeln!(
        svg,
        r##"<text x="10" y="{:.1}" fill="#555">black tick: the goal; green: met, red: missed, grey: no goal</text></svg>"##,
        height - 2.0
    );
    svg
}

fn main() {
    let (all, written) = load();
    let dir = report::directory();
    if all.is_empty() {
        println!(
            "no bench results in {} yet: run `bash benches/run-all.sh`",
            dir.display()
        );
        return;
    }
    let svg_path = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".svg"))
        .map_or_else(|| dir.join("ratios.svg"), PathBuf::from);
    let markdown = table(&all, &written);
    println!("{markdown}");
    std::fs::write(dir.join("summary.md"), &markdown).expect("write the summary");
    std::fs::write(&svg_path, chart(&all)).expect("write the chart");
    println!("table: {}", dir.join("summary.md").display());
    println!("chart: {}", svg_path.display());
}
