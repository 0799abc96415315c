// Copying between a terminal and the process's own stdio, for the relays that sit
// between a user's terminal and a container's pty (boxrun's foreground console, the
// orchestrator's exec/run).
#pragma once

namespace boxrt {

// Copies what is readable from `from` now; false on EOF or EIO (a pty whose slave side
// is gone). What `to` no longer takes is dropped and the reading goes on: a container
// writing to a pty nobody drains would block for ever.
bool copy_available(int from, int to);

}  // namespace boxrt
