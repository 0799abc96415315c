// Owning handles for libarchive objects and its errors turned into image::Error.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>
#include <string_view>

namespace image {

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
struct LinkResolverFree {
  void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};

using ReadArchive = std::unique_ptr<archive, ArchiveReadFree>;
using WriteArchive = std::unique_ptr<archive, ArchiveWriteFree>;
using ArchiveEntry = std::unique_ptr<archive_entry, ArchiveEntryFree>;
using LinkResolver = std::unique_ptr<archive_entry_linkresolver, LinkResolverFree>;

// Throws Error("<what> <on>: <libarchive's message>") when rc is worse than ARCHIVE_WARN;
// returns rc otherwise (warnings such as "can't restore owner" as non-root are not fatal).
int check_archive(int rc, archive* a, std::string_view what, std::string_view on);

// The entry's path as stored in the archive, or "" when libarchive has none.
std::string entry_path(archive_entry* e);

}  // namespace image
