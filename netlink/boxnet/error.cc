#include "boxnet/error.h"

#include <netlink/errno.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace net {
namespace {

std::string compose(const std::string& op, const std::string& object, int code,
                    const std::string& detail) {
  std::string message = op;
  if (!object.empty()) message += " " + object;
  if (!detail.empty()) return message + ": " + detail;
  if (code != 0) return message + ": " + std::strerror(code);
  return message;
}

}  // namespace

// Copies, not moves: the order in which the delegated arguments are evaluated is unspecified.
Error::Error(std::string op, std::string object, int code, std::string detail)
    : Error(compose(op, object, code, detail), op, object, code) {}

Error::Error(std::string message, std::string op, std::string object, int code)
    : std::runtime_error(std::move(message)),
      op_(std::move(op)),
      object_(std::move(object)),
      code_(code) {}

Error Error::with_context(const std::string& context) const {
  return Error(context + ": " + what(), op_, object_, code_);
}

int errno_from_nl(int nl_error) {
  switch (nl_error < 0 ? -nl_error : nl_error) {
    case NLE_SUCCESS:
      return 0;
    case NLE_INTR:
      return EINTR;
    case NLE_BAD_SOCK:
      return EBADF;
    case NLE_AGAIN:
      return EAGAIN;
    case NLE_NOMEM:
      return ENOMEM;
    case NLE_EXIST:
      return EEXIST;
    case NLE_INVAL:
      return EINVAL;
    case NLE_RANGE:
      return ERANGE;
    case NLE_MSGSIZE:
      return EMSGSIZE;
    case NLE_OPNOTSUPP:
      return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT:
      return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND:
      return ENOENT;
    case NLE_NOATTR:
      return ENOENT;
    case NLE_MISSING_ATTR:
      return EINVAL;
    case NLE_AF_MISMATCH:
      return EAFNOSUPPORT;
    case NLE_SEQ_MISMATCH:
      return EPROTO;
    case NLE_MSG_OVERFLOW:
      return EOVERFLOW;
    case NLE_MSG_TRUNC:
      return EMSGSIZE;
    case NLE_NOADDR:
      return EADDRNOTAVAIL;
    case NLE_SRCRT_NOSUPPORT:
      return EOPNOTSUPP;
    case NLE_MSG_TOOSHORT:
      return EPROTO;
    case NLE_MSGTYPE_NOSUPPORT:
      return EOPNOTSUPP;
    case NLE_OBJ_MISMATCH:
      return EINVAL;
    case NLE_NOCACHE:
      return ENOENT;
    case NLE_BUSY:
      return EBUSY;
    case NLE_PROTO_MISMATCH:
      return EPROTONOSUPPORT;
    case NLE_NOACCESS:
      return EACCES;
    case NLE_PERM:
      return EPERM;
    case NLE_PKTLOC_FILE:
      return ENOENT;
    case NLE_PARSE_ERR:
      return EINVAL;
    case NLE_NODEV:
      return ENODEV;
    case NLE_IMMUTABLE:
      return EPERM;
    case NLE_DUMP_INTR:
      return EINTR;
    case NLE_ATTRSIZE:
      return EINVAL;
    default:
      return EIO;
  }
}

void check_nl(int nl_error, const std::string& op, const std::string& object) {
  if (nl_error >= 0) return;
  const int code = errno_from_nl(nl_error);
  // Codes without an errno twin are worded by libnl itself.
  if (code == EIO) throw Error(op, object, code, nl_geterror(nl_error));
  throw Error(op, object, code);
}

void check_sys(long result, const std::string& op, const std::string& object) {
  if (result < 0) throw Error(op, object, errno);
}

}  // namespace net
