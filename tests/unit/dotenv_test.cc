#include "compose/dotenv.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace compose {

// Printers so that a failed comparison shows the entries and errors themselves; static so that
// other test files may define their own.
static void PrintTo(const DotenvEntry& e, std::ostream* os) {
  *os << "{" << e.key << " = " << (e.value ? "\"" + *e.value + "\"" : "(none)") << " @" << e.line
      << "}";
}

static void PrintTo(const DotenvError& e, std::ostream* os) {
  *os << "{" << e.line << ":" << e.column << " " << e.message << "}";
}

static bool operator==(const DotenvEntry& a, const DotenvEntry& b) {
  return a.key == b.key && a.value == b.value && a.line == b.line;
}

static bool operator==(const DotenvError& a, const DotenvError& b) {
  return a.line == b.line && a.column == b.column && a.message == b.message;
}

namespace {

using Entries = std::vector<DotenvEntry>;
using Errors = std::vector<DotenvError>;

const std::map<std::string, std::string> kEnvironment = {
    {"HOME", "/home/me"}, {"EMPTY", ""}, {"A", "from-env"}};

DotenvResult parse(std::string_view text,
                   const std::map<std::string, std::string>& environment = kEnvironment) {
  return parse_dotenv(text, [&](std::string_view name) -> std::optional<std::string> {
    auto it = environment.find(std::string(name));
    if (it == environment.end()) return std::nullopt;
    return it->second;
  });
}

// Entries of a text that must parse without errors.
Entries entries(std::string_view text) {
  DotenvResult result = parse(text);
  EXPECT_EQ(result.errors, Errors{});
  return result.entries;
}

// The one value of a one-line text that must parse without errors.
std::optional<std::string> value(std::string_view text) {
  Entries parsed = entries(text);
  EXPECT_EQ(parsed.size(), 1u);
  if (parsed.size() != 1) return "<" + std::to_string(parsed.size()) + " entries>";
  return parsed[0].value;
}

const std::string kKeyRule =
    "names start with a letter or '_' and contain only letters, digits, '_', '.' and '-'";

// ---- lines ----

TEST(ParseDotenv, EmptyInputHasNoEntries) {
  EXPECT_EQ(entries(""), Entries{});
  EXPECT_EQ(entries("\n\n"), Entries{});
  EXPECT_EQ(entries("   \t \n  \r\n"), Entries{});
}

TEST(ParseDotenv, SkipsCommentsAndBlankLines) {
  EXPECT_EQ(entries("# a comment\n\n   # indented comment\nA=1\n\t\n#B=2\n"),
            (Entries{{"A", "1", 4}}));
  EXPECT_EQ(entries("#"), Entries{});
  EXPECT_EQ(entries("# ends without newline"), Entries{});
}

TEST(ParseDotenv, ReadsKeysAndValuesWithTheirLines) {
  EXPECT_EQ(entries("A=1\nB=two\n\nC=3"), (Entries{{"A", "1", 1}, {"B", "two", 2}, {"C", "3", 4}}));
}

TEST(ParseDotenv, AcceptsCrlfLineEndings) {
  EXPECT_EQ(entries("A=1\r\nB='x'\r\nC=\"y\"\r\nD\r\n# c\r\n"),
            (Entries{{"A", "1", 1}, {"B", "x", 2}, {"C", "y", 3}, {"D", std::nullopt, 4}}));
}

TEST(ParseDotenv, SkipsAByteOrderMark) {
  EXPECT_EQ(entries("\xEF\xBB\xBF"
                    "A=1\nB=2"),
            (Entries{{"A", "1", 1}, {"B", "2", 2}}));
  EXPECT_EQ(parse("\xEF\xBB\xBF"
                  "1=2")
                .errors,
            (Errors{{1, 1, "invalid variable name \"1\": " + kKeyRule}}));
}

// ---- keys ----

TEST(ParseDotenv, AcceptsKeyNamesWithDotsAndDashes) {
  EXPECT_EQ(
      entries("my.key-1=x\n_private=y\nlower=z\nA1_B2=w"),
      (Entries{{"my.key-1", "x", 1}, {"_private", "y", 2}, {"lower", "z", 3}, {"A1_B2", "w", 4}}));
}

TEST(ParseDotenv, TrimsWhitespaceAroundKeys) {
  EXPECT_EQ(entries("  A=1\n\tB =2\nC\t= 3\n  D  =  4  "),
            (Entries{{"A", "1", 1}, {"B", "2", 2}, {"C", "3", 3}, {"D", "4", 4}}));
}

TEST(ParseDotenv, AcceptsAnExportPrefix) {
  EXPECT_EQ(entries("export A=1\nexport   B=2\nexport\tC=3\n  export D"),
            (Entries{{"A", "1", 1}, {"B", "2", 2}, {"C", "3", 3}, {"D", std::nullopt, 4}}));
}

TEST(ParseDotenv, ReadsExportAsAKeyWhenNoKeyFollowsIt) {
  EXPECT_EQ(entries("export=1"), (Entries{{"export", "1", 1}}));
  EXPECT_EQ(entries("export = 2"), (Entries{{"export", "2", 1}}));
  EXPECT_EQ(entries("export"), (Entries{{"export", std::nullopt, 1}}));
  EXPECT_EQ(entries("export  # comment"), (Entries{{"export", std::nullopt, 1}}));
  EXPECT_EQ(entries("exportA=1"), (Entries{{"exportA", "1", 1}}));
  EXPECT_EQ(entries("export.x=1"), (Entries{{"export.x", "1", 1}}));
}

TEST(ParseDotenv, RejectsInvalidKeysAtTheOffendingCharacter) {
  const std::vector<std::pair<std::string, Errors>> cases = {
      {"1KEY=x", {{1, 1, "invalid variable name \"1KEY\": " + kKeyRule}}},
      {"-KEY=x", {{1, 1, "invalid variable name \"-KEY\": " + kKeyRule}}},
      {".KEY=x", {{1, 1, "invalid variable name \".KEY\": " + kKeyRule}}},
      {"KEY:VALUE", {{1, 4, "invalid variable name \"KEY:VALUE\": " + kKeyRule}}},
      {"KEY: VALUE", {{1, 4, "invalid variable name \"KEY:\": " + kKeyRule}}},
      {"  K$Y=x", {{1, 4, "invalid variable name \"K$Y\": " + kKeyRule}}},
      {"${X}=1", {{1, 1, "invalid variable name \"${X}\": " + kKeyRule}}},
      {"A#B=1", {{1, 2, "invalid variable name \"A#B\": " + kKeyRule}}},
      {"'A'=1", {{1, 1, "invalid variable name \"'A'\": " + kKeyRule}}},
      {"export 1=2", {{1, 8, "invalid variable name \"1\": " + kKeyRule}}},
      {"\xC3\xA9=1", {{1, 1, "invalid variable name \"\xC3\xA9\": " + kKeyRule}}},
      {"K\xC3\xA9Y=1", {{1, 2, "invalid variable name \"K\xC3\xA9Y\": " + kKeyRule}}},
      {"=x", {{1, 1, "missing variable name before '='"}}},
      {"  = x", {{1, 3, "missing variable name before '='"}}},
      {"KE Y=x", {{1, 4, "unexpected character after variable name \"KE\" (expected '=')"}}},
      {"KEY VALUE", {{1, 5, "unexpected character after variable name \"KEY\" (expected '=')"}}},
      {"KEY 'v'", {{1, 5, "unexpected character after variable name \"KEY\" (expected '=')"}}},
  };
  for (const auto& [text, errors] : cases) {
    SCOPED_TRACE(text);
    DotenvResult result = parse(text);
    EXPECT_EQ(result.errors, errors);
    EXPECT_EQ(result.entries, Entries{});
  }
}

// ---- bare keys and empty values ----

TEST(ParseDotenv, BareKeyHasNoValue) {
  EXPECT_EQ(entries("KEY"), (Entries{{"KEY", std::nullopt, 1}}));
  EXPECT_EQ(entries("KEY   "), (Entries{{"KEY", std::nullopt, 1}}));
  EXPECT_EQ(entries("KEY # take it from the environment"), (Entries{{"KEY", std::nullopt, 1}}));
  EXPECT_EQ(entries("KEY\nOTHER=1"), (Entries{{"KEY", std::nullopt, 1}, {"OTHER", "1", 2}}));
}

TEST(ParseDotenv, EqualsWithoutValueIsEmpty) {
  EXPECT_EQ(value("KEY="), "");
  EXPECT_EQ(value("KEY=   "), "");
  EXPECT_EQ(value("KEY=\n"), "");
  EXPECT_EQ(value("KEY= # only a comment"), "");
  EXPECT_EQ(value("KEY=''"), "");
  EXPECT_EQ(value("KEY=\"\""), "");
}

// ---- unquoted values ----

TEST(ParseDotenv, UnquotedValuesAreTrimmed) {
  EXPECT_EQ(value("KEY=value"), "value");
  EXPECT_EQ(value("KEY=  value  "), "value");
  EXPECT_EQ(value("KEY=\tvalue\t"), "value");
  EXPECT_EQ(value("KEY=a b  c"), "a b  c");
  EXPECT_EQ(value("KEY=b=c"), "b=c");
  EXPECT_EQ(value("KEY=it's \"fine\""), "it's \"fine\"");
  EXPECT_EQ(value("KEY=a'b'"), "a'b'");
  EXPECT_EQ(value("KEY=C:\\path\\n"), "C:\\path\\n");  // no escapes outside double quotes
  EXPECT_EQ(value("KEY=h\xC3\xA9llo"), "h\xC3\xA9llo");
}

TEST(ParseDotenv, UnquotedValuesEndAtACommentAfterWhitespace) {
  EXPECT_EQ(value("KEY=value # comment"), "value");
  EXPECT_EQ(value("KEY=value\t# comment"), "value");
  EXPECT_EQ(value("KEY=value   #"), "value");
  EXPECT_EQ(value("KEY=a b # c # d"), "a b");
  EXPECT_EQ(value("KEY=value#not-a-comment"), "value#not-a-comment");
  EXPECT_EQ(value("KEY=#not-a-comment"), "#not-a-comment");
  EXPECT_EQ(value("KEY=a#b #c"), "a#b");
  EXPECT_EQ(value("KEY=http://x/#anchor"), "http://x/#anchor");
}

TEST(ParseDotenv, InterpolatesUnquotedValues) {
  EXPECT_EQ(value("KEY=$HOME/x"), "/home/me/x");
  EXPECT_EQ(value("KEY=${HOME}"), "/home/me");
  EXPECT_EQ(value("KEY=${NOPE:-fallback}"), "fallback");
  EXPECT_EQ(value("KEY=${EMPTY-kept}"), "");
  EXPECT_EQ(value("KEY=${HOME:+yes}"), "yes");
  EXPECT_EQ(value("KEY=$NOPE"), "");
  EXPECT_EQ(value("KEY=$$HOME"), "$HOME");
  EXPECT_EQ(value("KEY=cost $5"), "cost $5");
}

// ---- single quotes ----

TEST(ParseDotenv, SingleQuotedValuesAreLiteral) {
  EXPECT_EQ(value("KEY='a b  '"), "a b  ");
  EXPECT_EQ(value("KEY='$HOME ${HOME} $$'"), "$HOME ${HOME} $$");
  EXPECT_EQ(value("KEY='a\\nb'"), "a\\nb");
  EXPECT_EQ(value("KEY='C:\\dir\\'file'"), "C:\\dir'file");
  EXPECT_EQ(value("KEY='a # b'"), "a # b");
  EXPECT_EQ(value("KEY='say \"hi\"'"), "say \"hi\"");
  EXPECT_EQ(value("KEY=  'padded'  "), "padded");
}

TEST(ParseDotenv, SingleQuotesAllowAnEscapedQuoteAsComposeDoes) {
  EXPECT_EQ(value("KEY='Let\\'s go!'"), "Let's go!");
  EXPECT_EQ(value("KEY='a\\\\'"), "a\\\\");  // a backslash pair stays as written
}

TEST(ParseDotenv, SingleQuotedValuesMaySpanLines) {
  EXPECT_EQ(entries("A='first\nsecond\r\nthird'\nB=1"),
            (Entries{{"A", "first\nsecond\r\nthird", 1}, {"B", "1", 4}}));
}

// ---- double quotes ----

TEST(ParseDotenv, DoubleQuotedValuesDecodeEscapes) {
  EXPECT_EQ(value("KEY=\"a\\nb\""), "a\nb");
  EXPECT_EQ(value("KEY=\"a\\tb\""), "a\tb");
  EXPECT_EQ(value("KEY=\"a\\rb\""), "a\rb");
  EXPECT_EQ(value("KEY=\"say \\\"hi\\\"\""), "say \"hi\"");
  EXPECT_EQ(value("KEY=\"a\\\\b\""), "a\\b");
  EXPECT_EQ(value("KEY=\"\\\\\""), "\\");
  EXPECT_EQ(value("KEY=\"\\a\\b\\f\\v\""), "\a\b\f\v");
}

TEST(ParseDotenv, DoubleQuotedValuesKeepUnknownEscapes) {
  EXPECT_EQ(value("KEY=\"\\q\\x41\\'\""), "\\q\\x41\\'");
  EXPECT_EQ(value("KEY=\"C:\\Users\""), "C:\\Users");
}

TEST(ParseDotenv, InterpolatesDoubleQuotedValues) {
  EXPECT_EQ(value("KEY=\"$HOME/x\""), "/home/me/x");
  EXPECT_EQ(value("KEY=\"${NOPE:-a # b}\""), "a # b");
  EXPECT_EQ(value("KEY=\"\\$HOME\""), "$HOME");
  EXPECT_EQ(value("KEY=\"\\${HOME}\""), "${HOME}");
  EXPECT_EQ(value("KEY=\"$$HOME\""), "$HOME");
  EXPECT_EQ(value("KEY=\"\\\\$HOME\""), "\\/home/me");
  EXPECT_EQ(value("KEY=\"${NOPE:-\\\"q\\\"}\""), "\"q\"");
}

TEST(ParseDotenv, DoubleQuotedValuesMaySpanLines) {
  EXPECT_EQ(entries("A=\"one\ntwo $HOME\"\n\nB=\"x\"  # c"),
            (Entries{{"A", "one\ntwo /home/me", 1}, {"B", "x", 4}}));
}

// ---- after a closing quote ----

TEST(ParseDotenv, AllowsWhitespaceAndCommentsAfterAClosingQuote) {
  EXPECT_EQ(value("KEY='a'   "), "a");
  EXPECT_EQ(value("KEY='a' # comment"), "a");
  EXPECT_EQ(value("KEY='a'#comment"), "a");
  EXPECT_EQ(value("KEY=\"a\"\t# comment"), "a");
}

TEST(ParseDotenv, RejectsTextAfterAClosingQuote) {
  const std::vector<std::pair<std::string, Errors>> cases = {
      {"KEY='a' b", {{1, 9, "unexpected character after closing quote"}}},
      {"KEY='a'b", {{1, 8, "unexpected character after closing quote"}}},
      {"KEY=\"a\"'b'", {{1, 8, "unexpected character after closing quote"}}},
      {"KEY=\"\xC3\xA9\" x", {{1, 9, "unexpected character after closing quote"}}},
      {"KEY='a\nb' c", {{2, 4, "unexpected character after closing quote"}}},
  };
  for (const auto& [text, errors] : cases) {
    SCOPED_TRACE(text);
    DotenvResult result = parse(text);
    EXPECT_EQ(result.errors, errors);
    EXPECT_EQ(result.entries, Entries{});
  }
}

// ---- unterminated quotes ----

TEST(ParseDotenv, RejectsUnterminatedQuotesAtTheOpeningQuote) {
  const std::vector<std::pair<std::string, Errors>> cases = {
      {"KEY='abc", {{1, 5, "unterminated single-quoted value"}}},
      {"KEY=\"abc", {{1, 5, "unterminated double-quoted value"}}},
      {"A=1\n  KEY = 'abc\nB=2\n", {{2, 9, "unterminated single-quoted value"}}},
      {"KEY=\"abc\\\"", {{1, 5, "unterminated double-quoted value"}}},
      {"KEY=\"abc\\", {{1, 5, "unterminated double-quoted value"}}},
      {"KEY='abc\\'", {{1, 5, "unterminated single-quoted value"}}},
      {"KEY='", {{1, 5, "unterminated single-quoted value"}}},
  };
  for (const auto& [text, errors] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse(text).errors, errors);
  }
  // The rest of the file is inside the quote, so nothing after it is read.
  EXPECT_EQ(parse("A=1\nKEY='abc\nB=2\n").entries, (Entries{{"A", "1", 1}}));
}

// ---- interpolation ----

TEST(ParseDotenv, EarlierVariablesOfTheFileWinOverTheLookup) {
  EXPECT_EQ(entries("A=from-file\nB=${A}"),
            (Entries{{"A", "from-file", 1}, {"B", "from-file", 2}}));
  EXPECT_EQ(entries("B=${A}\nA=from-file"), (Entries{{"B", "from-env", 1}, {"A", "from-file", 2}}));
  EXPECT_EQ(entries("X=1\nY=$X$X\nX=2\nZ=$X"),
            (Entries{{"Y", "11", 2}, {"X", "2", 3}, {"Z", "2", 4}}));
  EXPECT_EQ(entries("E=\nF=${E:-default}"), (Entries{{"E", "", 1}, {"F", "default", 2}}));
  EXPECT_EQ(entries("E=\nF=${E-default}"), (Entries{{"E", "", 1}, {"F", "", 2}}));
  EXPECT_EQ(entries("PATH=${PATH:-/bin}:/x"), (Entries{{"PATH", "/bin:/x", 1}}));
}

TEST(ParseDotenv, BareKeysDeferToTheLookup) {
  EXPECT_EQ(entries("HOME\nB=$HOME"), (Entries{{"HOME", std::nullopt, 1}, {"B", "/home/me", 2}}));
  EXPECT_EQ(entries("NOPE\nB=${NOPE-unset}"),
            (Entries{{"NOPE", std::nullopt, 1}, {"B", "unset", 2}}));
}

TEST(ParseDotenv, WorksWithoutALookup) {
  DotenvResult result = parse_dotenv("A=1\nB=${A}${HOME}\nC", VariableLookup());
  EXPECT_EQ(result.errors, Errors{});
  EXPECT_EQ(result.entries, (Entries{{"A", "1", 1}, {"B", "1", 2}, {"C", std::nullopt, 3}}));
}

TEST(ParseDotenv, ReportsInterpolationErrorsAtTheValue) {
  const std::vector<std::pair<std::string, Errors>> cases = {
      {"KEY=${NEEDED:?set NEEDED}",
       {{1, 5, "required variable NEEDED is missing a value: set NEEDED"}}},
      {"KEY=  ${", {{1, 7, "invalid interpolation format for \"${\": \"${\""}}},
      {"KEY=\"x\n${EMPTY:?}\"", {{1, 5, "required variable EMPTY is missing a value"}}},
      {"KEY='${'", {}},  // literal
      // The comment is cut before interpolation, which then finds the reference unclosed.
      {"KEY=${NOPE:-a # b}",
       {{1, 5, "invalid interpolation format for \"${NOPE:-a\": \"${NOPE:-a\""}}},
  };
  for (const auto& [text, errors] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse(text).errors, errors);
  }
}

// ---- recovery and duplicates ----

TEST(ParseDotenv, ReportsEveryBadLineAndKeepsTheGoodOnes) {
  DotenvResult result = parse("A=1\n1B=2\nC='x' y\nD=${\nE=5\nF G\n");
  EXPECT_EQ(result.entries, (Entries{{"A", "1", 1}, {"E", "5", 5}}));
  EXPECT_EQ(result.errors,
            (Errors{{2, 1, "invalid variable name \"1B\": " + kKeyRule},
                    {3, 7, "unexpected character after closing quote"},
                    {4, 3, "invalid interpolation format for \"${\": \"${\""},
                    {6, 3, "unexpected character after variable name \"F\" (expected '=')"}}));
}

TEST(ParseDotenv, KeepsOnlyTheLastOfRepeatedKeysWhereItIsWritten) {
  EXPECT_EQ(entries("A=1\nB=2\nA=3"), (Entries{{"B", "2", 2}, {"A", "3", 3}}));
  EXPECT_EQ(entries("A=1\nA"), (Entries{{"A", std::nullopt, 2}}));
  EXPECT_EQ(entries("A\nA=1"), (Entries{{"A", "1", 2}}));
  EXPECT_EQ(entries("A=1\nA=2\nA=3\nB=4"), (Entries{{"A", "3", 3}, {"B", "4", 4}}));
}

TEST(ParseDotenv, AFailedLineDoesNotOverrideAnEarlierValue) {
  DotenvResult result = parse("A=1\nA='x' y");
  EXPECT_EQ(result.entries, (Entries{{"A", "1", 1}}));
  EXPECT_EQ(result.errors.size(), 1u);
}

TEST(ParseDotenv, ReadsARealisticFile) {
  const std::string text =
      "# Settings for the stack\n"
      "COMPOSE_PROJECT_NAME=shop\n"
      "export TAG=1.4.2\n"
      "IMAGE=registry.local/shop:${TAG}  # pinned\n"
      "DB_PASSWORD='s3cr3t#not-a-comment'\n"
      "GREETING=\"Hello,\\n  $USER_NAME!\"\n"
      "USER_NAME=ignored-because-later\n"
      "HOME\n";
  EXPECT_EQ(entries(text), (Entries{{"COMPOSE_PROJECT_NAME", "shop", 2},
                                    {"TAG", "1.4.2", 3},
                                    {"IMAGE", "registry.local/shop:1.4.2", 4},
                                    {"DB_PASSWORD", "s3cr3t#not-a-comment", 5},
                                    {"GREETING", "Hello,\n  !", 6},
                                    {"USER_NAME", "ignored-because-later", 7},
                                    {"HOME", std::nullopt, 8}}));
}

}  // namespace
}  // namespace compose
