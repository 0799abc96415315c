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
//            Optional: boxcompose (the CLI path, for the hidden verbs the supervisor runs),
//            health (engine::HealthSpec JSON: run healthchecks, write health.json),
//            restart (engine::RestartPolicy JSON) and restart_count.
//   publish_ports  container, pid, address, ports [{host_ip, host_port, target, protocol}]
//            + one listening (tcp) or bound (udp) socket per port: forward them to
//            address:target until the container's init (pid) exits.
//   unpublish_ports  container: close the published ports of that container name.
//   subscribe -> containers {name: {state, exit_code, restarting, health}}; then this
//            connection receives {"op":"start"|"exit"|"health","container",...} events.
//   stopping containers: the user stops these; no restart policy brings them back.
//   may_restart container -> restart: false once the user stopped it.
//   reaped   pid, code: a container the sender made (so its child) exited and was reaped
//            there; recorded and published as if the supervisor had reaped it.
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
// SCM_MAX_FD is 253: a "publish_ports" of a long port range is split to fit.
inline constexpr std::size_t kMaxMessageFds = 253;

// Sends one message; throws Error.
// With `wait` false, a full socket is an error (EAGAIN) instead of a wait: for the
// supervisor's events, which must never block it on a client that stopped reading.
void send_message(int sock, const nlohmann::json& body, const std::vector<int>& fds = {},
                  bool wait = true);
// Receives one message; nullopt at end of stream. Throws Error on a malformed message.
std::optional<Message> receive_message(int sock);

}  // namespace engine
