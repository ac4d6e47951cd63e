//! Deliveries per second: the fake's delivery engine sending pings to a loopback receiver,
//! beside a plain hyper-util client posting the same signed bytes with 64 in flight on the same
//! kind of runtime (one thread), in alternating rounds. The engine sends at most
//! `MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER` (32) at once to any one receiver, each over its own
//! connection, so to this single receiver it has 32 in flight where the plain client has 64.
//! That bound is not the gap: fewer requests in flight do mean fewer requests per wake-up (on a
//! 2-core machine the plain client held to 8 in flight made about three times as many
//! wake-ups and went about 17% slower: `perf stat -e sched:sched_wakeup,cpu-clock` on
//! `profile_deliveries plain`), and the engine went about 7% faster with 32 per receiver than
//! with 8, but no faster with 64 than with 32. The gap is the fake's own work per delivery,
//! on the sending thread, which bounds the row: beside the plain client's, its time there is
//! the same but for `Outgoing::finish` (`perf record` on `profile_deliveries fake` and `plain`),
//! where the two HMACs over the body are about 14% of the thread's time and writing the
//! payload and its headers about 7%; it allocates about as often as the plain client (23 and
//! 22.5 times a delivery, callgrind). The ping call takes about 2 µs on the bench's thread.
//! Two sending threads (a lane's workers alternating between two runtimes) read 0.86–0.93x
//! against this one-thread client, but 0.75–0.82x against the same client on two threads:
//! parallelism helps both alike, so the engine keeps the one thread the baseline has.

use std::time::{Duration, Instant};

use crate::Settings;
use crate::floor::{self, Floor, Seen};
use crate::load;

/// The plain client's bound on requests in flight.
const IN_FLIGHT: usize = 64;

pub async fn deliveries(settings: &Settings) {
    let receiver = Floor::receiver();
    let total = settings.deliveries;
    // The pings are asked for in one burst, far faster than any receiver takes them: room for
    // them all to wait their turn rather than be recorded as refused.
    let (fake, ping, hook) =
        floor::ping_subject(&format!("http://{}/hook", receiver.address), total);
    let state = fake.state();

    // Alternating rounds, as the request rows do, so that background load on a shared machine
    // falls on both alike: the fake (every ping answers 204 at once and is delivered in the
    // background), then a plain client posting the same bytes.
    // Rounds of one burst each, the burst always the same size, so that more pings give more
    // rounds (a steadier median on a shared machine), not longer ones.
    let rounds = total.div_ceil(floor::BURST).max(1);
    let per_round = total.div_ceil(rounds);
    let url = format!("http://{}/hook", receiver.address);
    let plain_client = floor::PlainClient::start(url, IN_FLIGHT);
    let (mut fake_elapsed, mut plain_elapsed) = (Duration::ZERO, Duration::ZERO);
    let (mut fake_rounds, mut plain_rounds) = (Vec::new(), Vec::new());
    let (mut api_time, mut slowest_call) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..per_round {
            let sent = Instant::now();
            let response = fake.handle(&ping);
            slowest_call = slowest_call.max(sent.elapsed());
            assert_eq!(response.status, 204);
        }
        api_time += started.elapsed();
        state
            .wait_for_deliveries(settings.time_cap)
            .await
            .expect("every delivery recorded");
        fake_elapsed += started.elapsed();
        fake_rounds.push(per_round as f64 / started.elapsed().as_secs_f64());

        let seen: Seen = receiver.first.lock().unwrap().clone().expect("a delivery");
        let plain = plain_client.posts(seen, per_round);
        plain_elapsed += plain;
        plain_rounds.push(per_round as f64 / plain.as_secs_f64());
    }
    let records = state.deliveries(hook);
    assert!(records.iter().all(|d| d.status_code == 200));
    let total = per_round * rounds;

    let fake_rate = total as f64 / fake_elapsed.as_secs_f64();
    let plain_rate = total as f64 / plain_elapsed.as_secs_f64();
    // As the request rows: the median over the rounds of each round's ratio.
    let ratio = load::median_ratio(&fake_rounds, &plain_rounds);
    println!(
        "\n== deliveries to a loopback receiver ({total} pings; plain client {IN_FLIGHT} in flight, engine {} per receiver) ==",
        hookspec_mock::MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER
    );
    println!(
        "fake {fake_rate:.0}/s  plain hyper client {plain_rate:.0}/s  {ratio:.2}x (median of {rounds} paired rounds)  {} (>= 0.8x)",
        load::verdict(ratio >= 0.8)
    );
    println!(
        "the {total} ping calls took {:.1} ms in all, the slowest {} (the API never waits for a delivery); {} records kept (cap per hook)",
        api_time.as_secs_f64() * 1e3,
        load::micros(slowest_call),
        records.len(),
    );
}
