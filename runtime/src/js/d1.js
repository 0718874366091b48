// The D1 binding's objects, shaped as workerd's: `D1Database` (`prepare`, `batch`, `exec`,
// `withSession`), its sessions and prepared statements. `internal.d1Database(query)` makes a
// database whose statements run through the native `query(statements, together)`, which
// resolves to `{outputs}` (one `{columns, rows, meta}` each) or `{error}` (D1's message).
(function (internal) {
  "use strict";

  const ERROR_PREFIX = "D1_ERROR: ";

  // An `Error` with `message` whose cause carries the message without D1's prefix.
  function d1Error(message) {
    const bare = message.startsWith(ERROR_PREFIX) ? message.slice(ERROR_PREFIX.length) : message;
    return new Error(message, { cause: new Error(bare) });
  }

  // An `Error` `<code>: <text>` whose cause says `bare` (the text, unless given).
  function codedError(code, text, bare = text) {
    return new Error(`${code}: ${text}`, { cause: new Error(bare) });
  }

  // The value bound for `value`, as workerd converts it, or a D1_TYPE_ERROR. A view is bound
  // as the bytes its elements become (a DataView, having none, as no bytes).
  function bindable(value) {
    const type = typeof value;
    if (type === "number" || type === "string" || value === null) return value;
    if (type === "boolean") return value ? 1 : 0;
    if (type === "object") {
      if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
      if (ArrayBuffer.isView(value)) return new Uint8Array(Array.from(value));
      if (Array.isArray(value) && value.every((b) => typeof b === "number" && b >= 0 && b < 256)) {
        return new Uint8Array(value);
      }
    }
    throw codedError("D1_TYPE_ERROR", `Type '${type}' not supported for value '${value}'`);
  }

  // Whether D1 sends a query at all: one of blanks and indented comments it drops.
  const isBlank = (sql) => sql.replace(/^\s+--.*/gm, "").trim().length === 0;

  // Runs `statements` (the blank ones dropped); the outputs, or a rejection with D1's error.
  async function send(query, statements, together) {
    const sent = statements.filter((s) => !isBlank(s.statement));
    if (sent.length === 0) throw d1Error("D1_ERROR: No SQL statements detected.");
    const reply = await query(sent.map((s) => [s.statement, s.params]), together);
    if (reply.error !== undefined) throw d1Error(reply.error);
    query.bookmark = reply.outputs[reply.outputs.length - 1].bookmark;
    return reply.outputs;
  }

  // A result object (`all`, `run`, `batch`) for one output.
  function result(output) {
    const results = output.rows.map((row) => {
      const object = {};
      output.columns.forEach((name, i) => { object[name] = row[i]; });
      return object;
    });
    return { success: true, meta: output.meta, results };
  }

  class D1PreparedStatement {
    #query;
    constructor(query, statement, params) {
      this.#query = query;
      this.statement = statement;
      this.params = params;
    }
    bind(...values) {
      return new D1PreparedStatement(this.#query, this.statement, values.map(bindable));
    }
    async first(column) {
      const [output] = await send(this.#query, [this], false);
      const [first] = result(output).results;
      if (column === undefined) return first === undefined ? null : first;
      if (first !== undefined && first[column] === undefined) {
        throw codedError("D1_COLUMN_NOTFOUND", `Column not found (${column})`, "Column not found");
      }
      return first === undefined ? null : first[column];
    }
    async run() {
      const [output] = await send(this.#query, [this], false);
      return result(output);
    }
    async all() {
      return this.run();
    }
    async raw(options) {
      const [output] = await send(this.#query, [this], false);
      return options && options.columnNames ? [output.columns, ...output.rows] : output.rows;
    }
  }

  // `value`, checked to be a prepared statement.
  function statement(value) {
    if (value instanceof D1PreparedStatement) return value;
    throw new TypeError(
      "Failed to execute 'batch' on 'D1Database': parameter 1 is not of type 'Array<D1PreparedStatement>'."
    );
  }

  // What a database and its sessions share: `prepare` and `batch`.
  function preparer(query) {
    return {
      prepare(sql) {
        return new D1PreparedStatement(query, String(sql), []);
      },
      async batch(statements) {
        const outputs = await send(query, statements.map(statement), true);
        return outputs.map(result);
      },
    };
  }

  class D1DatabaseSession {
    #d1;
    #query;
    constructor(query) {
      // The session's own view of the database: its bookmark is the one its queries saw.
      this.#query = (statements, together) => query(statements, together);
      this.#d1 = preparer(this.#query);
    }
    prepare(sql) {
      return this.#d1.prepare(sql);
    }
    batch(statements) {
      return this.#d1.batch(statements);
    }
    getBookmark() {
      return this.#query.bookmark ?? null;
    }
  }

  class D1Database {
    #query;
    #d1;
    constructor(query) {
      this.#query = query;
      this.#d1 = preparer(query);
    }
    prepare(sql) {
      return this.#d1.prepare(sql);
    }
    batch(statements) {
      return this.#d1.batch(statements);
    }
    withSession() {
      return new D1DatabaseSession(this.#query);
    }
    async exec(sql) {
      const lines = String(sql).trim().split("\n");
      const statements = lines
        .filter((line) => line.trim() !== "")
        .map((line) => ({ statement: line, params: [] }));
      let outputs;
      try {
        outputs = await send(this.#query, statements, true);
      } catch (error) {
        const bare = error.cause ? error.cause.message : error.message;
        const message = `Error in line 1: ${lines[0]}: ${bare}`;
        throw new Error(`D1_EXEC_ERROR: ${message}`, { cause: new Error(message) });
      }
      return { count: outputs.length, duration: outputs.reduce((sum, o) => sum + o.meta.duration, 0) };
    }
  }

  internal.d1Database = (query) => new D1Database(query);
});
