// Small text helpers for output meant for humans (progress lines, the summary table):
// AWS messages and summaries may hold newlines or escapes, and ids may hold UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"

namespace drf {

// Replaces control characters (newline, '\r', ESC, DEL, ...) with spaces, so text cannot
// break a line or a table, or inject terminal escapes.
std::string StripControl(std::string_view text);

// Columns `text` takes on a terminal: one per UTF-8 code point (no wide-glyph tables).
size_t DisplayWidth(std::string_view text);

// `text` cut to at most `width` columns, ending in "…" when cut; never splits a code point.
std::string TruncateToWidth(std::string_view text, size_t width);

// `text` padded with spaces to `width` columns, on the right (or the left when
// `align_right`). Longer text is returned unchanged.
std::string Pad(std::string_view text, size_t width, bool align_right = false);

// ANSI colours of the terminal renderings (summary table, check table).
inline constexpr std::string_view kAnsiReset = "\x1b[0m";
inline constexpr std::string_view kAnsiBold = "\x1b[1m";
inline constexpr std::string_view kAnsiRed = "\x1b[31m";
inline constexpr std::string_view kAnsiGreen = "\x1b[32m";
inline constexpr std::string_view kAnsiYellow = "\x1b[33m";

// `text` in the colour `code` when `color` (and `code` is not empty); else as it is.
std::string Paint(std::string text, std::string_view code, bool color);

// "2.1 s": seconds with one decimal.
std::string FormatSeconds(Duration d);

}  // namespace drf
