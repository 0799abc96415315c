// Command strings in compose files (`command: npm run dev`, `entrypoint`, healthcheck `test`)
// are split into argv words the way a POSIX shell would, without running a shell.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace compose {

// Splits a command string into words as a POSIX shell would, without running a shell and
// without expanding anything ($VAR, globs, ~ and `#` stay literal; ; | & < > are ordinary
// characters): space, tab and newline separate words; single quotes are literal; double quotes
// allow backslash escaping of \ " $ ` and newline; a backslash outside quotes escapes the next
// character (backslash-newline joins lines); adjacent quoted/unquoted parts join into one word;
// "" yields an empty word. Returns nullopt on an unterminated quote or a trailing lone backslash.
std::optional<std::vector<std::string>> split_shell_words(std::string_view text);

// The reverse, for display: words are joined by single spaces and quoted only when needed
// (single quotes, with ' written as '"'"'), so that split_shell_words(join_shell_words(w)) == w.
std::string join_shell_words(const std::vector<std::string>& words);

}  // namespace compose
