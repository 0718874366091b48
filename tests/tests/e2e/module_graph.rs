//! The module graph inside each crate has no cycle: under every module, its child modules
//! (each standing for everything beneath it) reach each other through `use` and paths without
//! going round in a circle, so that a module can be read before the ones that use it. An edge
//! from a parent to its child or back is ownership, not a dependency, and does not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

use crate::support::repo;

/// A module's path inside its crate (`["auth", "session"]`; the crate root is empty).
type ModPath = Vec<String>;

/// One reference from a module to another, with where it is written.
#[derive(Clone, Debug)]
struct Reference {
    from: ModPath,
    to: ModPath,
    at: String,
}

/// The crate whose sources are under `<repo>/<name>/src`: its modules and the references
/// between them (test-only modules and items left out).
struct CrateGraph {
    modules: BTreeSet<ModPath>,
    references: Vec<Reference>,
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr.meta.require_list().is_ok_and(|list| {
                list.tokens
                    .to_string()
                    .split_whitespace()
                    .any(|t| t == "test")
            })
    })
}

/// The file of module `name` declared in `file`: beside it in the folder a `mod.rs`,
/// `lib.rs` or `main.rs` owns, else in the folder named after `file`.
fn child_file(file: &Path, name: &str) -> Option<PathBuf> {
    let stem = file.file_stem()?.to_string_lossy().to_string();
    let dir = match stem.as_str() {
        "mod" | "lib" | "main" => file.parent()?.to_path_buf(),
        _ => file.with_extension(""),
    };
    [
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|candidate| candidate.exists())
}

/// Collects the paths written in one module's file that start at `crate`, `super` or `self`,
/// or at one of the module's own `use` names.
struct Paths {
    module: ModPath,
    found: Vec<(ModPath, usize)>,
}

impl Paths {
    /// `segments` as a path from the crate root, if it starts at `crate`, `super` or `self`.
    fn absolute(&self, segments: &[String]) -> Option<ModPath> {
        let mut base = self.module.clone();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &rest[1..];
            }
            Some("self") => rest = &rest[1..],
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
            }
            _ => return None,
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn note(&mut self, segments: &[String], line: usize) {
        if let Some(path) = self.absolute(segments) {
            self.found.push((path, line));
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, line: usize) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree, line);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                prefix.push(name.ident.to_string());
                self.note(prefix, line);
                prefix.pop();
            }
            syn::UseTree::Rename(rename) => {
                prefix.push(rename.ident.to_string());
                self.note(prefix, line);
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.note(prefix, line),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree, line);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if !is_test_only(&item.attrs) {
            let line = item.use_token.span.start().line;
            self.use_tree(&mut Vec::new(), &item.tree, line);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = path
            .segments
            .first()
            .map_or(0, |s| s.ident.span().start().line);
        self.note(&segments, line);
        syn::visit::visit_path(self, path);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        // Inline modules are part of this file's module; test-only ones are left out.
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_impl(self, item);
        }
    }
}

impl CrateGraph {
    fn read(crate_dir: &str) -> CrateGraph {
        let src = repo().join(crate_dir).join("src");
        let root = ["lib.rs", "main.rs"]
            .iter()
            .map(|f| src.join(f))
            .find(|f| f.exists())
            .expect("a crate root");
        let mut graph = CrateGraph {
            modules: BTreeSet::new(),
            references: Vec::new(),
        };
        let mut raw = Vec::new();
        let mut queue = vec![(Vec::new(), root)];
        while let Some((module, file)) = queue.pop() {
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            for item in &parsed.items {
                if let syn::Item::Mod(declared) = item {
                    if declared.content.is_none() && !is_test_only(&declared.attrs) {
                        let name = declared.ident.to_string();
                        let child = child_file(&file, &name)
                            .unwrap_or_else(|| panic!("{file:?}: no file for `mod {name}`"));
                        let mut path = module.clone();
                        path.push(name);
                        queue.push((path, child));
                    }
                }
            }
            let mut paths = Paths {
                module: module.clone(),
                found: Vec::new(),
            };
            paths.visit_file(&parsed);
            let shown = file
                .strip_prefix(repo())
                .unwrap_or(&file)
                .display()
                .to_string();
            for (to, line) in paths.found {
                raw.push((module.clone(), to, format!("{shown}:{line}")));
            }
            graph.modules.insert(module);
        }
        for (from, to, at) in raw {
            // The module a path names: the longest prefix of it that is a module.
            let Some(to) = (0..=to.len())
                .rev()
                .map(|n| to[..n].to_vec())
                .find(|prefix| graph.modules.contains(prefix))
            else {
                continue;
            };
            graph.references.push(Reference { from, to, at });
        }
        graph
    }

    /// The cycles among the children of each module, each as the children in order and the
    /// references that close it.
    fn cycles(&self) -> Vec<String> {
        let mut found = Vec::new();
        for parent in &self.modules {
            // Edges between the children of `parent`: a reference whose two ends lie under
            // two different children.
            let child_of = |module: &ModPath| -> Option<String> {
                (module.len() > parent.len() && module.starts_with(parent))
                    .then(|| module[parent.len()].clone())
            };
            let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for reference in &self.references {
                let (Some(a), Some(b)) = (child_of(&reference.from), child_of(&reference.to))
                else {
                    continue;
                };
                if a != b {
                    edges
                        .entry(a)
                        .or_default()
                        .entry(b)
                        .or_insert_with(|| reference.at.clone());
                }
            }
            for cycle in find_cycles(&edges) {
                let steps: Vec<String> = cycle
                    .windows(2)
                    .map(|pair| {
                        format!("{} → {} ({})", pair[0], pair[1], edges[&pair[0]][&pair[1]])
                    })
                    .collect();
                let under = if parent.is_empty() {
                    "the crate root".to_string()
                } else {
                    parent.join("::")
                };
                found.push(format!("under {under}: {}", steps.join(", ")));
            }
        }
        found
    }
}

/// One cycle through each strongly connected group of `edges` that has more than one node,
/// as the list of nodes with the first repeated at the end.
fn find_cycles(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<Vec<String>> {
    let reaches = |from: &String, to: &String| -> Option<Vec<String>> {
        // A shortest path from `from` to `to` (breadth first).
        let mut previous: BTreeMap<String, String> = BTreeMap::new();
        let mut frontier = vec![from.clone()];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for node in frontier {
                for target in edges.get(&node).into_iter().flat_map(|e| e.keys()) {
                    if target == to {
                        let mut path = vec![to.clone(), node.clone()];
                        let mut at = node;
                        while let Some(p) = previous.get(&at) {
                            path.push(p.clone());
                            at = p.clone();
                        }
                        path.reverse();
                        return Some(path);
                    }
                    if !previous.contains_key(target) && target != from {
                        previous.insert(target.clone(), node.clone());
                        next.push(target.clone());
                    }
                }
            }
            frontier = next;
        }
        None
    };
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut cycles = Vec::new();
    for node in edges.keys() {
        if seen.contains(node) {
            continue;
        }
        if let Some(cycle) = reaches(node, node) {
            seen.extend(cycle.iter().cloned());
            cycles.push(cycle);
        }
    }
    cycles
}

fn assert_acyclic(crate_dir: &str) {
    let cycles = CrateGraph::read(crate_dir).cycles();
    assert!(
        cycles.is_empty(),
        "module cycles in {crate_dir}:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_policy_crate_has_no_module_cycle() {
    assert_acyclic("policy");
}

#[test]
fn the_certs_crate_has_no_module_cycle() {
    assert_acyclic("certs");
}

#[test]
fn the_runtime_crate_has_no_module_cycle() {
    assert_acyclic("runtime");
}

#[test]
fn the_gateway_crate_has_no_module_cycle() {
    assert_acyclic("gateway");
}

#[test]
fn a_cycle_between_two_modules_is_found() {
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    edges
        .entry("a".into())
        .or_default()
        .insert("b".into(), "a.rs:1".into());
    edges
        .entry("b".into())
        .or_default()
        .insert("c".into(), "b.rs:1".into());
    edges
        .entry("c".into())
        .or_default()
        .insert("a".into(), "c.rs:1".into());
    edges
        .entry("c".into())
        .or_default()
        .insert("d".into(), "c.rs:2".into());
    assert_eq!(find_cycles(&edges), vec![vec!["a", "b", "c", "a"]]);
    edges.get_mut("c").unwrap().remove("a");
    assert!(find_cycles(&edges).is_empty());
}
