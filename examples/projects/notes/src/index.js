// Notes: GET /api/notes lists them, POST /api/notes {"text": "..."} adds one. The person
// signed in (if any) comes from the headers Sitegate sets.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/api/notes") {
      return new Response("not found", { status: 404 });
    }
    if (request.method === "POST") {
      const { text } = await request.json();
      const author = request.headers.get("sitegate-user-email") ?? "anonymous";
      const { meta } = await env.DB.prepare("INSERT INTO notes (text, author) VALUES (?, ?)")
        .bind(String(text), author)
        .run();
      return Response.json({ id: meta.last_row_id }, { status: 201 });
    }
    const { results } = await env.DB.prepare(
      "SELECT id, text, author FROM notes ORDER BY id DESC LIMIT 50",
    ).all();
    return Response.json({ title: env.TITLE, notes: results });
  },
};
