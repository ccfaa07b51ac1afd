"""Landlock: an unprivileged, kernel-enforced allow-list of what the worker may touch.

Used in fallback mode (no namespaces, e.g. a Docker container without CAP_SYS_ADMIN), where it
gives most of what bubblewrap's private mount tree gives, without any privilege:
- files: read/execute only the Python runtime, the system libraries, the plan and the staged
  submission; read/write only the worker's out/ and tmp/ directories; nothing else exists for
  it (the reference, the grader's checks, the results, other submissions, /proc of the grader);
- network (ABI 4+): no TCP bind or connect;
- scopes (ABI 6+): no signals to processes outside the sandbox, no abstract Unix sockets;
- ptrace and /proc/PID/mem of processes outside the sandbox are refused (any ABI).
The ruleset is built in the trusted parent; the child only calls landlock_restrict_self (which
needs no_new_privs, set by the seccomp installer or here).
"""
from __future__ import annotations

import ctypes
import os
import struct

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446   # same on x86_64 and arm64
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2

FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ_ONLY = EXECUTE | READ_FILE | READ_DIR
READ_WRITE = (READ_FILE | READ_DIR | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG
              | REFER | TRUNCATE)

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def abi_version() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable (or refused by seccomp)."""
    v = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return int(v) if v > 0 else 0


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


class Ruleset:
    """A Landlock ruleset (an fd in the trusted parent); restrict() applies it in the child."""

    def __init__(self, read_only: list[str], read_write: list[str], abi: int):
        self.abi = abi
        handled_fs = _fs_rights(abi)
        handled_net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
        scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
        attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)
        size = 8 if abi < 4 else 16 if abi < 6 else 24
        buf = ctypes.create_string_buffer(attr[:size], size)
        fd = _libc.syscall(_SYS_CREATE_RULESET, buf, ctypes.c_size_t(size), ctypes.c_uint32(0))
        if fd < 0:
            raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
        self.fd = int(fd)
        self.handled = handled_fs
        try:
            for path in read_only:
                self._allow(path, READ_ONLY)
            for path in read_write:
                self._allow(path, READ_WRITE)
        except BaseException:
            os.close(self.fd)
            raise

    def _allow(self, path: str, rights: int) -> None:
        try:
            pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except FileNotFoundError:
            return
        try:
            if not os.path.isdir(path):
                rights &= FILE_RIGHTS
            attr = ctypes.create_string_buffer(struct.pack("=Qi", rights & self.handled, pfd), 12)
            if _libc.syscall(_SYS_ADD_RULE, ctypes.c_int(self.fd), ctypes.c_int(_RULE_PATH_BENEATH),
                             attr, ctypes.c_uint32(0)) != 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule({path}) failed")
        finally:
            os.close(pfd)

    def restrict(self) -> None:
        """In the child: no_new_privs, then enforce the ruleset on this process and its children."""
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if _libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(self.fd), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
