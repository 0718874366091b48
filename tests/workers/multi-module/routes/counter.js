// Module state lives as long as the module instance: the count only grows.
let count = 0;

export default function counter(request, info) {
  count += 1;
  return Response.json({ route: "counter", positive: count > 0, ...info });
}
