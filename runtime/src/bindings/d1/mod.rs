//! The D1 binding: one SQLite file per binding (`database`), queried off the JS thread; the
//! `D1Database` and statement objects are `js/d1.js`, which calls `query` here.

mod confine;
mod database;
mod statements;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use rquickjs::{Array, Ctx, Function, Object, Result, Value};
use rusqlite::types::Value as Sql;

use crate::host::Host;
pub use database::open_database;
use database::{Mode, Output, Query};

/// The `D1Database` object for the SQLite file `file`.
pub(crate) fn binding<'js>(ctx: &Ctx<'js>, host: &Rc<Host>, file: &Path) -> Result<Value<'js>> {
    let host = host.clone();
    let file = file.to_path_buf();
    let query = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, statements: Array<'js>, together: bool| {
            query(&ctx, &host, file.clone(), &statements, together)
        },
    )?;
    let internal = crate::js::internal(ctx)?;
    let make: Function = internal.get("d1Database")?;
    make.call((query,))
}

/// Runs `statements` (`[sql, values]` pairs), in one transaction if `together`; the promise
/// resolves to `{outputs}` or `{error}` (the message of the `Error` d1.js throws).
fn query<'js>(
    ctx: &Ctx<'js>,
    host: &Host,
    file: PathBuf,
    statements: &Array<'js>,
    together: bool,
) -> Result<Value<'js>> {
    let mut queries = Vec::with_capacity(statements.len());
    for statement in statements.iter::<Array<'js>>() {
        let statement = statement?;
        let sql: String = statement.get(0)?;
        let values: Array<'js> = statement.get(1)?;
        let params = values
            .iter::<Value<'js>>()
            .map(|v| v.and_then(|v| to_sql(ctx, &v)))
            .collect::<Result<Vec<Sql>>>()?;
        queries.push(Query { sql, params });
    }
    let mode = if together { Mode::Together } else { Mode::Each };
    let work = async move {
        tokio::task::spawn_blocking(move || Ok(database::run(&file, queries, mode)))
            .await
            .map_err(|e| format!("D1_ERROR: {e}"))?
    };
    let promise = host.spawn_op(ctx, work, |ctx, outcome| {
        let reply = Object::new(ctx.clone())?;
        match outcome {
            Ok(outputs) => {
                let list = Array::new(ctx.clone())?;
                for (i, output) in outputs.iter().enumerate() {
                    list.set(i, output_object(ctx, output)?)?;
                }
                reply.set("outputs", list)?;
            }
            Err(message) => reply.set("error", message)?,
        }
        Ok(reply.into_value())
    })?;
    Ok(promise.into_value())
}

/// A bound value d1.js already checked: null, number, string or `Uint8Array` (a blob). As
/// on workerd, where values reach SQLite through JSON, a number is bound as a REAL and one
/// JSON cannot hold (NaN, an infinity) as NULL.
fn to_sql<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Sql> {
    if value.is_null() {
        return Ok(Sql::Null);
    }
    if let Some(n) = value.as_number() {
        return Ok(if n.is_finite() {
            Sql::Real(n)
        } else {
            Sql::Null
        });
    }
    if let Some(text) = value.as_string() {
        return Ok(Sql::Text(text.to_string()?));
    }
    Ok(Sql::Blob(crate::web::bytes::bytes_of(ctx, value)?.to_vec()))
}

/// `{columns, rows, meta}` for one statement's output.
fn output_object<'js>(ctx: &Ctx<'js>, output: &Output) -> Result<Object<'js>> {
    let object = Object::new(ctx.clone())?;
    let columns = Array::new(ctx.clone())?;
    for (i, name) in output.columns.iter().enumerate() {
        columns.set(i, name.as_str())?;
    }
    object.set("columns", columns)?;
    let rows = Array::new(ctx.clone())?;
    for (i, row) in output.rows.iter().enumerate() {
        let values = Array::new(ctx.clone())?;
        for (j, value) in row.iter().enumerate() {
            values.set(j, from_sql(ctx, value)?)?;
        }
        rows.set(i, values)?;
    }
    object.set("rows", rows)?;
    let meta = Object::new(ctx.clone())?;
    meta.set("served_by", "sitegate.db")?;
    meta.set("duration", output.duration)?;
    meta.set("changes", output.changes as f64)?;
    meta.set("last_row_id", output.last_row_id as f64)?;
    meta.set("changed_db", output.changed_db)?;
    meta.set("size_after", output.size_after as f64)?;
    meta.set("rows_read", output.rows_read as f64)?;
    meta.set("rows_written", output.rows_written as f64)?;
    object.set("meta", meta)?;
    object.set("bookmark", bookmark(output.commits))?;
    Ok(object)
}

/// A session bookmark after `commits` commits, in D1's shape (four hex fields); Sitegate's
/// D1 has no replicas, so every bookmark is met at once.
fn bookmark(commits: u64) -> String {
    format!("{:08x}-{:08x}-{:08x}-{:032x}", 0, 0, commits, 0)
}

/// A column value as D1 gives it: numbers, strings, null, blobs as arrays of numbers.
fn from_sql<'js>(ctx: &Ctx<'js>, value: &Sql) -> Result<Value<'js>> {
    Ok(match value {
        Sql::Null => Value::new_null(ctx.clone()),
        Sql::Integer(n) => Value::new_number(ctx.clone(), *n as f64),
        Sql::Real(n) => Value::new_number(ctx.clone(), *n),
        Sql::Text(text) => rquickjs::String::from_str(ctx.clone(), text)?.into_value(),
        Sql::Blob(bytes) => {
            let array = Array::new(ctx.clone())?;
            for (i, byte) in bytes.iter().enumerate() {
                array.set(i, *byte)?;
            }
            array.into_value()
        }
    })
}
