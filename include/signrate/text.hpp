#pragma once
// Text from users shown back to them: one line, every byte visible, valid UTF-8.
#include <string>
#include <string_view>

namespace signrate {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);

// `s` on one line: \n, \r and \t as those escapes, every other control character (and DEL) and
// every byte that is not part of valid UTF-8 as \xNN; a backslash stays a backslash.
std::string printable(std::string_view s);

// One word of a shell command line that gives back `arg` exactly: as is when it holds only safe
// characters, 'single-quoted' otherwise, and $'...' with \xNN escapes when it holds control
// characters or bytes that are not valid UTF-8 (bash, zsh and ksh read that form).
std::string shell_word(std::string_view arg);

// "mean +- stderr" for people: the standard error to two significant digits and the mean to the
// same decimal place (49.5379, 0.0722 -> "49.538 +- 0.072"); a standard error that is not a
// positive finite number leaves the mean at 6 significant digits ("2.5 +- 0", "2.5 +- nan").
std::string mean_pm_stderr(double mean, double stderr_);

}  // namespace signrate
