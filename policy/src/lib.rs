//! RBAC model and access decisions.
