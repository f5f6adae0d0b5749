//! The comparisons a bench program measured, written where the summary of a whole bench run
//! (`benches/summary.rs`, run by `benches/run-all.sh`) finds them: one JSON object per line in
//! `target/bench-results/<bench>.jsonl` (or under `$BENCH_RESULTS`), replaced by each run of
//! that bench.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One measured comparison: the medians of our side and of the alternative a user would pick,
/// measured in the same run, and the goal for their ratio (ours / theirs) if the issue set one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Comparison {
    /// The bench program (`codec`, `client`, `latency`, `scan`, `stream`, `compile-time`).
    pub(crate) bench: String,
    /// What was measured, e.g. `to_item, small model`.
    pub(crate) case: String,
    /// Our side, e.g. `dynamo-types`.
    pub(crate) ours_name: String,
    /// The other side, e.g. `serde_dynamo` or `hand-written`.
    pub(crate) theirs_name: String,
    /// The unit of both medians, e.g. `ns per item` or `ms`.
    pub(crate) unit: String,
    /// Median of our side.
    pub(crate) ours: f64,
    /// Median of the other side, measured in the same run.
    pub(crate) theirs: f64,
    /// The ratio ours / theirs must not exceed, if the issue set a goal.
    pub(crate) goal: Option<f64>,
}

impl Comparison {
    pub(crate) fn new(
        bench: &str,
        case: impl Into<String>,
        (ours_name, ours): (&str, f64),
        (theirs_name, theirs): (&str, f64),
        unit: &str,
        goal: Option<f64>,
    ) -> Self {
        Comparison {
            bench: bench.to_owned(),
            case: case.into(),
            ours_name: ours_name.to_owned(),
            theirs_name: theirs_name.to_owned(),
            unit: unit.to_owned(),
            ours,
            theirs,
            goal,
        }
    }

    /// Ours / theirs: below 1 means ours took less.
    pub(crate) fn ratio(&self) -> f64 {
        self.ours / self.theirs
    }

    /// Whether the ratio meets the goal (`None` when there is no goal).
    pub(crate) fn met(&self) -> Option<bool> {
        self.goal.map(|goal| self.ratio() <= goal)
    }
}

/// The directory the comparisons go to.
pub(crate) fn directory() -> PathBuf {
    std::env::var_os("BENCH_RESULTS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-results"),
        PathBuf::from,
    )
}

/// Writes the comparisons of `bench`, replacing those of its previous run, and says where.
pub(crate) fn save(bench: &str, comparisons: &[Comparison]) {
    let dir = directory();
    std::fs::create_dir_all(&dir).expect("create the results directory");
    let path = dir.join(format!("{bench}.jsonl"));
    let mut file = std::fs::File::create(&path).expect("create the results file");
    for comparison in comparisons {
        let line = serde_json::to_string(comparison).expect("a comparison serialises");
        writeln!(file, "{line}").expect("write the results file");
    }
    println!(
        "{} comparisons written to {}",
        comparisons.len(),
        path.display()
    );
}

/// The median of `values` (the mean of the middle two for an even count).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    assert!(n > 0, "a median of nothing");
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The median of `times` (the mean of the middle two for an even count).
pub(crate) fn median_duration(times: &[std::time::Duration]) -> std::time::Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let n = sorted.len();
    assert!(n > 0, "a median of nothing");
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
