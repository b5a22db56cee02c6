/**
 * A whole number as the functions' environment variables must spell it: decimal digits only, at
 * most 15 (exact as a double). `Number()` alone would also take `" "` (0), `"0x3c"` (60) and
 * `"1e6"`; the receiver's and the watchdog's configurations both refuse those with this rule.
 */
export const WHOLE_DECIMAL = /^[0-9]{1,15}$/;
