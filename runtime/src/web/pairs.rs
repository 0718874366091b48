//! Ordered name/value lists, as `Headers` and `URLSearchParams` keep them: the one update both
//! specify the same way (`set`).

/// Sets the first pair named `name` to `value` and removes the other pairs of that name, or
/// appends the pair when there is none.
pub(crate) fn set_first(list: &mut Vec<(String, String)>, name: String, value: String) {
    match list.iter().position(|(n, _)| *n == name) {
        Some(first) => {
            list[first].1 = value;
            let mut index = 0;
            list.retain(|(n, _)| {
                index += 1;
                index - 1 == first || *n != name
            });
        }
        None => list.push((name, value)),
    }
}
