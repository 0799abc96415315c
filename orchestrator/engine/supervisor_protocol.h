// The supervisor's wire format: one JSON object per SOCK_SEQPACKET message, with file
// descriptors attached as SCM_RIGHTS. Requests carry "op"; every request gets one reply
// ({"ok":true,...} or {"ok":false,"error":"..."}), and a "spawn" gets a second message,
// {"op":"exited","code":N}, when the process it started ends.
//
//   spawn    argv, env, cwd + fds [stdin, stdout, stderr]: run a process (a worker that
//            creates containers) as the supervisor's child, so every container it
//            creates is reparented to the supervisor when the worker exits.
//   signal   sig: forward a signal to the spawned process of this connection.
//   watch    container, pid, start_time, log, exit_file + fds [stdout, stderr]: a
//            container to reap and whose output to log.
//   ping     -> pid
//   shutdown the supervisor exits once it has replied.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "boxrt/fd.h"

namespace engine {

struct Message {
  nlohmann::json body;
  std::vector<boxrt::UniqueFd> fds;
};

inline constexpr std::size_t kMaxMessage = 64 * 1024;
inline constexpr std::size_t kMaxMessageFds = 8;

// Sends one message; throws Error.
void send_message(int sock, const nlohmann::json& body, const std::vector<int>& fds = {});
// Receives one message; nullopt at end of stream. Throws Error on a malformed message.
std::optional<Message> receive_message(int sock);

}  // namespace engine
