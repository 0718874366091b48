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

  // The value bound for `value`, as workerd converts it, or a D1_TYPE_ERROR.
  function bindable(value) {
    const type = typeof value;
    if (type === "number" || type === "string" || value === null) return value;
    if (type === "boolean") return value ? 1 : 0;
    if (type === "object") {
      if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
      if (ArrayBuffer.isView(value)) {
        return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
      }
      if (Array.isArray(value) && value.every((b) => typeof b === "number" && b >= 0 && b < 256)) {
        return new Uint8Array(value);
      }
    }
    throw new Error(`D1_TYPE_ERROR: Type '${type}' not supported for value '${value}'`);
  }

  // Runs `statements`; the outputs, or a rejection with D1's error.
  async function send(query, statements, together) {
    if (statements.length === 0) throw d1Error("D1_ERROR: No SQL statements detected.");
    const reply = await query(statements.map((s) => [s.statement, s.params]), together);
    if (reply.error !== undefined) throw d1Error(reply.error);
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
        throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
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

  // What a database and its sessions share: `prepare` and `batch`.
  function preparer(query) {
    return {
      prepare(sql) {
        return new D1PreparedStatement(query, String(sql), []);
      },
      async batch(statements) {
        const outputs = await send(query, [...statements], true);
        return outputs.map(result);
      },
    };
  }

  class D1DatabaseSession {
    #d1;
    constructor(query) {
      this.#d1 = preparer(query);
    }
    prepare(sql) {
      return this.#d1.prepare(sql);
    }
    batch(statements) {
      return this.#d1.batch(statements);
    }
    getBookmark() {
      return null;
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
