/**
 * OHLCV CSV → validated BarColumns. Pure parsing and validation: no database, no UI.
 *
 * sniff.ts first looks at the file's first lines (separator, banner lines, header or not); then
 * one pass over the records maps the header (or `--columns`) to columns (layout.ts) and checks
 * every row straight into Float64Arrays. Every problem is collected (up to MAX_ISSUES) and thrown
 * together as one OhlcvImportError, so a user sees all that is wrong with a file at once. What was
 * decided goes back as `detected` (settings.ts), so nothing is silently guessed.
 *
 * Behaviour decisions:
 * - Delimiter: the one of , ; tab | that gives the most lines the same width (ties: ',').
 * - Decimal comma: in non-',' files one ',' in a number is the decimal point ("1,0523"); '.' works
 *   there too. Thousands groups: "1,234.5" in decimal-point files (quoted in ',' files), "1 234,5"
 *   in decimal-comma files; "1.234,5" stays an error (see numbers.ts).
 * - Volume: no volume column → volume null. A volume column that is empty (or "-") on every row,
 *   or zero on every row, means "no volume" (said in `detected`); otherwise an empty cell is an
 *   error, never a silent 0. K/M/B suffixes are read ("1.2M").
 * - Time: per-file format, decided by the first cell (time-reader.ts); day/month order from the
 *   whole column (a second pass when the first could not tell). Zone-less times are UTC unless `tz`.
 * - Order: rows must be strictly increasing, except that a file decreasing on every row is
 *   newest-first and is reversed. A row repeating the previous row exactly is dropped (a warning);
 *   the same time with different values is an error.
 * - Blank lines are skipped (but still counted for line numbers). Rows whose field count differs
 *   from the header's are errors. Unknown columns are ignored with a warning.
 * - A CSV syntax error (e.g. an unclosed quote) stops reading; problems found before it are reported too.
 *
 * Files: ohlcv.ts (this public face), ohlcv-parse.ts (bytes and text, the two-pass rule),
 * ohlcv-builder.ts (one pass: rows checked into columns), column-buffer.ts (the growing columns),
 * ohlcv-file.ts (reading a path, streamed when large), ohlcv-types.ts (result and options).
 */
export type { ImportOptions, ParsedOhlcv } from './ohlcv-types.ts';
export { parseOhlcvBuffer, parseOhlcvBufferAsync, parseOhlcvCsv } from './ohlcv-parse.ts';
export { STREAM_ABOVE_BYTES, openCsvFile, readOhlcvCsvFile, type FileImportOptions } from './ohlcv-file.ts';
