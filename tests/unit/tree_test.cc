// parse_yaml: scalars kept as text with their positions, nulls, anchors and merge keys, and
// the YAML problems it reports (duplicate keys, non-scalar keys, runaway aliases, ...).
#include "compose/tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace compose {
namespace {

using ::testing::ElementsAre;

struct Parsed {
  Tree tree;
  std::vector<std::string> errors;
};

Parsed parse(std::string_view text) {
  Diagnostics diag;
  Parsed out;
  out.tree = parse_yaml(text, std::make_shared<const std::string>("/t.yaml"), diag);
  for (const Diagnostic& d : diag.errors())
    out.errors.push_back(d.to_string());
  return out;
}

std::vector<std::string> keys(const Tree& map) {
  std::vector<std::string> out;
  for (const TreeEntry& e : map.entries())
    out.push_back(e.key);
  return out;
}

std::string at(const Mark& m) {
  return std::to_string(m.line) + ":" + std::to_string(m.column);
}

TEST(Tree, ScalarsAreTextWithTheirStyle) {
  Parsed p = parse(R"(int: 1
float: 1.50
bool: yes
quoted: "1"
single: 'x'
literal: |
  two
  lines
folded: >-
  one
  line
tagged: !!str 0123
)");
  ASSERT_THAT(p.errors, ElementsAre());
  ASSERT_TRUE(p.tree.is_mapping());
  EXPECT_THAT(keys(p.tree), ElementsAre("int", "float", "bool", "quoted", "single", "literal",
                                        "folded", "tagged"));
  auto check = [&](const char* key, const char* text, bool quoted) {
    const Tree* v = p.tree.find(key);
    ASSERT_NE(v, nullptr) << key;
    ASSERT_TRUE(v->is_scalar()) << key;
    EXPECT_EQ(v->text(), text) << key;
    EXPECT_EQ(v->quoted(), quoted) << key;
  };
  check("int", "1", false);
  check("float", "1.50", false);  // not 1.5: the decoder of each key reads the text
  check("bool", "yes", false);
  check("quoted", "1", true);
  check("single", "x", true);
  check("literal", "two\nlines\n", true);
  check("folded", "one line", true);
  check("tagged", "0123", true);
}

TEST(Tree, NullsAndEmptyStrings) {
  Parsed p = parse(R"(empty:
tilde: ~
word: null
capital: Null
upper: NULL
quoted_empty: ""
quoted_null: "null"
list: [~, "", a]
)");
  ASSERT_THAT(p.errors, ElementsAre());
  for (const char* key : {"empty", "tilde", "word", "capital", "upper"})
    EXPECT_TRUE(p.tree.find(key)->is_null()) << key;
  EXPECT_TRUE(p.tree.find("quoted_empty")->is_scalar());
  EXPECT_EQ(p.tree.find("quoted_empty")->text(), "");
  EXPECT_TRUE(p.tree.find("quoted_null")->is_scalar());
  EXPECT_EQ(p.tree.find("quoted_null")->text(), "null");
  const Tree& list = *p.tree.find("list");
  ASSERT_EQ(list.items().size(), 3u);
  EXPECT_TRUE(list.items()[0].is_null());
  EXPECT_TRUE(list.items()[1].is_scalar());
  EXPECT_EQ(list.items()[2].text(), "a");
}

TEST(Tree, NodesKnowWhereTheyWereWritten) {
  Parsed p = parse(R"(services:
  web:
    image: "nginx"
    ports: [80, "443"]
)");
  ASSERT_THAT(p.errors, ElementsAre());
  const TreeEntry& services = p.tree.entries()[0];
  EXPECT_EQ(at(services.key_mark), "1:1");
  EXPECT_EQ(at(services.value.mark()), "2:3");  // a block mapping starts at its first key
  const Tree& web = *services.value.find("web");
  EXPECT_EQ(at(web.entries()[0].key_mark), "3:5");
  EXPECT_EQ(at(web.find("image")->mark()), "3:12");
  const Tree& ports = *web.find("ports");
  EXPECT_EQ(at(ports.mark()), "4:12");
  EXPECT_EQ(at(ports.items()[0].mark()), "4:13");
  EXPECT_EQ(at(ports.items()[1].mark()), "4:17");
  ASSERT_TRUE(ports.mark().file);
  EXPECT_EQ(*ports.mark().file, "/t.yaml");
  EXPECT_EQ(ports.mark().to_string(), "/t.yaml:4:12");
}

TEST(Tree, MappingsKeepTheirOrder) {
  Parsed p = parse("z: 1\na: 2\nm: 3\n");
  EXPECT_THAT(keys(p.tree), ElementsAre("z", "a", "m"));
}

TEST(Tree, AnEmptyDocumentIsNull) {
  EXPECT_TRUE(parse("").tree.is_null());
  EXPECT_TRUE(parse("# only a comment\n").tree.is_null());
  EXPECT_TRUE(parse("---\n").tree.is_null());
  EXPECT_THAT(parse("").errors, ElementsAre());
}

TEST(Tree, AliasesCopyTheAnchoredNode) {
  Parsed p = parse(R"(base: &base
  image: x
  env: [A=1]
copy: *base
scalar: &s hello
again: *s
)");
  ASSERT_THAT(p.errors, ElementsAre());
  const Tree& copy = *p.tree.find("copy");
  ASSERT_TRUE(copy.is_mapping());
  EXPECT_EQ(copy.find("image")->text(), "x");
  EXPECT_EQ(copy.find("env")->items()[0].text(), "A=1");
  EXPECT_EQ(p.tree.find("again")->text(), "hello");
}

TEST(Tree, MergeKeysAddWhatTheMappingLacks) {
  Parsed p = parse(R"(a: &a {image: a, user: a}
b: &b {image: b, hostname: b, user: b}
one:
  <<: *a
  user: mine
two:
  user: mine
  <<: [*a, *b]
quoted:
  "<<": *a
)");
  ASSERT_THAT(p.errors, ElementsAre());
  const Tree& one = *p.tree.find("one");
  EXPECT_THAT(keys(one), ElementsAre("user", "image"));
  EXPECT_EQ(one.find("user")->text(), "mine");
  EXPECT_EQ(one.find("image")->text(), "a");
  // Among several merged mappings, the first one listed wins.
  const Tree& two = *p.tree.find("two");
  EXPECT_THAT(keys(two), ElementsAre("user", "image", "hostname"));
  EXPECT_EQ(two.find("user")->text(), "mine");
  EXPECT_EQ(two.find("image")->text(), "a");
  EXPECT_EQ(two.find("hostname")->text(), "b");
  // A quoted "<<" is an ordinary key.
  EXPECT_THAT(keys(*p.tree.find("quoted")), ElementsAre("<<"));
}

TEST(Tree, AMergeKeyNeedsMappings) {
  EXPECT_THAT(parse("a:\n  <<: scalar\n").errors,
              ElementsAre("/t.yaml:2:7: the value of a \"<<\" merge key must be a mapping"));
  EXPECT_THAT(parse("x: &x {k: v}\na:\n  <<: [*x, 3]\n").errors,
              ElementsAre("/t.yaml:3:12: the value of a \"<<\" merge key must be a mapping"));
}

TEST(Tree, DuplicateKeys) {
  EXPECT_THAT(parse("a: 1\nb: 2\na: 3\n").errors, ElementsAre("/t.yaml:3:1: duplicate key \"a\""));
  EXPECT_THAT(parse("web:\n  image: x\n  image: y\n").errors,
              ElementsAre("/t.yaml:3:3: duplicate key \"image\""));
}

TEST(Tree, DuplicateKeysInLargeMappings) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "k" + std::to_string(i) + ": v\n";
  text += "k3: again\n";   // line 41
  text += "k39: again\n";  // line 42
  EXPECT_THAT(parse(text).errors, ElementsAre("/t.yaml:41:1: duplicate key \"k3\"",
                                              "/t.yaml:42:1: duplicate key \"k39\""));
}

TEST(Tree, KeysMustBeScalars) {
  EXPECT_THAT(parse("? [a, b]\n: v\n").errors,
              ElementsAre("/t.yaml:1:3: mapping keys must be strings, not a sequence"));
  Parsed null_key = parse("~: v\n");
  ASSERT_THAT(null_key.errors, ElementsAre());
  EXPECT_THAT(keys(null_key.tree), ElementsAre("null"));
}

TEST(Tree, OneDocumentPerFile) {
  EXPECT_THAT(parse("a: 1\n---\nb: 2\n").errors,
              ElementsAre("/t.yaml:2:1: more than one YAML document in the file"));
}

TEST(Tree, SyntaxErrors) {
  Parsed p = parse("a: [b\n");
  EXPECT_TRUE(p.tree.is_null());
  EXPECT_THAT(p.errors, ElementsAre("/t.yaml:2:1: invalid YAML: did not find expected ',' or ']' "
                                    "while parsing a flow sequence"));
  EXPECT_THAT(parse("a: b\n c: d\n").errors,
              ElementsAre("/t.yaml:2:3: invalid YAML: mapping values are not allowed in this "
                          "context"));
  EXPECT_THAT(parse("a: *nope\n").errors, ElementsAre("/t.yaml:1:4: unknown alias *nope"));
}

TEST(Tree, RunawayAliasExpansionIsRefused) {
  // Each level holds ten aliases of the one before: 10^7 nodes once expanded.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 6; ++level) {
    std::string prev = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i)
      text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  // Expanding l1..l5 takes 1234550 nodes; the first alias of l6 goes past 2000000.
  EXPECT_THAT(parse(text).errors,
              ElementsAre("/t.yaml:7:10: too many nodes after expanding aliases (limit 2000000)"));
}

TEST(Tree, RunawayNestingIsRefused) {
  std::string deep(300, '[');
  deep += std::string(300, ']') + "\n";
  EXPECT_THAT(parse(deep).errors, ElementsAre("/t.yaml:1:257: nested more than 256 levels deep"));
  std::string fine(200, '[');
  fine += std::string(200, ']') + "\n";
  EXPECT_THAT(parse(fine).errors, ElementsAre());
}

TEST(Tree, TheTreeApi) {
  Tree map = Tree::mapping(Mark{nullptr, 1, 1});
  EXPECT_EQ(map.kind_name(), "a mapping");
  map.set("a", Tree::scalar("1"));
  map.set("b", Tree::scalar("2"));
  map.set("a", Tree::scalar("3"));  // replaced in place
  EXPECT_THAT(keys(map), ElementsAre("a", "b"));
  EXPECT_EQ(map.find("a")->text(), "3");
  EXPECT_TRUE(map.erase("a"));
  EXPECT_FALSE(map.erase("a"));
  EXPECT_EQ(map.find("a"), nullptr);
  EXPECT_THAT(keys(map), ElementsAre("b"));

  Tree list = Tree::sequence();
  list.push_back(Tree::scalar("x", {}, true));
  list.push_back(Tree::null());
  EXPECT_EQ(list.items().size(), 2u);
  EXPECT_TRUE(list.items()[0].quoted());
  EXPECT_EQ(list.kind_name(), "a sequence");
  EXPECT_EQ(list.items()[0].kind_name(), "a scalar");
  EXPECT_EQ(list.items()[1].kind_name(), "null");
  EXPECT_TRUE(Tree().is_null());
  EXPECT_EQ(Mark{}.to_string(), "<input>");
}

}  // namespace
}  // namespace compose
