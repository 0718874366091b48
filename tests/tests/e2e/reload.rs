//! Config reload: a changed RBAC file takes effect without restart; a bad one is refused and
//! the previous snapshot keeps serving.

use std::time::{Duration, Instant};

use e2e::Upstream;

use crate::support::{acme, acme_rbac, host};

async fn wait_for_status(client: &e2e::Client, site: &str, status: u16) {
    let start = Instant::now();
    loop {
        if client.get(&host(site), "/").await.status() == status {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{site} never answered {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn rbac_changes_apply_live_and_bad_files_keep_the_old_snapshot() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let client = gw.client();
    let rbac_path = gw.dir().join("rbac/acme.toml");
    assert_eq!(client.get(&host("added"), "/").await.status(), 404);

    // Add a site: it is served after the file-change reload (the dev CA issues its certificate).
    let added = format!(
        "{}\n[sites.added]\naccess = \"public\"\nbackend = {{ upstream = \"{}\" }}\n",
        acme_rbac(&upstream),
        upstream.url()
    );
    std::fs::write(&rbac_path, &added).unwrap();
    wait_for_status(&client, "added", 200).await;

    // A broken file is refused; everything keeps serving as before.
    std::fs::write(
        &rbac_path,
        added.replace("access = \"public\"", "access = \"admin_only\""),
    )
    .unwrap();
    gw.signal(libc::SIGHUP);
    let admin = format!("{}/metrics", gw.admin_url());
    let start = Instant::now();
    loop {
        let metrics = gw
            .admin_client()
            .get(&admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("sitegate_config_reloads_total{result=\"error\"}") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the failed reload was not counted:\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(client.get(&host("added"), "/").await.status(), 200);
    assert_eq!(client.get(&host("app"), "/").await.status(), 200);
    assert!(
        gw.log().contains("admin_only"),
        "the reload error names the bad value"
    );
}
