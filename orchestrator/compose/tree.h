// A YAML document as the loader sees it: scalars kept as text (typed later, per key), every
// node with its source position, mappings in document order. The loader interpolates,
// merges and rebases paths on this tree before it is decoded into the typed model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compose/diagnostics.h"

namespace compose {

struct TreeEntry;

class Tree {
 public:
  enum class Kind { Null, Scalar, Sequence, Mapping };

  // Defined below TreeEntry: a vector of an incomplete type may be declared, not destroyed.
  Tree();
  ~Tree();
  Tree(const Tree&);
  Tree(Tree&&) noexcept;
  Tree& operator=(const Tree&);
  Tree& operator=(Tree&&) noexcept;
  static Tree null(Mark mark = {});
  static Tree scalar(std::string text, Mark mark = {}, bool quoted = false);
  static Tree sequence(Mark mark = {});
  static Tree mapping(Mark mark = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }
  bool is_mapping() const { return kind_ == Kind::Mapping; }
  const Mark& mark() const { return mark_; }

  // Scalars. `quoted` is true for quoted and block scalars, which are always strings.
  const std::string& text() const { return text_; }
  std::string& text() { return text_; }
  bool quoted() const { return quoted_; }

  // Sequences.
  const std::vector<Tree>& items() const { return items_; }
  std::vector<Tree>& items() { return items_; }
  void push_back(Tree item) { items_.push_back(std::move(item)); }

  // Mappings, in document order.
  const std::vector<TreeEntry>& entries() const { return entries_; }
  std::vector<TreeEntry>& entries() { return entries_; }
  const Tree* find(std::string_view key) const;
  Tree* find(std::string_view key);
  // Sets `key` to `value`, replacing an existing entry in place or appending a new one.
  Tree& set(std::string key, Tree value, Mark key_mark = {});
  bool erase(std::string_view key);

  // A short name of the kind for messages: "a mapping", "a sequence", "a string", "null".
  std::string_view kind_name() const;

 private:
  Kind kind_ = Kind::Null;
  bool quoted_ = false;
  Mark mark_;
  std::string text_;
  std::vector<Tree> items_;
  std::vector<TreeEntry> entries_;
};

struct TreeEntry {
  std::string key;
  Mark key_mark;
  Tree value;
};

inline Tree::Tree() = default;
inline Tree::~Tree() = default;
inline Tree::Tree(const Tree&) = default;
inline Tree::Tree(Tree&&) noexcept = default;
inline Tree& Tree::operator=(const Tree&) = default;
inline Tree& Tree::operator=(Tree&&) noexcept = default;

// Parses one YAML document. YAML syntax errors, duplicate keys, non-scalar keys and
// runaway alias expansion are reported to `diag`; the returned tree is then incomplete.
// `<<` merge keys are applied. An empty document gives a null tree.
Tree parse_yaml(std::string_view text, const std::shared_ptr<const std::string>& file,
                Diagnostics& diag);

}  // namespace compose
