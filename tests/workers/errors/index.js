// Failures: thrown exceptions and rejected promises become 500s, handlers that return
// something other than a Response too; a worker's own 404 and errors it catches do not.
export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    switch (pathname) {
      case "/throw":
        throw new Error("thrown on purpose");
      case "/throw-string":
        throw "a string";
      case "/reject":
        await new Promise((resolve) => setTimeout(resolve, 1));
        return Promise.reject(new TypeError("rejected on purpose"));
      case "/not-a-response":
        return { not: "a response" };
      case "/undefined":
        return undefined;
      case "/caught":
        try {
          null.property;
        } catch (e) {
          return Response.json({ name: e.name, is_type_error: e instanceof TypeError }, { status: 500 });
        }
        return new Response("unreachable");
      case "/ok":
        return new Response("still fine");
      default:
        return new Response("Not Found", { status: 404 });
    }
  },
};
