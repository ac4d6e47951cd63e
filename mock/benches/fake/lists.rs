//! Lists over large state: a page of 100 from 10 000 hooks beside a page of 100 from 100 hooks,
//! through the fake's hyper server (as the binary serves it), light client, concurrency 1.

use hookspec_mock::{Fake, FakeConfig, HookSeed, RequestLog, serve};

use crate::Settings;
use crate::load::{self, Call, Client, Target};

pub async fn list_cost(settings: &Settings) {
    let fake = Fake::new(FakeConfig {
        record_requests: false,
        ..FakeConfig::default()
    });
    let state = fake.state();
    for i in 0..10_000 {
        state.insert_org_hook("big", HookSeed::new(format!("https://example.com/{i}")));
    }
    for i in 0..100 {
        state.insert_org_hook("small", HookSeed::new(format!("https://example.com/{i}")));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, fake, RequestLog::Quiet, async move {
        let _ = stopped.await;
    }));
    let target = |path: &str| Target {
        address: address.clone(),
        call: Call::get(path),
    };
    let targets = [
        target("/orgs/big/hooks?per_page=100&page=100"),
        target("/orgs/big/hooks?per_page=100&page=1"),
        target("/orgs/small/hooks?per_page=100"),
    ];
    let runs = settings.requests / 2;
    let stats = load::interleaved(&targets, Client::Hyper, 1, runs, settings.time_cap).await;
    println!("\n== lists over large state (fake over hyper, light client, concurrency 1) ==");
    load::header();
    load::row(
        "last page of 100 of 10 000 vs 100 of 100",
        1,
        &stats[0],
        &stats[2],
        1.0 / 1.2,
    );
    load::row(
        "first page of 100 of 10 000 vs 100 of 100",
        1,
        &stats[1],
        &stats[2],
        1.0 / 1.2,
    );
    let _ = stop.send(());
    let _ = server.await;
}
