//! Many clients at once: 16 tasks creating, updating and deleting hooks leave no lost or
//! duplicated hook, and every id is unique.

use std::collections::BTreeSet;

use hookspec_mock::FakeGitHub;
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::support::Api;

const TASKS: usize = 16;
const HOOKS_PER_TASK: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_tasks_creating_updating_and_deleting_lose_and_duplicate_nothing() {
    let fake = FakeGitHub::start().await;
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let api = Api::new(&fake.uri());
        tasks.push(tokio::spawn(async move {
            let mut kept = Vec::new();
            let mut deleted = Vec::new();
            for n in 0..HOOKS_PER_TASK {
                let url = format!("https://example.com/{task}/{n}");
                let id = api.create_hook("octocat", &url).await;
                let update = api
                    .patch(
                        &format!("/orgs/octocat/hooks/{id}"),
                        json!({ "events": [format!("task-{task}")] }),
                    )
                    .await;
                assert_eq!(update.status, 200);
                if n % 3 == 0 {
                    assert_eq!(
                        api.delete(&format!("/orgs/octocat/hooks/{id}"))
                            .await
                            .status,
                        204
                    );
                    deleted.push(id);
                } else {
                    kept.push((id, task, url));
                }
            }
            (kept, deleted)
        }));
    }
    let mut kept = Vec::new();
    let mut all_ids = BTreeSet::new();
    let mut total = 0;
    for task in tasks {
        let (task_kept, task_deleted) = task.await.unwrap();
        total += task_kept.len() + task_deleted.len();
        all_ids.extend(task_kept.iter().map(|(id, _, _)| *id));
        all_ids.extend(task_deleted.iter().copied());
        kept.extend(task_kept);
    }
    assert_eq!(all_ids.len(), total, "ids are unique");
    assert_eq!(total, TASKS * HOOKS_PER_TASK);

    let stored = fake.state().org_hooks("octocat");
    assert_eq!(stored.len(), kept.len(), "no hook lost or duplicated");
    for (id, task, url) in &kept {
        let hook = stored.iter().find(|h| h.id == *id).unwrap();
        assert_eq!(hook.config.url, *url);
        assert_eq!(hook.events, [format!("task-{task}")]);
    }
}
