#include "compose/shell_words.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace compose {
namespace {

using Words = std::vector<std::string>;

struct SplitCase {
  std::string text;
  Words words;
};

void expect_splits(const std::vector<SplitCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(split_shell_words(c.text), std::optional<Words>(c.words));
  }
}

// ---- split_shell_words ----

TEST(SplitShellWords, SplitsOnSpacesTabsAndNewlines) {
  expect_splits({
      {"", {}},
      {"   ", {}},
      {" \t\n ", {}},
      {"a", {"a"}},
      {"a b  c", {"a", "b", "c"}},
      {"  leading and trailing  ", {"leading", "and", "trailing"}},
      {"a\tb\nc", {"a", "b", "c"}},
      {"npm run dev", {"npm", "run", "dev"}},
      {"python -m http.server --bind 0.0.0.0 8000",
       {"python", "-m", "http.server", "--bind", "0.0.0.0", "8000"}},
  });
}

TEST(SplitShellWords, TreatsOtherCharactersAsOrdinary) {
  expect_splits({
      {"a\rb", {"a\rb"}},  // not in $IFS
      {"a\vb\fc", {"a\vb\fc"}},
      {"h\xC3\xA9llo w\xC3\xB6rld", {"h\xC3\xA9llo", "w\xC3\xB6rld"}},
      {"a\xC2\xA0"
       "b",
       {"a\xC2\xA0"
        "b"}},  // no-break space is not a separator
  });
}

TEST(SplitShellWords, ExpandsNothing) {
  expect_splits({
      {"echo $HOME ${X:-y} ~ *.txt $(date) `id`",
       {"echo", "$HOME", "${X:-y}", "~", "*.txt", "$(date)", "`id`"}},
      {"a;b | c && d > out 2>&1 & # not a comment",
       {"a;b", "|", "c", "&&", "d", ">", "out", "2>&1", "&", "#", "not", "a", "comment"}},
      {"a#b", {"a#b"}},
  });
}

TEST(SplitShellWords, SingleQuotesAreLiteral) {
  expect_splits({
      {"'a b'", {"a b"}},
      {"'  '", {"  "}},
      {"'a\\b'", {"a\\b"}},
      {"'a\\'", {"a\\"}},
      {"'$HOME \"x\" `id`'", {"$HOME \"x\" `id`"}},
      {"'line\nbreak'", {"line\nbreak"}},
      {"'\\\n'", {"\\\n"}},
  });
}

TEST(SplitShellWords, DoubleQuotesEscapeOnlyTheirSpecialCharacters) {
  expect_splits({
      {"\"a b\"", {"a b"}},
      {"\"a\\\"b\"", {"a\"b"}},
      {"\"a\\\\b\"", {"a\\b"}},
      {"\"\\$HOME\"", {"$HOME"}},
      {"\"\\`id\\`\"", {"`id`"}},
      {"\"a\\\nb\"", {"ab"}},                  // backslash-newline vanishes
      {"\"\\n\\t\\'\\a\"", {"\\n\\t\\'\\a"}},  // any other backslash stays
      {"\"$HOME\"", {"$HOME"}},
      {"\"it's\"", {"it's"}},
      {"\"line\nbreak\"", {"line\nbreak"}},
      {"\"\\\\\"", {"\\"}},
  });
}

TEST(SplitShellWords, BackslashOutsideQuotesEscapesTheNextCharacter) {
  expect_splits({
      {"a\\ b", {"a b"}},
      {"\\'", {"'"}},
      {"\\\"", {"\""}},
      {"\\\\", {"\\"}},
      {"\\n", {"n"}},
      {"\\$HOME", {"$HOME"}},
      {"\\\t", {"\t"}},
      {"a\\\nb", {"ab"}},  // line continuation joins
      {"a \\\n b", {"a", "b"}},
      {"\\\n", {}},  // and makes no word by itself
      {"a\\\n", {"a"}},
  });
}

TEST(SplitShellWords, JoinsAdjacentParts) {
  expect_splits({
      {"a'b'\"c\"d", {"abcd"}},
      {"'a'\"b\"", {"ab"}},
      {"--name='my app'", {"--name=my app"}},
      {"x\"\"y", {"xy"}},
      {"''\"\"", {""}},
      {"a\\ 'b c'\\ d", {"a b c d"}},
  });
}

TEST(SplitShellWords, EmptyQuotesMakeEmptyWords) {
  expect_splits({
      {"''", {""}},
      {"\"\"", {""}},
      {"a '' b", {"a", "", "b"}},
      {"a \"\" ''", {"a", "", ""}},
  });
}

TEST(SplitShellWords, SplitsRealisticCommands) {
  expect_splits({
      {"sh -c 'echo \"hi there\" && exit 1'", {"sh", "-c", "echo \"hi there\" && exit 1"}},
      {"bash -c \"echo \\\"$$\\\" > /tmp/pid\"", {"bash", "-c", "echo \"$$\" > /tmp/pid"}},
      {"CMD-SHELL curl -f http://localhost || exit 1",
       {"CMD-SHELL", "curl", "-f", "http://localhost", "||", "exit", "1"}},
  });
}

TEST(SplitShellWords, RejectsUnterminatedQuotesAndTrailingBackslash) {
  for (const char* text : {"'", "\"", "'abc", "\"abc", "a 'b c", "a \"b c", "\"abc\\\"", "\"\\",
                           "'a''", "\\", "abc\\", "a \\", "\"a\" \\", "'a'\\"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(split_shell_words(text), std::nullopt);
  }
}

// ---- join_shell_words ----

TEST(JoinShellWords, LeavesSafeWordsUnquoted) {
  EXPECT_EQ(join_shell_words({}), "");
  EXPECT_EQ(join_shell_words({"a"}), "a");
  EXPECT_EQ(join_shell_words({"npm", "run", "dev"}), "npm run dev");
  EXPECT_EQ(join_shell_words({"-x=y:z,a.b/c@d%e+f_g", "0.0.0.0:80"}),
            "-x=y:z,a.b/c@d%e+f_g 0.0.0.0:80");
}

TEST(JoinShellWords, QuotesWordsThatNeedIt) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "''"},
      {"a b", "'a b'"},
      {"$HOME", "'$HOME'"},
      {"a*b", "'a*b'"},
      {"~", "'~'"},
      {"#", "'#'"},
      {"a;b", "'a;b'"},
      {"\"", "'\"'"},
      {"\\", "'\\'"},
      {"line\nbreak", "'line\nbreak'"},
      {"a\tb", "'a\tb'"},
      {"h\xC3\xA9", "'h\xC3\xA9'"},
      {"it's", "'it'\"'\"'s'"},
      {"'", "''\"'\"''"},
  };
  for (const auto& [word, quoted] : cases) {
    SCOPED_TRACE(word);
    EXPECT_EQ(join_shell_words({word}), quoted);
  }
}

TEST(JoinShellWords, SeparatesWordsWithSingleSpaces) {
  EXPECT_EQ(join_shell_words({"a", "", "b"}), "a '' b");
  EXPECT_EQ(join_shell_words({"", ""}), "'' ''");
  EXPECT_EQ(join_shell_words({"sh", "-c", "echo hi"}), "sh -c 'echo hi'");
}

TEST(JoinShellWords, SplitsBackToTheSameWords) {
  const std::vector<Words> cases = {
      {},
      {""},
      {"", ""},
      {"a", "b c", ""},
      {"'", "''", "'\"'\"'", "\\", "\"", " ", "\n", "$x", "a'b\"c\\d"},
      {"sh", "-c", "echo \"it's $HOME\" && exit 1"},
      {"\\\n", "'\\'", "\t \t"},
  };
  for (const Words& words : cases) {
    std::string joined = join_shell_words(words);
    SCOPED_TRACE(joined);
    EXPECT_EQ(split_shell_words(joined), std::optional<Words>(words));
  }
}

}  // namespace
}  // namespace compose
