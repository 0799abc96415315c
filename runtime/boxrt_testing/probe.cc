// Runs inside test containers and prints what it sees as one JSON object on stdout.
//   probe [info]        uid, gid, groups, capabilities, no_new_privs, seccomp, hostname,
//                       cwd, umask, pid, mounts, open fds, rlimit nofile
//   probe unshare       tries unshare(CLONE_NEWUTS)
//   probe mount         tries mounting a tmpfs on /tmp
//   probe fork N        forks up to N sleeping children, reports how many it got
//   probe alloc MB      allocates and touches MB megabytes
//   probe cat PATH      reads a file
//   probe write PATH    opens a file for writing
//   probe sleep SECONDS
//   probe spin MS       burns CPU for MS milliseconds of wall-clock time
//   probe keyring       the id of its session keyring (keyctl)
//   probe exit CODE
//   probe tty           stdio's terminal: isatty, ttyname, controlling tty, session, size,
//                       whether /dev/console is the same pty
//   probe env           the environment as a JSON array
//   probe echo-line     reads one line from stdin and prints it back as {"line": ...}
// Static, no dependency on anything in the rootfs.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" char** environ;

namespace {

std::string esc(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string status_field(const std::string& status, const std::string& key) {
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      std::string v = line.substr(key.size() + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  return "";
}

std::string mounts_json() {
  std::istringstream in(read_file("/proc/self/mountinfo"));
  std::string line, out = "[";
  bool first = true;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, devno, root, point, opts, tok, type, propagation;
    f >> id >> parent >> devno >> root >> point >> opts;
    while (f >> tok && tok != "-")  // optional fields: shared:N, master:N
      propagation += (propagation.empty() ? "" : " ") + tok;
    f >> type;
    out += std::string(first ? "" : ",") + "{\"path\":" + esc(point) + ",\"type\":" + esc(type) +
           ",\"options\":" + esc(opts) + ",\"propagation\":" + esc(propagation) + "}";
    first = false;
  }
  return out + "]";
}

std::string fds_json() {
  std::string out = "[";
  DIR* d = opendir("/proc/self/fd");
  if (!d) return "null";
  int own = dirfd(d);
  bool first = true;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    int fd = atoi(e->d_name);
    if (fd == own) continue;
    char target[512] = {};
    std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n < 0) target[0] = 0;
    out += std::string(first ? "" : ",") + "{\"fd\":" + std::to_string(fd) + ",\"target\":" + esc(target) + "}";
    first = false;
  }
  closedir(d);
  return out + "]";
}

int info() {
  std::string status = read_file("/proc/self/status");
  char host[256] = {}, cwd[4096] = {};
  gethostname(host, sizeof host - 1);
  if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "(error)");
  gid_t groups[256];
  int ng = getgroups(256, groups);
  std::string gs = "[";
  for (int i = 0; i < ng; ++i) gs += (i ? "," : "") + std::to_string(groups[i]);
  gs += "]";
  mode_t um = umask(0);
  umask(um);
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  printf("{\"uid\":%u,\"gid\":%u,\"euid\":%u,\"groups\":%s,", getuid(), getgid(), geteuid(), gs.c_str());
  printf("\"cap_eff\":%s,\"cap_prm\":%s,\"cap_bnd\":%s,\"cap_inh\":%s,\"cap_amb\":%s,",
         esc(status_field(status, "CapEff")).c_str(), esc(status_field(status, "CapPrm")).c_str(),
         esc(status_field(status, "CapBnd")).c_str(), esc(status_field(status, "CapInh")).c_str(),
         esc(status_field(status, "CapAmb")).c_str());
  printf("\"no_new_privs\":%s,\"seccomp\":%s,", status_field(status, "NoNewPrivs").c_str(),
         status_field(status, "Seccomp").c_str());
  printf("\"hostname\":%s,\"domainname\":%s,\"cwd\":%s,\"umask\":%u,\"pid\":%d,",
         esc(host).c_str(), esc(read_file("/proc/sys/kernel/domainname").substr(0, 64)).c_str(),
         esc(cwd).c_str(), um, getpid());
  printf("\"nofile_soft\":%llu,\"nofile_hard\":%llu,", (unsigned long long)nofile.rlim_cur,
         (unsigned long long)nofile.rlim_max);
  printf("\"env_path\":%s,", esc(getenv("PATH") ? getenv("PATH") : "").c_str());
  printf("\"mounts\":%s,\"fds\":%s}\n", mounts_json().c_str(), fds_json().c_str());
  return 0;
}

int result(int rc, int err) {
  printf("{\"rc\":%d,\"errno\":%d,\"error\":%s}\n", rc, rc < 0 ? err : 0, esc(rc < 0 ? strerror(err) : "").c_str());
  return 0;
}

int fork_many(int n) {
  std::vector<pid_t> kids;
  int err = 0;
  for (int i = 0; i < n; ++i) {
    pid_t p = fork();
    if (p == 0) {
      pause();
      _exit(0);
    }
    if (p < 0) {
      err = errno;
      break;
    }
    kids.push_back(p);
  }
  for (pid_t p : kids) kill(p, SIGKILL);
  for (pid_t p : kids) waitpid(p, nullptr, 0);
  printf("{\"forked\":%zu,\"errno\":%d}\n", kids.size(), err);
  return 0;
}

int alloc(long mb) {
  std::vector<char*> blocks;
  for (long i = 0; i < mb; ++i) {
    char* b = static_cast<char*>(malloc(1 << 20));
    if (!b) return result(-1, ENOMEM);
    memset(b, 1, 1 << 20);
    blocks.push_back(b);
  }
  printf("{\"allocated_mb\":%ld}\n", mb);
  return 0;
}

int spin(long ms) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  volatile unsigned long x = 0;
  do {
    for (int i = 0; i < 100000; ++i)
      x = x + i;
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
  printf("{\"spun_ms\":%ld}\n", ms);
  return 0;
}

int keyring() {
  // KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), without creating one.
  long id = syscall(SYS_keyctl, 0, -3, 0);
  return id < 0 ? result(-1, errno) : (printf("{\"session_keyring\":%ld}\n", id), 0);
}

int tty() {
  char name[256] = {};
  if (ttyname_r(0, name, sizeof name) != 0) name[0] = 0;
  int ctty = open("/dev/tty", O_RDWR | O_NOCTTY);
  if (ctty >= 0) close(ctty);
  struct winsize ws = {};
  ioctl(0, TIOCGWINSZ, &ws);
  struct stat in = {}, console = {};
  fstat(0, &in);
  bool same = stat("/dev/console", &console) == 0 && S_ISCHR(console.st_mode) &&
              console.st_rdev == in.st_rdev;
  printf(
      "{\"isatty\":[%d,%d,%d],\"ttyname\":%s,\"ctty\":%s,\"session_leader\":%s,"
      "\"rows\":%u,\"cols\":%u,\"console_is_our_pty\":%s,\"tty_owner\":%u}\n",
      isatty(0), isatty(1), isatty(2), esc(name).c_str(), ctty >= 0 ? "true" : "false",
      getsid(0) == getpid() ? "true" : "false", ws.ws_row, ws.ws_col, same ? "true" : "false",
      in.st_uid);
  return 0;
}

int env() {
  std::string out = "[";
  for (char** e = environ; *e; ++e)
    out += std::string(e == environ ? "" : ",") + esc(*e);
  printf("%s]\n", out.c_str());
  return 0;
}

int echo_line() {
  std::string line;
  char c;
  while (read(0, &c, 1) == 1 && c != '\n' && c != '\r')
    line += c;
  printf("{\"line\":%s}\n", esc(line).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IONBF, 0);
  std::string cmd = argc > 1 ? argv[1] : "info";
  std::string arg = argc > 2 ? argv[2] : "";
  if (cmd == "info") return info();
  if (cmd == "unshare") { int rc = unshare(CLONE_NEWUTS); return result(rc, errno); }
  if (cmd == "mount") { int rc = mount("tmpfs", "/tmp", "tmpfs", 0, nullptr); return result(rc, errno); }
  if (cmd == "fork") return fork_many(atoi(arg.c_str()));
  if (cmd == "alloc") return alloc(atol(arg.c_str()));
  if (cmd == "cat") {
    int fd = open(arg.c_str(), O_RDONLY);
    if (fd < 0) return result(-1, errno);
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) return result(-1, errno);
    buf[n] = 0;
    printf("{\"rc\":0,\"content\":%s}\n", esc(buf).c_str());
    return 0;
  }
  if (cmd == "write") { int fd = open(arg.c_str(), O_WRONLY); return result(fd, errno); }
  if (cmd == "sleep") { sleep(atoi(arg.c_str())); return 0; }
  if (cmd == "spawn-sleeper") {  // a child that outlives us (stdio closed: nobody waits on it)
    if (fork() == 0) {
      for (int fd = 0; fd < 3; ++fd) close(fd);
      sleep(60);
      _exit(0);
    }
    return 0;
  }
  if (cmd == "spin") return spin(atol(arg.c_str()));
  if (cmd == "keyring") return keyring();
  if (cmd == "exit") return atoi(arg.c_str());
  if (cmd == "tty") return tty();
  if (cmd == "env") return env();
  if (cmd == "echo-line") return echo_line();
  fprintf(stderr, "probe: unknown command %s\n", cmd.c_str());
  return 2;
}
