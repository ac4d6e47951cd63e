//! How fast the whole suite runs against the embedded fake: cases per second, wall time per
//! run, and the runner's own overhead per case (time not spent waiting for the server).
//! A plain binary that prints its figures: `cargo bench -p hookspec-conformance --bench suite`.

use std::time::{Duration, Instant};

use hookspec_conformance::Embedded;
use hookspec_conformance::{CaseResult, Summary};
use hookspec_conformance::{Run, RunOptions};
use hookspec_conformance::{collect_folder, default_cases_dir, run_suite};

/// Timed runs after the first (cold) one.
const RUNS: usize = 10;

/// The longest one run of the whole suite should take on the embedded fake, so that running it
/// on every change stays cheap.
const TARGET: Duration = Duration::from_secs(2);

struct Figures {
    wall: Duration,
    waited: Duration,
    cases: usize,
    requests: usize,
    summary: Summary,
}

fn figures(wall: Duration, results: &[CaseResult]) -> Figures {
    let ran: Vec<&CaseResult> = results.iter().filter(|r| r.product.is_some()).collect();
    Figures {
        wall,
        waited: ran.iter().map(|r| r.waited).sum(),
        cases: ran.len(),
        requests: ran.iter().map(|r| r.requests).sum(),
        summary: Summary::of(results),
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench())
}

async fn bench() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let entries = collect_folder(&default_cases_dir(), &[])?;
    let loaded = started.elapsed();
    let embedded = Embedded::start().await;
    let run = Run::new(
        embedded.targets(Duration::from_secs(10))?,
        RunOptions::default(),
    )?;
    let runners = run.runners();
    let setup = started.elapsed();

    let mut all = Vec::new();
    for _ in 0..=RUNS {
        let started = Instant::now();
        let results = run_suite(&entries, runners, |_, _, _| {}).await;
        all.push(figures(started.elapsed(), &results));
    }
    let cold = all.remove(0);
    let mut walls: Vec<Duration> = all.iter().map(|f| f.wall).collect();
    walls.sort();
    let median = walls[walls.len() / 2];
    let cases: usize = all.iter().map(|f| f.cases).sum();
    let requests: usize = all.iter().map(|f| f.requests).sum();
    let wall: Duration = all.iter().map(|f| f.wall).sum();
    let waited: Duration = all.iter().map(|f| f.waited).sum();
    let overhead = wall.saturating_sub(waited);

    println!("hookspec-conformance suite benchmark (embedded fake, one case at a time)");
    println!(
        "  {} case files, {} case runs per suite run ({}), {} requests per suite run",
        entries.len(),
        cold.cases,
        cold.summary,
        cold.requests
    );
    println!(
        "  setup: load cases {:.1} ms, start fake and runners {:.1} ms",
        ms(loaded),
        ms(setup - loaded)
    );
    println!(
        "  first (cold) run: {:.1} ms wall (schemas compiled on first use)",
        ms(cold.wall)
    );
    println!(
        "  next {RUNS} runs: median {:.1} ms, fastest {:.1} ms, slowest {:.1} ms per suite run",
        ms(median),
        ms(walls[0]),
        ms(walls[walls.len() - 1])
    );
    println!(
        "  throughput: {:.0} cases/s, {:.0} requests/s",
        cases as f64 / wall.as_secs_f64(),
        requests as f64 / wall.as_secs_f64()
    );
    println!(
        "  per case: {:.3} ms wall, of which {:.3} ms waiting on the server and {:.3} ms the runner's own overhead ({:.0}%)",
        ms(wall) / cases as f64,
        ms(waited) / cases as f64,
        ms(overhead) / cases as f64,
        100.0 * overhead.as_secs_f64() / wall.as_secs_f64()
    );
    let verdict = if cold.wall < TARGET { "met" } else { "MISSED" };
    println!(
        "  target: whole suite under {:.0} s wall: {verdict} (cold {:.1} ms, median {:.1} ms)",
        TARGET.as_secs_f64(),
        ms(cold.wall),
        ms(median)
    );
    if all.iter().any(|f| !f.summary.ok()) || !cold.summary.ok() {
        println!("  warning: some cases failed; the figures include their cleanup");
    }
    Ok(())
}
