//! What a worker site serves: its project as detected in its folder (`project`), its D1
//! migrations (`migrations`), which paths its assets or its worker answer first
//! (`static_routing`), and the version each site serves now, with its previews
//! (`versions`). Answering requests with them is [`crate::worker_backend`]'s.

pub mod migrations;
pub mod project;
pub mod static_routing;
pub mod versions;
