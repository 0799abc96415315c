// The word splitting and variable expansion of Dockerfile instructions (BuildKit's
// parseWords and shell lexer): "quotes", 'quotes', \ escapes, $VAR and ${VAR...}
// forms. Used by `--change` now and by Dockerfile builds later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "boximg/image_config.h"

namespace image {

// Splits on unquoted whitespace, keeping quotes and escapes in the words (BuildKit's
// parseWords): the first pass of ENV/LABEL name=value parsing.
std::vector<std::string> split_raw_words(std::string_view text);

// One word with quotes removed, escapes applied and variables expanded from `env`
// ("KEY=value" entries): $VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word},
// ${VAR+word}, ${VAR:?message}, ${VAR?message}. Throws Error on an unterminated quote
// or brace, or on a ${VAR?message} whose VAR is unset.
std::string expand_word(std::string_view text, const std::vector<std::string>& env);

// As expand_word, but unquoted whitespace separates words; "" makes an empty word.
std::vector<std::string> expand_words(std::string_view text, const std::vector<std::string>& env);

}  // namespace image
