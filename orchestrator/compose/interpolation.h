// Variable interpolation in compose files, as the compose specification defines it (and as
// compose-go's template package implements it): $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?error}, ${VAR?error}, ${VAR:+replacement}, ${VAR+replacement} and $$.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace compose {

// Resolves a variable by name. nullopt means "unset", which is not the same as set to "": the
// `-`, `?` and `+` forms tell the two apart.
using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct InterpolationResult {
  std::string value;  // the interpolated text (valid only when error is empty)
  // Empty on success, else e.g.
  //   required variable DB_PASSWORD is missing a value: set it in .env
  //   invalid interpolation format for "image: ${TAG": "${TAG"
  std::string error;
  // Variables referenced as $VAR or ${VAR} that were unset and so became "", in first-use order
  // and without repeats, so that the caller can warn as compose does.
  std::vector<std::string> unset;
};

// Expands every variable reference in `text`. Defaults, replacements and error messages may
// themselves contain references, nested to any depth, and are only expanded (and their
// variables only looked up) when they are used. Substituted values are never re-interpolated. A
// '$' that starts no reference ("cost $5", "a$") is kept as is; a malformed ${...} is an error.
InterpolationResult interpolate(std::string_view text, const VariableLookup& lookup);

}  // namespace compose
