// A multi-module worker: static imports across directories (with a cycle), default and
// namespace imports, and routes loaded on demand with dynamic import().
import { add, PI_ISH } from "./lib/math.js";
import * as strings from "./lib/util/strings.js";
import describe from "./lib/describe.js";

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/") {
      return Response.json({
        sum: add(2, 3),
        pi: PI_ISH,
        shout: strings.shout("quiet"),
        exports: Object.keys(strings).sort(),
        description: describe(),
      });
    }
    const route = pathname.slice(1);
    if (!/^[a-z]+$/.test(route)) return new Response("bad route", { status: 400 });
    let module;
    try {
      module = await import(`./routes/${route}.js`);
    } catch (e) {
      return new Response(`no route ${route}: ${e.name}`, { status: 404 });
    }
    const again = await import(`./routes/${route}.js`);
    return module.default(request, { same_instance: again === module });
  },
};
