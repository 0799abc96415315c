# The e2e scripts' small harness: sourced, not run.
#   check NAME COMMAND...   counts a pass when COMMAND succeeds, prints FAIL: NAME otherwise
#   contains TEXT NEEDLE    TEXT holds NEEDLE (fixed string)
failures=0
passes=0

check() {
  local name=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $name" >&2
    failures=$((failures + 1))
  fi
}

contains() { grep -qF -- "$2" <<<"$1"; }
