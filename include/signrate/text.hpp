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

}  // namespace signrate
