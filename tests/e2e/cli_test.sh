#!/usr/bin/env bash
# The built boxcompose CLI on real files: config, graph, global options before and after
# the verb, exit codes and error messages.
#   tests/e2e/cli_test.sh BOXCOMPOSE SOURCE_DIR
set -uo pipefail
bc=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"


# --- a project directory with .env, an override file and an env_file
mkdir -p "$work/My_Proj"
cd "$work/My_Proj"
cat > compose.yaml <<'YAML'
services:
  web:
    image: "nginx:${TAG}"
    env_file: web.env
    environment:
      FROM_ENV: "${GREETING:-hi}"
    ports: ["8080:80"]
    depends_on: [db]
  db:
    image: postgres:16
    profiles: [data]
YAML
cat > compose.override.yaml <<'YAML'
services:
  web:
    environment:
      EXTRA: "1"
YAML
printf 'TAG=1.27\nGREETING=hello\n' > .env
printf 'FROM_FILE=yes\nFROM_ENV=overridden-by-environment\n' > web.env

out=$("$bc" config 2>&1)
check "config finds compose.yaml and its override" contains "$out" "EXTRA: \"1\""
check "project name from the directory, normalized" contains "$out" "name: my_proj"
check ".env interpolated" contains "$out" "image: nginx:1.27"
check "environment wins over env_file" contains "$out" "FROM_ENV: hello"
check "env_file read" contains "$out" "FROM_FILE: \"yes\""
check "dependency pulled in despite its profile" contains "$out" "image: postgres:16"

out=$(TAG=2.0 "$bc" config 2>&1)
check "OS environment wins over .env" contains "$out" "image: nginx:2.0"

before=$("$bc" -f compose.yaml -p demo config --services 2>&1)
after=$("$bc" config --services -f compose.yaml -p demo 2>&1)
check "global options before and after the verb agree" test "$before" = "$after"
check "config --services lists both" test "$before" = $'db\nweb'

out=$("$bc" config --format json -p demo 2>&1)
check "json output" contains "$out" '"name": "demo"'

out=$("$bc" graph 2>&1)
check "graph prints DOT" contains "$out" "digraph boxcompose {"
check "graph edge label" contains "$out" 'label="service_started"'
if command -v dot >/dev/null; then
  "$bc" graph --format png -o "$work/graph.png" >/dev/null 2>&1
  check "graph --format png writes a PNG" test "$(head -c 4 "$work/graph.png" | tail -c 3)" = "PNG"
fi

# --- a literal '$' survives config output and reloads to the same value
printf 'services:\n  s:\n    image: x\n    environment:\n      PRICE: "$$5"\n' > "$work/dollar.yaml"
"$bc" config -f "$work/dollar.yaml" > "$work/dollar-out.yaml" 2>&1
out=$("$bc" config -f "$work/dollar-out.yaml" --format json 2>&1)
check "literal dollar round-trips through config" contains "$out" '"PRICE": "$$5"'

# --- errors: exit code 1, file:line:col: path: message on stderr, every error listed
cat > "$work/bad.yaml" <<'YAML'
services:
  web:
    image: nginx
    ports:
      - "80800:80"
    mem_limit: lots
    depends_on: [nowhere]
YAML
"$bc" config -f "$work/bad.yaml" >"$work/stdout" 2>"$work/stderr"
rc=$?
err=$(cat "$work/stderr")
check "bad input exits 1" test "$rc" = 1
check "nothing on stdout on error" test ! -s "$work/stdout"
check "bad port located" contains "$err" "$work/bad.yaml:5:9: services.web.ports[0]: invalid port \"80800\" (must be 1-65535)"
check "bad size located" contains "$err" "$work/bad.yaml:6:16: services.web.mem_limit: invalid size \"lots\""
check "unknown dependency located" contains "$err" "services.web.depends_on[0]: service \"web\" depends on undefined service \"nowhere\""

printf 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n' > "$work/cycle.yaml"
err=$("$bc" graph -f "$work/cycle.yaml" 2>&1)
rc=$?
check "cycle exits 1" test "$rc" = 1
check "cycle named" contains "$err" "dependency cycle: a -> b -> a"

err=$("$bc" config -f "$work/missing.yaml" 2>&1)
check "missing file named" contains "$err" "$work/missing.yaml: cannot read the compose file"

"$bc" frobnicate >/dev/null 2>&1
check "unknown verb exits non-zero" test $? -ne 0

# --- the sample stacks load cleanly
for stack in "$src"/samples/*/stack.yaml; do
  check "sample $stack loads" "$bc" config -q -f "$stack"
done

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
