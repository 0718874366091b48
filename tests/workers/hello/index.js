// The smallest worker: a fixed text response.
export default {
  fetch() {
    return new Response("Hello, world!\n");
  },
};
