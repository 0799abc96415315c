#include "compose/tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>

namespace compose {

Tree Tree::null(Mark mark) {
  Tree t;
  t.mark_ = std::move(mark);
  return t;
}

Tree Tree::scalar(std::string text, Mark mark, bool quoted) {
  Tree t;
  t.kind_ = Kind::Scalar;
  t.text_ = std::move(text);
  t.quoted_ = quoted;
  t.mark_ = std::move(mark);
  return t;
}

Tree Tree::sequence(Mark mark) {
  Tree t;
  t.kind_ = Kind::Sequence;
  t.mark_ = std::move(mark);
  return t;
}

Tree Tree::mapping(Mark mark) {
  Tree t;
  t.kind_ = Kind::Mapping;
  t.mark_ = std::move(mark);
  return t;
}

const Tree* Tree::find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

Tree* Tree::find(std::string_view key) {
  return const_cast<Tree*>(static_cast<const Tree*>(this)->find(key));
}

Tree& Tree::set(std::string key, Tree value, Mark key_mark) {
  if (Tree* existing = find(key)) return *existing = std::move(value);
  entries_.push_back({std::move(key), std::move(key_mark), std::move(value)});
  return entries_.back().value;
}

bool Tree::erase(std::string_view key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const TreeEntry& e) { return e.key == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

std::string_view Tree::kind_name() const {
  switch (kind_) {
    case Kind::Null:
      return "null";
    case Kind::Scalar:
      return "a scalar";
    case Kind::Sequence:
      return "a sequence";
    case Kind::Mapping:
      return "a mapping";
  }
  return "?";
}

namespace {

// Alias expansion copies the anchored subtree; a document of nested aliases ("billion
// laughs") would otherwise grow exponentially. Real compose files stay far below this.
constexpr size_t kMaxExpandedNodes = 2'000'000;

size_t count_nodes(const Tree& t) {
  size_t n = 1;
  for (const auto& item : t.items())
    n += count_nodes(item);
  for (const auto& e : t.entries())
    n += count_nodes(e.value);
  return n;
}

bool is_plain_null(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// Builds a Tree from yaml-cpp's event stream. Going through events rather than YAML::Node
// keeps every node's position and whether a scalar was quoted, and is several times faster.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const std::string> file, Diagnostics& diag)
      : file_(std::move(file)), diag_(diag) {}

  Tree take_root() { return std::move(root_); }
  bool failed() const { return failed_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    complete(Tree::null(to_mark(mark)), anchor, /*plain_key=*/false);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size()) {
      fail(to_mark(mark), "unknown alias");
      complete(Tree::null(to_mark(mark)), 0, false);
      return;
    }
    expanded_ += anchor_sizes_[anchor];
    if (expanded_ > kMaxExpandedNodes) {
      fail(to_mark(mark), "too many nodes after expanding aliases (limit 2000000)");
      complete(Tree::null(to_mark(mark)), 0, false);
      return;
    }
    complete(Tree(anchors_[anchor]), 0, false);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const bool plain = tag == "?" || tag.empty();
    if (plain && is_plain_null(value)) {
      complete(Tree::null(to_mark(mark)), anchor, false);
      return;
    }
    complete(Tree::scalar(value, to_mark(mark), !plain), anchor, plain);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_collection(Tree::sequence(to_mark(mark)), anchor);
  }

  void OnSequenceEnd() override { close_collection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_collection(Tree::mapping(to_mark(mark)), anchor);
  }

  void OnMapEnd() override {
    apply_merge_keys(stack_.back());
    close_collection();
  }

 private:
  struct Frame {
    Tree node;
    YAML::anchor_t anchor = 0;
    bool has_key = false;
    bool key_is_merge = false;
    std::string key;
    Mark key_mark;
    std::vector<Tree> merge_sources;  // values of `<<` keys, applied at the map's end
  };

  Mark to_mark(const YAML::Mark& m) const { return Mark{file_, m.line + 1, m.column + 1}; }

  void fail(Mark mark, std::string message) {
    failed_ = true;
    diag_.error(std::move(mark), "", std::move(message));
  }

  void open_collection(Tree node, YAML::anchor_t anchor) {
    Frame frame;
    frame.node = std::move(node);
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void close_collection() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(frame.node), frame.anchor, false);
  }

  void remember_anchor(const Tree& node, YAML::anchor_t anchor) {
    if (anchor == 0) return;
    if (anchors_.size() <= anchor) {
      anchors_.resize(anchor + 1);
      anchor_sizes_.resize(anchor + 1, 1);
    }
    anchors_[anchor] = node;
    anchor_sizes_[anchor] = count_nodes(node);
  }

  // A node is finished: hand it to its parent (as a key, a value or an item).
  void complete(Tree node, YAML::anchor_t anchor, bool plain_scalar) {
    remember_anchor(node, anchor);
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.is_sequence()) {
      parent.node.push_back(std::move(node));
    } else if (!parent.has_key) {
      take_key(parent, std::move(node), plain_scalar);
    } else {
      add_entry(parent, std::move(node));
    }
  }

  void take_key(Frame& parent, Tree key, bool plain_scalar) {
    parent.has_key = true;
    parent.key_mark = key.mark();
    parent.key_is_merge = plain_scalar && key.text() == "<<";
    if (key.is_scalar()) {
      parent.key = std::move(key.text());
    } else if (key.is_null()) {
      parent.key = "null";
    } else {
      fail(key.mark(),
           std::string("mapping keys must be strings, not ") + std::string(key.kind_name()));
      parent.key.clear();
    }
  }

  void add_entry(Frame& parent, Tree value) {
    parent.has_key = false;
    if (parent.key_is_merge) {
      parent.merge_sources.push_back(std::move(value));
      return;
    }
    if (parent.node.find(parent.key)) {
      fail(parent.key_mark, "duplicate key \"" + parent.key + "\"");
      return;
    }
    parent.node.entries().push_back(
        {std::move(parent.key), std::move(parent.key_mark), std::move(value)});
  }

  // YAML merge keys: keys written in the mapping win over merged ones; among several
  // merged mappings the first one listed wins.
  void apply_merge_keys(Frame& frame) {
    for (Tree& source : frame.merge_sources) {
      if (source.is_mapping()) {
        merge_from(frame.node, source);
      } else if (source.is_sequence()) {
        for (Tree& item : source.items()) {
          if (item.is_mapping()) {
            merge_from(frame.node, item);
          } else {
            fail(item.mark(), "the value of a \"<<\" merge key must be a mapping");
          }
        }
      } else {
        fail(source.mark(), "the value of a \"<<\" merge key must be a mapping");
      }
    }
  }

  static void merge_from(Tree& target, Tree& source) {
    for (TreeEntry& e : source.entries())
      if (!target.find(e.key)) target.entries().push_back(std::move(e));
  }

  std::shared_ptr<const std::string> file_;
  Diagnostics& diag_;
  std::vector<Frame> stack_;
  std::vector<Tree> anchors_;
  std::vector<size_t> anchor_sizes_;
  size_t expanded_ = 0;
  Tree root_;
  bool failed_ = false;
};

}  // namespace

Tree parse_yaml(std::string_view text, const std::shared_ptr<const std::string>& file,
                Diagnostics& diag) {
  std::istringstream input{std::string(text)};
  TreeBuilder builder(file, diag);
  try {
    YAML::Parser parser(input);
    if (!parser.HandleNextDocument(builder)) return Tree::null(Mark{file, 0, 0});
    if (builder.failed()) return builder.take_root();
    TreeBuilder extra(file, diag);
    if (parser.HandleNextDocument(extra))
      diag.error(Mark{file, 0, 0}, "", "more than one YAML document in the file");
  } catch (const YAML::Exception& e) {
    diag.error(Mark{file, e.mark.line + 1, e.mark.column + 1}, "", "invalid YAML: " + e.msg);
    return Tree::null(Mark{file, 0, 0});
  }
  return builder.take_root();
}

}  // namespace compose
