use std::time::Duration;

use super::next_hangup;

#[tokio::test]
async fn without_sighup_the_signal_branch_never_fires_so_polling_goes_on() {
    let waited = tokio::time::timeout(Duration::from_millis(50), next_hangup(&mut None)).await;
    assert!(waited.is_err(), "next_hangup(None) must stay pending");
}
