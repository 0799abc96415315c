// The loader reads YAML with libyaml. yaml-cpp is an independent YAML parser: on the same
// documents both must see the same structure, the same scalars and the same positions.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compose/tree.h"

namespace compose {
namespace {

std::string describe(const std::string& path) {
  return path.empty() ? "<root>" : path;
}

// Compares a libyaml-built Tree with yaml-cpp's node of the same document, recursively.
void expect_same(const Tree& tree, const YAML::Node& node, const std::string& path) {
  SCOPED_TRACE(describe(path));
  if (node.IsNull()) {
    // An empty value has no token of its own: libyaml places it right after its key (where
    // a message should point), yaml-cpp at the next token. Only the kind is compared.
    EXPECT_TRUE(tree.is_null());
    return;
  }
  EXPECT_EQ(tree.mark().line, node.Mark().line + 1);
  EXPECT_EQ(tree.mark().column, node.Mark().column + 1);
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      EXPECT_TRUE(tree.is_null());
      return;
    case YAML::NodeType::Scalar:
      ASSERT_TRUE(tree.is_scalar()) << tree.kind_name();
      EXPECT_EQ(tree.text(), node.Scalar());
      EXPECT_EQ(tree.quoted(), node.Tag() == "!");
      return;
    case YAML::NodeType::Sequence:
      ASSERT_TRUE(tree.is_sequence()) << tree.kind_name();
      ASSERT_EQ(tree.items().size(), node.size());
      for (size_t i = 0; i < node.size(); ++i)
        expect_same(tree.items()[i], node[i], path + "[" + std::to_string(i) + "]");
      return;
    case YAML::NodeType::Map: {
      ASSERT_TRUE(tree.is_mapping()) << tree.kind_name();
      ASSERT_EQ(tree.entries().size(), node.size());
      size_t i = 0;
      for (auto it = node.begin(); it != node.end(); ++it, ++i) {
        const TreeEntry& entry = tree.entries()[i];
        EXPECT_EQ(entry.key, it->first.Scalar());
        EXPECT_EQ(entry.key_mark.line, it->first.Mark().line + 1);
        expect_same(entry.value, it->second, path + "." + entry.key);
      }
      return;
    }
  }
}

void cross_check(const std::string& text) {
  Diagnostics diag;
  Tree tree = parse_yaml(text, std::make_shared<const std::string>("doc.yaml"), diag);
  ASSERT_TRUE(diag.empty()) << diag.errors().front().to_string();
  expect_same(tree, YAML::Load(text), "");
}

TEST(TreeCrossCheck, ScalarsOfEveryStyle) {
  cross_check(R"(plain: nginx:1.27
single: 'it''s'
double: "tab\there \u00e9"
number: 8080
quoted_number: "8080"
empty_quoted: ""
null_word: null
tilde: ~
missing:
literal: |
  line one
  line two
folded: >
  folded
  text
multi_line_plain: one
  two
)");
}

TEST(TreeCrossCheck, FlowAndBlockCollections) {
  cross_check(R"(services:
  web:
    ports: ["8080:80", '443:443', 9000]
    environment: {A: 1, B: "two", C: }
    command:
      - sh
      - -c
      - |
        echo "$$HOME"
    nested: [[1, 2], {k: v}, []]
    empty_map: {}
)");
}

TEST(TreeCrossCheck, AnchorsAndAliases) {
  cross_check(R"(x-env: &env
  A: "1"
  B: two
x-list: &list [a, b]
services:
  one:
    environment: *env
    profiles: *list
  two:
    environment: *env
)");
}

TEST(TreeCrossCheck, TheSampleStacksAndFuzzSeeds) {
  namespace fs = std::filesystem;
  const fs::path root = BOXCOMPOSE_SOURCE_DIR;
  int checked = 0;
  for (const fs::path& dir : {root / "samples", root / "tests" / "fuzz" / "corpus"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      // yaml-cpp 0.7 does not implement `<<` merge keys; libyaml's reader does.
      if (text.str().find("<<:") != std::string::npos) continue;
      SCOPED_TRACE(entry.path().string());
      cross_check(text.str());
      ++checked;
    }
  }
  EXPECT_GE(checked, 2);
}

}  // namespace
}  // namespace compose
