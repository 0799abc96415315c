// process.terminal, as runc does it with --console-socket: the runtime connects to the
// caller's unix socket; the init (or an exec'd process) opens a pty on the container's
// own devpts (/dev/ptmx -> pts/ptmx), makes the slave its stdio and controlling
// terminal (and, for the init, binds it on /dev/console), and sends the master over the
// socket with SCM_RIGHTS. The receiver reads the process's output from the master.
#pragma once

#include <string>

#include "boxrt/fd.h"
#include "boxrt/spec.h"

namespace boxrt {

// Parent side: a SOCK_STREAM connection to the listening socket at `path`.
UniqueFd connect_console_socket(const std::string& path);

// Parent side, runc's rules: a terminal needs a console socket, a console socket needs a
// terminal, and a terminal's stdio cannot also go to files. Returns the connection, or
// an invalid fd without a terminal.
UniqueFd console_for(const Process& process, const std::string& socket_path, bool stdio_redirected);

// Child side, as root and before the user switch: the pty, stdio, controlling terminal,
// /dev/console (when mount_console), and the master sent to `socket_fd`.
void setup_console(int socket_fd, const Process& process, bool mount_console);

// One fd over a unix socket with `name` as the payload (runc's utils.SendFile: the
// payload is the master's file name, "/dev/ptmx").
void send_fd(int socket_fd, const std::string& name, int fd);
// Receives one fd sent by send_fd (O_CLOEXEC); `name` gets the payload.
UniqueFd recv_fd(int socket_fd, std::string* name = nullptr);

}  // namespace boxrt
