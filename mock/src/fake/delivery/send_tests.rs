//! The sending thread's rules: addresses, lanes, failure wording.
use super::*;
use http_body_util::Full;
use hyper::body::Bytes;
use std::net::IpAddr;

#[test]
fn only_loopback_hosts_receive_by_default() {
    for url in [
        "http://127.0.0.1:9/hook",
        "http://127.8.0.1/x",
        "http://[::1]:8080/",
        "http://localhost:3000/hook",
        "https://LOCALHOST/hook",
    ] {
        assert_eq!(check_url(url, false).map(|_| ()), Ok(()), "{url}");
    }
    for url in [
        "https://example.com/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.2/",
        "http://localhost.example.com/",
    ] {
        let refused = check_url(url, false);
        assert!(
            refused.as_ref().is_err_and(|why| why.contains("loopback")),
            "{url}: {refused:?}"
        );
        assert_eq!(check_url(url, true).map(|_| ()), Ok(()), "{url}");
    }
    assert!(check_url("ftp://127.0.0.1/", true).is_err());
    assert!(check_url("not a url", true).is_err());
    // An address is named in the refusal.
    assert_eq!(
        check_url("http://10.0.0.1/hook", false).map_err(|why| why.contains("10.0.0.1 is not")),
        Err(true)
    );
}

fn ips(addresses: &[&str]) -> Vec<IpAddr> {
    addresses.iter().filter_map(|a| a.parse().ok()).collect()
}

#[test]
fn a_host_is_allowed_only_if_every_address_it_resolves_to_is() {
    for loopback in [
        &["127.0.0.1"][..],
        &["::1", "127.0.0.1"],
        &["127.8.0.1"],
        &["::ffff:127.0.0.1"],
    ] {
        assert_eq!(allowed(&ips(loopback), false), Ok(()), "{loopback:?}");
    }
    let mixed = ips(&["127.0.0.1", "::1", "10.1.2.3"]);
    assert_eq!(
        allowed(&mixed, false),
        Err(NotAllowed::NotLoopback(ips(&["10.1.2.3"])[0]))
    );
    assert_eq!(allowed(&mixed, true), Ok(()));
    assert_eq!(allowed(&ips(&["::ffff:10.0.0.1"]), true), Ok(()));
    assert!(allowed(&ips(&["::ffff:10.0.0.1"]), false).is_err());
    assert_eq!(allowed(&[], false), Err(NotAllowed::NoAddress));
    assert_eq!(allowed(&[], true), Err(NotAllowed::NoAddress));
    let why = refusal(
        "localhost",
        &NotAllowed::NotLoopback(ips(&["192.0.2.7"])[0]),
    );
    assert!(
        why.contains("localhost") && why.contains("192.0.2.7") && why.contains("loopback"),
        "{why}"
    );
}

/// The connector goes to the addresses that were checked for a name, and never resolves
/// a name itself: `.invalid` names (RFC 6761) resolve nowhere, so a connection made to
/// one is a connection made to the checked address.
#[tokio::test]
async fn the_connector_connects_to_the_checked_address_and_resolves_nothing_else() {
    let receiver = crate::receiver::Receiver::start().await.unwrap();
    let port = receiver
        .url()
        .trim_end_matches("/webhook")
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let checked = CheckedAddresses::default();
    // The deliveries' connector, in a client of its own (the engine drives connections itself).
    let connector = crate::net::https_connector_with_resolver(
        crate::net::client_config(false).unwrap(),
        None,
        checked.clone(),
    );
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Full<Bytes>>(connector);
    let post = |host: &str| {
        hyper::Request::post(format!("http://{host}:{port}"))
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap()
    };

    let unchecked = client.request(post("receiver.invalid")).await;
    assert!(unchecked.is_err_and(|error| error.is_connect()));
    assert!(receiver.received().is_empty());

    checked.remember("receiver.invalid".to_owned(), &ips(&["127.0.0.1"]));
    let answered = client.request(post("RECEIVER.invalid")).await.unwrap();
    assert_eq!(answered.status(), 200);
    assert_eq!(receiver.received().len(), 1);
}

fn key(url: &str) -> Arc<str> {
    receiver_key(&url::Url::parse(url).unwrap()).into()
}

#[test]
fn a_receiver_is_its_scheme_host_and_port_and_its_lane_lives_while_used() {
    assert_eq!(
        key("http://127.0.0.1:8080/a?b"),
        key("http://127.0.0.1:8080/c")
    );
    assert_eq!(&*key("https://LOCALHOST/x"), "https://localhost:443");
    assert_ne!(key("http://127.0.0.1:8080/"), key("http://127.0.0.1:8081/"));

    let lanes: Lanes<u32> = Lanes::default();
    let one = key("http://127.0.0.1:1/");
    let bound = MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER as u32;
    // The first delivery brings a worker; the next ones wait for it, in order, until more
    // than the bound wait: from then on each brings another worker, up to the bound.
    let mut workers = vec![lanes.push(&one, 0).unwrap()];
    for n in 1..bound {
        assert!(lanes.push(&one, n).is_none(), "{n}");
    }
    for n in bound..2 * bound - 1 {
        workers.push(lanes.push(&key("http://127.0.0.1:1/other"), n).unwrap());
    }
    assert!(lanes.push(&one, 100).is_none());
    assert_eq!(workers.len(), MAX_DELIVERIES_IN_FLIGHT_PER_RECEIVER);
    let mut other = lanes.push(&key("http://127.0.0.1:2/"), 200).unwrap();
    assert_eq!(lanes.len(), 2);
    // Workers take the lane's deliveries in order, whichever worker asks.
    let count = workers.len();
    let taken: Vec<Option<u32>> = (0..2 * bound as usize)
        .map(|n| workers[n % count].next())
        .collect();
    let mut queued: Vec<Option<u32>> = (0..2 * bound - 1).map(Some).collect();
    queued.push(Some(100));
    assert_eq!(taken, queued);
    // An empty lane counts its workers out as they ask, and goes with the last.
    for worker in &mut workers {
        assert_eq!(worker.next(), None);
    }
    assert_eq!(lanes.len(), 1);
    assert_eq!(other.next(), Some(200));
    assert_eq!(other.next(), None);
    assert_eq!(lanes.len(), 0);
    // A worker that ends without asking (its task panicked) leaves room for a new one.
    let dropped = lanes.push(&one, 400).unwrap();
    drop(dropped);
    let mut again = lanes.push(&one, 401).unwrap();
    assert_eq!(
        (again.next(), again.next(), again.next()),
        (Some(400), Some(401), None)
    );
    assert_eq!(lanes.len(), 0);
}

#[tokio::test]
async fn localhost_resolves_to_loopback_addresses_only() {
    let url = url::Url::parse("http://localhost:9/").unwrap();
    let (host, addresses) = resolve(&url).await.unwrap();
    assert_eq!(host.as_deref(), Some("localhost"));
    assert_eq!(allowed(&addresses, false), Ok(()), "{addresses:?}");
}
