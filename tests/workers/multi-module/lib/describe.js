// A default export that uses both sides of the cycle.
import { labelled } from "./math.js";
import { shout } from "./util/strings.js";

export default function describe() {
  return shout(labelled(7));
}
