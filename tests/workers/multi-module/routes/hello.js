// Loaded with dynamic import() by the entry module.
import { shout } from "../lib/util/strings.js";

export default function hello(request, info) {
  return Response.json({ route: "hello", method: request.method, shout: shout("hi"), ...info });
}
