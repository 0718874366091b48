// Strings for the multi-module corpus worker; half of an import cycle with ../math.js.
import { add } from "../math.js";

export function shout(s) {
  return s.toUpperCase() + "!";
}

export function label(n) {
  return `#${add(n, 0)}`;
}
