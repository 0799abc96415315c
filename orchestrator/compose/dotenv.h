// The `.env` / env_file format as Docker Compose v2 reads it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/interpolation.h"

namespace compose {

struct DotenvEntry {
  std::string key;
  std::optional<std::string> value;  // nullopt for a bare `KEY`: take it from the environment
  int line = 0;                      // where the key is written, from 1
};

struct DotenvError {
  int line = 0;    // from 1
  int column = 0;  // from 1, in characters (UTF-8 code points)
  std::string message;
};

struct DotenvResult {
  std::vector<DotenvEntry> entries;  // in file order; a repeated key keeps only its last entry
  std::vector<DotenvError> errors;   // every error of the file, in file order
};

// Parses `KEY=VALUE` lines: blank lines and `#` comment lines are skipped; an `export ` prefix
// is allowed; whitespace around the key and around an unquoted value is dropped; an unquoted
// value ends at a '#' that follows whitespace; a bare `KEY` has no value.
// Quoting: 'single' is literal except \' (as in Compose); "double" decodes \n \t \r \" \\ \$
// \a \b \f \v and keeps any other backslash. Both may span lines, and only whitespace or a
// comment may follow the closing quote.
// Unquoted and double-quoted values are interpolated like compose files (${VAR:-x}, $$...):
// variables set earlier in the same file take precedence over `lookup`.
// Keys must match [A-Za-z_][A-Za-z0-9_.-]*. A line with an error yields no entry, and parsing
// goes on at the next line (an unterminated quote ends the file).
DotenvResult parse_dotenv(std::string_view text, const VariableLookup& lookup);

}  // namespace compose
