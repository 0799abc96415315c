#include "compose/interpolation.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace compose {
namespace {

using Names = std::vector<std::string>;

// A lookup over a fixed environment that records every name it is asked for.
class Environment {
 public:
  explicit Environment(std::map<std::string, std::string> variables)
      : variables_(std::move(variables)) {}

  VariableLookup lookup() {
    return [this](std::string_view name) -> std::optional<std::string> {
      asked_.emplace_back(name);
      auto it = variables_.find(std::string(name));
      if (it == variables_.end()) return std::nullopt;
      return it->second;
    };
  }

  const Names& asked() const { return asked_; }

 private:
  std::map<std::string, std::string> variables_;
  Names asked_;
};

// SET=value, EMPTY="" and UNSET absent: the three states every operator distinguishes.
const std::map<std::string, std::string> kStates = {{"SET", "value"}, {"EMPTY", ""}};

InterpolationResult run(std::string_view text,
                        const std::map<std::string, std::string>& variables = kStates) {
  Environment environment(variables);
  return interpolate(text, environment.lookup());
}

// The interpolated value, or "ERROR: <message>" so that a failed test shows what went wrong.
std::string expand(std::string_view text,
                   const std::map<std::string, std::string>& variables = kStates) {
  InterpolationResult result = run(text, variables);
  if (!result.error.empty()) return "ERROR: " + result.error;
  return result.value;
}

std::string error_of(std::string_view text,
                     const std::map<std::string, std::string>& variables = kStates) {
  InterpolationResult result = run(text, variables);
  EXPECT_TRUE(result.value.empty()) << "value must be empty on error: " << result.value;
  return result.error;
}

std::string syntax_error(std::string_view whole, std::string_view excerpt) {
  return "invalid interpolation format for \"" + std::string(whole) + "\": \"" +
         std::string(excerpt) + "\"";
}

// ---- plain text and references ----

TEST(Interpolate, LeavesTextWithoutReferencesAlone) {
  EXPECT_EQ(expand(""), "");
  EXPECT_EQ(expand("plain text"), "plain text");
  EXPECT_EQ(expand("{braces} and }{ stay"), "{braces} and }{ stay");
  EXPECT_EQ(expand("h\xC3\xA9llo w\xC3\xB6rld"), "h\xC3\xA9llo w\xC3\xB6rld");
  EXPECT_EQ(expand(std::string("nul\0byte", 8)), std::string("nul\0byte", 8));
}

TEST(Interpolate, SubstitutesUnbracedReferences) {
  EXPECT_EQ(expand("$SET"), "value");
  EXPECT_EQ(expand("a $SET b"), "a value b");
  EXPECT_EQ(expand("$SET.txt"), "value.txt");
  EXPECT_EQ(expand("$SET/$SET"), "value/value");
  EXPECT_EQ(expand("$SET-x"), "value-x");
  EXPECT_EQ(expand("$EMPTY|"), "|");
  EXPECT_EQ(expand("$SETx"), "");  // the name runs as far as name characters go
  EXPECT_EQ(expand("$SET_x", {{"SET_x", "long"}, {"SET", "short"}}), "long");
  EXPECT_EQ(expand("$_a1", {{"_a1", "u"}}), "u");
  EXPECT_EQ(expand("$lower", {{"lower", "l"}}), "l");
  EXPECT_EQ(expand("$Mixed9", {{"Mixed9", "m"}}), "m");
}

TEST(Interpolate, SubstitutesBracedReferences) {
  EXPECT_EQ(expand("${SET}"), "value");
  EXPECT_EQ(expand("${SET}x"), "valuex");
  EXPECT_EQ(expand("a${SET}b${SET}c"), "avaluebvaluec");
  EXPECT_EQ(expand("${EMPTY}"), "");
  EXPECT_EQ(expand("{${SET}}"), "{value}");
  EXPECT_EQ(expand("${_}", {{"_", "underscore"}}), "underscore");
  EXPECT_EQ(expand("${A1_b2}", {{"A1_b2", "ok"}}), "ok");
}

TEST(Interpolate, DoesNotReinterpolateSubstitutedValues) {
  const std::map<std::string, std::string> env = {
      {"A", "$B"}, {"B", "b"}, {"C", "${B:-x}"}, {"D", "$$"}};
  EXPECT_EQ(expand("$A", env), "$B");
  EXPECT_EQ(expand("${C}", env), "${B:-x}");
  EXPECT_EQ(expand("${D}", env), "$$");
  EXPECT_EQ(expand("${UNSET:-$A}", env), "$B");
}

TEST(Interpolate, UnsetReferencesBecomeEmptyAndAreReported) {
  InterpolationResult result = run("[$UNSET][${UNSET}][$OTHER][$UNSET][$SET][$EMPTY]");
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.value, "[][][][][value][]");
  EXPECT_EQ(result.unset, (Names{"UNSET", "OTHER"}));  // first-use order, no repeats
}

TEST(Interpolate, ReferencesWithAnOperatorAreNotReportedAsUnset) {
  for (const char* text : {"${UNSET:-d}", "${UNSET-d}", "${UNSET:+r}", "${UNSET+r}"}) {
    SCOPED_TRACE(text);
    InterpolationResult result = run(text);
    EXPECT_EQ(result.error, "");
    EXPECT_TRUE(result.unset.empty());
  }
}

TEST(Interpolate, TreatsEveryNameAsUnsetWithoutALookup) {
  InterpolationResult result = interpolate("a${X}b${Y:-y}", VariableLookup());
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.value, "aby");
  EXPECT_EQ(result.unset, (Names{"X"}));
}

// ---- $$ and lone $ ----

TEST(Interpolate, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(expand("$$"), "$");
  EXPECT_EQ(expand("$$$$"), "$$");
  EXPECT_EQ(expand("$$SET"), "$SET");
  EXPECT_EQ(expand("$${SET}"), "${SET}");
  EXPECT_EQ(expand("$$$SET"), "$value");
  EXPECT_EQ(expand("$${"), "${");
  EXPECT_EQ(expand("echo $$HOME && $$(date)"), "echo $HOME && $(date)");
}

TEST(Interpolate, KeepsADollarThatStartsNoReference) {
  EXPECT_EQ(expand("$"), "$");
  EXPECT_EQ(expand("a$"), "a$");
  EXPECT_EQ(expand("cost $5"), "cost $5");
  EXPECT_EQ(expand("$1$2"), "$1$2");
  EXPECT_EQ(expand("$-x"), "$-x");
  EXPECT_EQ(expand("$ x"), "$ x");
  EXPECT_EQ(expand("$}"), "$}");
  EXPECT_EQ(expand("$("), "$(");
  EXPECT_EQ(expand("$:"), "$:");
  EXPECT_EQ(expand("$\xC3\xA9"), "$\xC3\xA9");
  EXPECT_TRUE(run("cost $5").unset.empty());
}

// ---- operators: each against set, empty and unset ----

struct OperatorCase {
  std::string text;
  std::string expected;  // or "ERROR: <message>"
};

void expect_cases(const std::vector<OperatorCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(expand(c.text), c.expected);
  }
}

TEST(Interpolate, ColonDashDefaultsWhenUnsetOrEmpty) {
  expect_cases({
      {"${SET:-d}", "value"},
      {"${EMPTY:-d}", "d"},
      {"${UNSET:-d}", "d"},
      {"${UNSET:-}", ""},
      {"${UNSET:-a b  c}", "a b  c"},
  });
}

TEST(Interpolate, DashDefaultsOnlyWhenUnset) {
  expect_cases({
      {"${SET-d}", "value"},
      {"${EMPTY-d}", ""},
      {"${UNSET-d}", "d"},
      {"${UNSET-}", ""},
  });
}

TEST(Interpolate, ColonQuestionFailsWhenUnsetOrEmpty) {
  expect_cases({
      {"${SET:?boom}", "value"},
      {"${EMPTY:?boom}", "ERROR: required variable EMPTY is missing a value: boom"},
      {"${UNSET:?boom}", "ERROR: required variable UNSET is missing a value: boom"},
      {"${UNSET:?}", "ERROR: required variable UNSET is missing a value"},
  });
}

TEST(Interpolate, QuestionFailsOnlyWhenUnset) {
  expect_cases({
      {"${SET?boom}", "value"},
      {"${EMPTY?boom}", ""},
      {"${UNSET?boom}", "ERROR: required variable UNSET is missing a value: boom"},
      {"${UNSET?}", "ERROR: required variable UNSET is missing a value"},
  });
}

TEST(Interpolate, ColonPlusReplacesWhenSetAndNonEmpty) {
  expect_cases({
      {"${SET:+r}", "r"},
      {"${EMPTY:+r}", ""},
      {"${UNSET:+r}", ""},
      {"${SET:+}", ""},
  });
}

TEST(Interpolate, PlusReplacesWhenSet) {
  expect_cases({
      {"${SET+r}", "r"},
      {"${EMPTY+r}", "r"},
      {"${UNSET+r}", ""},
      {"${SET+}", ""},
  });
}

TEST(Interpolate, ReportsTheMissingRequiredVariableAsComposeDoes) {
  EXPECT_EQ(error_of("password: ${DB_PASSWORD:?set it in .env}"),
            "required variable DB_PASSWORD is missing a value: set it in .env");
  EXPECT_TRUE(run("${DB_PASSWORD?x}").unset.empty());
}

TEST(Interpolate, ReportsTheFirstMissingRequiredVariable) {
  EXPECT_EQ(error_of("${A:?first} ${B:?second}"), "required variable A is missing a value: first");
  EXPECT_EQ(error_of("${SET:?x} ${B:?second}"), "required variable B is missing a value: second");
}

// ---- branch text ----

TEST(Interpolate, BranchTextIsTakenLiterallyApartFromReferences) {
  expect_cases({
      {"${UNSET:-a:-b}", "a:-b"},
      {"${UNSET:-x-y}", "x-y"},
      {"${UNSET--}", "-"},
      {"${UNSET-:-}", ":-"},
      {"${UNSET:-?+:}", "?+:"},
      {"${UNSET:-a b}", "a b"},
      {"${UNSET:-$$}", "$"},
      {"${UNSET:-$}", "$"},
      {"${UNSET:-$5}", "$5"},
      {"${UNSET:-\"quoted\"}", "\"quoted\""},
      {"${UNSET:-line\nbreak}", "line\nbreak"},
      {"${UNSET:-h\xC3\xA9}", "h\xC3\xA9"},
      {"${SET:+$$SET}", "$SET"},
      {"${UNSET:?needs $$5}", "ERROR: required variable UNSET is missing a value: needs $5"},
  });
}

TEST(Interpolate, BranchTextKeepsBalancedBraces) {
  expect_cases({
      {"${UNSET:-{}}", "{}"},
      {"${UNSET:-{\"k\":{\"n\":1}}}", "{\"k\":{\"n\":1}}"},
      {"${UNSET:-}}", "}"},  // the first '}' closes, the second is text
      {"${UNSET:-x}}", "x}"},
      {"${UNSET:-a}b}", "ab}"},
      {"${SET:-{x}}", "value"},
  });
}

TEST(Interpolate, BranchTextMayReferenceVariables) {
  expect_cases({
      {"${UNSET:-$SET}", "value"},
      {"${UNSET:-${SET}}", "value"},
      {"${UNSET:-pre-${SET}-post}", "pre-value-post"},
      {"${UNSET:-$SET.$SET}", "value.value"},
      {"${SET:+[$SET]}", "[value]"},
      {"${EMPTY+${SET}!}", "value!"},
      {"${UNSET:?missing $SET}",
       "ERROR: required variable UNSET is missing a value: missing value"},
      {"${UNSET?${SET:+set}}", "ERROR: required variable UNSET is missing a value: set"},
  });
}

TEST(Interpolate, NestsToAnyDepth) {
  expect_cases({
      {"${UNSET:-${EMPTY:-x}}", "x"},
      {"${UNSET:-${SET:-x}}", "value"},
      {"${SET:-${UNSET:-x}}", "value"},
      {"${A:-${B:-${C:-${D:-deep}}}}", "deep"},
      {"${A:-${B:-${SET:+${C-[${SET}]}}}}", "[value]"},
      {"${UNSET:-${UNSET2:-${SET}}}/${SET:+${SET}}", "value/value"},
      {"${UNSET:-${UNSET:?inner}}", "ERROR: required variable UNSET is missing a value: inner"},
  });
}

TEST(Interpolate, HandlesVeryDeepNestingWithoutRecursion) {
  constexpr int kDepth = 50000;  // far past what recursion survives under ASan
  std::string text;
  for (int i = 0; i < kDepth; ++i)
    text += "${UNSET:-";
  text += "bottom";
  EXPECT_EQ(expand(text + std::string(kDepth, '}')), "bottom");
  EXPECT_EQ(error_of(text).substr(0, 32), "invalid interpolation format for");
}

TEST(Interpolate, ExpandsOnlyTheBranchThatIsUsed) {
  struct Case {
    std::string text;
    Names asked;
  };
  const std::vector<Case> cases = {
      {"${SET:-$A}", {"SET"}},
      {"${UNSET:-$A}", {"UNSET", "A"}},
      {"${SET-${A:-$B}}", {"SET"}},
      {"${UNSET:+$A}", {"UNSET"}},
      {"${SET:+$A}", {"SET", "A"}},
      {"${SET:?$A}", {"SET"}},
      {"${SET?${A:?never}}", {"SET"}},
      {"${SET:-${A:?never}}", {"SET"}},
      {"${UNSET:+${A:?never}}", {"UNSET"}},
      {"${UNSET:-${SET:-$A}}", {"UNSET", "SET"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    Environment environment({{"SET", "value"}, {"A", "a"}, {"B", "b"}});
    InterpolationResult result = interpolate(c.text, environment.lookup());
    EXPECT_EQ(result.error, "");
    EXPECT_EQ(environment.asked(), c.asked);
  }
}

TEST(Interpolate, ReportsUnsetReferencesOnlyInUsedBranches) {
  EXPECT_EQ(run("${UNSET:-$A}").unset, (Names{"A"}));
  EXPECT_EQ(run("${SET:-$A}").unset, Names{});
  EXPECT_EQ(run("${SET:+${A}$B}").unset, (Names{"A", "B"}));
}

TEST(Interpolate, LooksUpEachReferenceOnce) {
  Environment environment(kStates);
  InterpolationResult result = interpolate("$SET ${SET} ${SET:-x} ${UNSET}", environment.lookup());
  EXPECT_EQ(result.value, "value value value ");
  EXPECT_EQ(environment.asked(), (Names{"SET", "SET", "SET", "UNSET"}));
}

// ---- syntax errors ----

TEST(Interpolate, RejectsMalformedBracedReferences) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"${", "${"},
      {"${VAR", "${VAR"},
      {"${}", "${}"},
      {"${1A}", "${1A}"},
      {"${-A}", "${-A}"},
      {"${ A}", "${ A}"},
      {"${A }", "${A }"},
      {"${A.B}", "${A.B}"},
      {"${VAR:x}", "${VAR:x}"},
      {"${VAR:}", "${VAR:}"},
      {"${VAR:=x}", "${VAR:=x}"},  // bash's assign-default is not compose syntax
      {"${VAR=x}", "${VAR=x}"},
      {"${VAR!}", "${VAR!}"},
      {"${VAR x}", "${VAR x}"},
      {"${VAR::-x}", "${VAR::-x}"},
      {"${#VAR}", "${#VAR}"},
      {"${VAR:-x", "${VAR:-x"},
      {"${VAR-x", "${VAR-x"},
      {"${VAR:?x", "${VAR:?x"},
      {"${VAR:+x", "${VAR:+x"},
      {"${VAR:-{x}", "${VAR:-{x}"},
      {"${\xC3\xA9}", "${\xC3\xA9}"},
  };
  for (const auto& [text, excerpt] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(error_of(text), syntax_error(text, excerpt));
  }
}

TEST(Interpolate, QuotesTheWholeTextAndTheOffendingReference) {
  EXPECT_EQ(error_of("image: app:${TAG"), syntax_error("image: app:${TAG", "${TAG"));
  EXPECT_EQ(error_of("a ${B:x} c ${D}"), syntax_error("a ${B:x} c ${D}", "${B:x}"));
  EXPECT_EQ(error_of("${SET} then ${}"), syntax_error("${SET} then ${}", "${}"));
}

TEST(Interpolate, PointsAtTheInnermostMalformedReference) {
  EXPECT_EQ(error_of("${UNSET:-${}}"), syntax_error("${UNSET:-${}}", "${}"));
  EXPECT_EQ(error_of("${A:-${B:x}}"), syntax_error("${A:-${B:x}}", "${B:x}"));
  // Unclosed: the reference still open at the end is the innermost unclosed one.
  EXPECT_EQ(error_of("${A:-${B}"), syntax_error("${A:-${B}", "${A:-${B}"));
  EXPECT_EQ(error_of("${A:-${B:-x"), syntax_error("${A:-${B:-x", "${B:-x"));
}

TEST(Interpolate, ChecksTheSyntaxOfUnusedBranchesToo) {
  EXPECT_EQ(error_of("${SET:-${}}"), syntax_error("${SET:-${}}", "${}"));
  EXPECT_EQ(error_of("${UNSET:+${1}}"), syntax_error("${UNSET:+${1}}", "${1}"));
}

TEST(Interpolate, EscapesQuotesAndControlCharactersInSyntaxErrors) {
  EXPECT_EQ(error_of("say \"${\""),
            "invalid interpolation format for \"say \\\"${\\\"\": \"${\\\"\"");
  EXPECT_EQ(error_of("a\\b\n${\t"),
            "invalid interpolation format for \"a\\\\b\\n${\\t\": \"${\\t\"");
  EXPECT_EQ(error_of(std::string("${\x01", 3)),
            "invalid interpolation format for \"${\\x01\": \"${\\x01\"");
}

TEST(Interpolate, ReportsTheFirstErrorInTheText) {
  EXPECT_EQ(error_of("${UNSET:?first} ${"), "required variable UNSET is missing a value: first");
  EXPECT_EQ(error_of("${ ${UNSET:?second}"),
            syntax_error("${ ${UNSET:?second}", "${ ${UNSET:?second}"));
}

}  // namespace
}  // namespace compose
