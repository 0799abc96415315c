#include "compose/tree.h"

#include <yaml.h>

#include <algorithm>
#include <unordered_map>

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
// Deeper nesting than this is no compose file; refusing it keeps every recursive walk of
// the tree (decoding, merging, destruction) far from the end of the stack.
constexpr size_t kMaxDepth = 256;
// Mappings up to this size are checked for duplicate keys as each key arrives.
constexpr size_t kLinearDuplicateCheck = 16;

size_t count_nodes(const Tree& t) {
  size_t n = 1;
  for (const auto& item : t.items())
    n += count_nodes(item);
  for (const auto& e : t.entries())
    n += count_nodes(e.value);
  return n;
}

bool is_plain_null(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

std::string_view as_view(const yaml_char_t* text) {
  return text ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

// Owns a libyaml parser and its current event.
class EventStream {
 public:
  explicit EventStream(std::string_view text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~EventStream() {
    if (has_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // The next event, or nullptr on a syntax error (see error()).
  const yaml_event_t* next() {
    if (has_event_) yaml_event_delete(&event_);
    has_event_ = yaml_parser_parse(&parser_, &event_) != 0;
    return has_event_ ? &event_ : nullptr;
  }

  std::string error_message() const {
    std::string message = "invalid YAML: ";
    message += parser_.problem ? parser_.problem : "syntax error";
    if (parser_.context) message += std::string(" ") + parser_.context;
    return message;
  }
  yaml_mark_t error_mark() const { return parser_.problem_mark; }

 private:
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool has_event_ = false;
};

// Builds a Tree from libyaml's event stream, keeping every node's position and whether a
// scalar was quoted. libyaml is the parser Docker Compose's go-yaml was ported from, so
// both read YAML 1.1 the same way.
class TreeBuilder {
 public:
  TreeBuilder(std::shared_ptr<const std::string> file, Diagnostics& diag)
      : file_(std::move(file)), diag_(diag) {}

  // Returns false once the document is complete or parsing failed.
  bool handle(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_SCALAR_EVENT:
        on_scalar(e);
        break;
      case YAML_ALIAS_EVENT:
        on_alias(e);
        break;
      case YAML_SEQUENCE_START_EVENT:
        open(Tree::sequence(to_mark(e.start_mark)), as_view(e.data.sequence_start.anchor));
        break;
      case YAML_MAPPING_START_EVENT:
        open(Tree::mapping(to_mark(e.start_mark)), as_view(e.data.mapping_start.anchor));
        break;
      case YAML_SEQUENCE_END_EVENT:
        close();
        break;
      case YAML_MAPPING_END_EVENT:
        check_duplicate_keys(stack_.back().node);
        apply_merge_keys(stack_.back());
        close();
        break;
      case YAML_DOCUMENT_END_EVENT:
        ++documents_;
        break;
      default:
        break;
    }
    return !failed_;
  }

  Tree take_root() { return std::move(root_); }
  int documents() const { return documents_; }
  Mark to_mark(const yaml_mark_t& m) const {
    return Mark{file_, static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
  }

 private:
  struct Frame {
    Tree node;
    std::string anchor;
    bool has_key = false;
    bool key_is_merge = false;
    std::string key;
    Mark key_mark;
    std::vector<Tree> merge_sources;  // values of `<<` keys, applied at the map's end
  };

  void fail(Mark mark, std::string message) {
    failed_ = true;
    diag_.error(std::move(mark), "", std::move(message));
  }

  void on_scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    std::string_view tag = as_view(s.tag);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && tag != "tag:yaml.org,2002:str";
    Mark mark = to_mark(e.start_mark);
    Tree node = plain && is_plain_null(value) ? Tree::null(mark)
                                              : Tree::scalar(std::string(value), mark, !plain);
    complete(std::move(node), as_view(s.anchor), plain);
  }

  void on_alias(const yaml_event_t& e) {
    Mark mark = to_mark(e.start_mark);
    auto it = anchors_.find(std::string(as_view(e.data.alias.anchor)));
    if (it == anchors_.end()) {
      fail(mark, "unknown alias *" + std::string(as_view(e.data.alias.anchor)));
      return;
    }
    expanded_ += it->second.size;
    if (expanded_ > kMaxExpandedNodes) {
      fail(mark, "too many nodes after expanding aliases (limit 2000000)");
      return;
    }
    complete(Tree(it->second.node), {}, false);
  }

  void open(Tree node, std::string_view anchor) {
    if (stack_.size() >= kMaxDepth) {
      fail(node.mark(), "nested more than 256 levels deep");
      return;
    }
    Frame frame;
    frame.node = std::move(node);
    frame.anchor = std::string(anchor);
    stack_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(frame.node), frame.anchor, false);
  }

  void remember_anchor(const Tree& node, std::string_view anchor) {
    if (anchor.empty()) return;
    anchors_[std::string(anchor)] = Anchored{node, count_nodes(node)};
  }

  // A node is finished: hand it to its parent (as a key, a value or an item).
  void complete(Tree node, std::string_view anchor, bool plain_scalar) {
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
    }
  }

  void add_entry(Frame& parent, Tree value) {
    parent.has_key = false;
    if (parent.key_is_merge) {
      parent.merge_sources.push_back(std::move(value));
      return;
    }
    // Small mappings are checked here; large ones (services) once, sorted, at their end.
    if (parent.node.entries().size() < kLinearDuplicateCheck && parent.node.find(parent.key)) {
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
        continue;
      }
      if (!source.is_sequence()) {
        fail(source.mark(), "the value of a \"<<\" merge key must be a mapping");
        continue;
      }
      for (Tree& item : source.items()) {
        if (item.is_mapping()) {
          merge_from(frame.node, item);
        } else {
          fail(item.mark(), "the value of a \"<<\" merge key must be a mapping");
        }
      }
    }
  }

  void check_duplicate_keys(const Tree& map) {
    const auto& entries = map.entries();
    if (entries.size() <= kLinearDuplicateCheck) return;
    std::vector<const TreeEntry*> sorted;
    sorted.reserve(entries.size());
    for (const TreeEntry& e : entries)
      sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(),
              [](const TreeEntry* a, const TreeEntry* b) { return a->key < b->key; });
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i]->key == sorted[i - 1]->key) {
        const TreeEntry* later =
            sorted[i]->key_mark.line > sorted[i - 1]->key_mark.line ? sorted[i] : sorted[i - 1];
        fail(later->key_mark, "duplicate key \"" + later->key + "\"");
      }
    }
  }

  static void merge_from(Tree& target, Tree& source) {
    for (TreeEntry& e : source.entries())
      if (!target.find(e.key)) target.entries().push_back(std::move(e));
  }

  struct Anchored {
    Tree node;
    size_t size = 0;
  };

  std::shared_ptr<const std::string> file_;
  Diagnostics& diag_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, Anchored> anchors_;
  size_t expanded_ = 0;
  Tree root_;
  bool failed_ = false;
  int documents_ = 0;
};

}  // namespace

Tree parse_yaml(std::string_view text, const std::shared_ptr<const std::string>& file,
                Diagnostics& diag) {
  EventStream events(text);
  TreeBuilder builder(file, diag);
  for (;;) {
    const yaml_event_t* e = events.next();
    if (!e) {
      diag.error(builder.to_mark(events.error_mark()), "", events.error_message());
      return Tree::null(Mark{file, 0, 0});
    }
    if (e->type == YAML_STREAM_END_EVENT) return builder.take_root();
    if (e->type == YAML_DOCUMENT_START_EVENT && builder.documents() > 0) {
      diag.error(builder.to_mark(e->start_mark), "", "more than one YAML document in the file");
      return Tree::null(Mark{file, 0, 0});
    }
    if (!builder.handle(*e)) return Tree::null(Mark{file, 0, 0});
  }
}

}  // namespace compose
