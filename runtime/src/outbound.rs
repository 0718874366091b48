//! Where a site's outbound requests may go (`policy`) and the HTTP clients that send them under
//! that policy (`client`): what `fetch` and the isolate's host share.

pub(crate) mod client;
pub mod policy;
