// Arithmetic for the multi-module corpus worker; imports strings, which imports it back.
import { label } from "./util/strings.js";

export const PI_ISH = 3.14;

export function add(a, b) {
  return a + b;
}

export function labelled(n) {
  return label(n);
}
