"""A seccomp filter for the worker: no network, no debugging of others, no signals to the grader.

Built here as a raw classic-BPF program (no libseccomp needed), installed in the worker just before
it executes Python (fallback mode) or handed to bubblewrap, which installs it last (namespace
mode). The filter is inherited by every process the worker starts and cannot be removed.

What it denies (EPERM unless noted), and why:
- socket, socketpair: no network and no local IPC (Unix sockets to daemons on the machine);
- io_uring_*: io_uring can open sockets and files without the syscalls this filter sees;
- ptrace, process_vm_readv/writev, pidfd_getfd: no reading or writing another process's memory;
- kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_open aimed at the grader, its parent or
  its process group, and kill(-1); tkill and pidfd_send_signal altogether: student code cannot
  stop the grader even where it runs under the same uid;
- unshare, setns, clone with CLONE_NEW* flags, mount and the new mount API, pivot_root, chroot:
  no new namespaces (a way around the other limits); clone3 answers ENOSYS, so that libc falls
  back to clone, whose flags the filter can see;
- fork, vfork and clone: no new process and no new thread. A call's CPU time is the worker's
  (/proc/PID/stat): a child that is never waited for would do its work outside that count, limited
  only by the wall-clock backstop; a thread would be counted, but against whichever call is
  running, so a thread started early could work for the realistic-size case on the budgets of the
  calls before it. The worker needs neither (BLAS is pinned to one thread);
- ioctl TIOCSTI / TIOCLINUX: no typing commands into a terminal;
- shmget, msgget, semget, mq_open, memfd_create, memfd_secret: no memory that outlives the
  worker (SysV IPC objects, message queues) or escapes its address-space limit (memfds);
- bpf, perf_event_open, userfaultfd, keyctl/add_key/request_key, kexec and module loading,
  open_by_handle_at: kernel attack surface that a numerical function never needs.
Another architecture than the one the filter was built for (i386 or x32 calls from a 64-bit
process) kills the process, so the numbers above cannot be dodged.

Everything else is allowed: Python, NumPy and ordinary student code need nothing on the list.
"""
from __future__ import annotations

import ctypes
import errno
import os
import struct

# Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
_LD_W_ABS = 0x20
_JEQ, _JGE, _JSET = 0x15, 0x35, 0x45
_RET = 0x06
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
_X32_BIT = 0x40000000
_ARG0, _ARG1 = 16, 24            # offsets of the low words of args[0], args[1] in seccomp_data

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

CLONE_NEW_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
                   | 0x40000000 | 0x00000080)   # NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME
TIOCSTI, TIOCLINUX = 0x5412, 0x541C

# Syscall numbers per architecture: (AUDIT_ARCH value, {name: number}).
_SYSCALLS = {
    "x86_64": (0xC000003E, {
        "socket": 41, "socketpair": 53, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
        "pidfd_open": 434, "pidfd_send_signal": 424, "pidfd_getfd": 438, "ioctl": 16,
        "unshare": 272, "setns": 308, "clone": 56, "clone3": 435, "mount": 165, "umount2": 166,
        "pivot_root": 155, "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248,
        "request_key": 249, "kexec_load": 246, "kexec_file_load": 320, "init_module": 175,
        "finit_module": 313, "delete_module": 176, "open_by_handle_at": 304,
        "shmget": 29, "msgget": 68, "semget": 64, "mq_open": 240, "memfd_create": 319, "memfd_secret": 447,
        "fork": 57, "vfork": 58,
    }),
    "aarch64": (0xC00000B7, {
        "socket": 198, "socketpair": 199, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
        "pidfd_open": 434, "pidfd_send_signal": 424, "pidfd_getfd": 438, "ioctl": 29,
        "unshare": 97, "setns": 268, "clone": 220, "clone3": 435, "mount": 40, "umount2": 39,
        "pivot_root": 41, "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217,
        "request_key": 218, "kexec_load": 104, "kexec_file_load": 294, "init_module": 105,
        "finit_module": 273, "delete_module": 106, "open_by_handle_at": 265,
        "shmget": 194, "msgget": 186, "semget": 190, "mq_open": 180, "memfd_create": 279, "memfd_secret": 447,
    }),
}

DENIED = ("socket", "socketpair", "io_uring_setup", "io_uring_enter", "io_uring_register",
          "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "tkill", "pidfd_send_signal",
          "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount",
          "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
          "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
          "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
          "open_by_handle_at", "shmget", "msgget", "semget", "mq_open", "memfd_create", "memfd_secret")
SIGNAL_TARGET_ARG0 = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open")


def architecture() -> str | None:
    """The key of _SYSCALLS for this machine, or None when the filter cannot be built here."""
    machine = os.uname().machine.lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    return machine if machine in _SYSCALLS else None


def syscall_numbers(arch: str) -> dict[str, int]:
    return dict(_SYSCALLS[arch][1])


def _ins(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def _deny_arg(nr: int, offset: int, values: list[int], action: int) -> list[bytes]:
    """If the syscall is NR: ACTION when the low word at OFFSET is one of VALUES, else allow."""
    m = len(values)
    block = [_ins(_JEQ, nr, 0, m + 3), _ins(_LD_W_ABS, offset)]
    block += [_ins(_JEQ, v, m - j, 0) for j, v in enumerate(values)]
    return block + [_ins(_RET, RET_ALLOW), _ins(_RET, action)]


def build(protected_pids: tuple[int, ...] = (), arch: str | None = None, new_processes: bool = False) -> bytes:
    """The filter program (struct sock_filter[]) for ARCH (default: this machine).

    protected_pids: pids (positive) and process groups (negative) that must not be signalled;
    kill(-1) is always refused.
    new_processes: let fork, vfork and clone start processes and threads (never for a worker: the
    tests of the daemon killing use it, as a kernel without seccomp would behave).
    """
    arch = arch or architecture()
    if arch not in _SYSCALLS:
        raise OSError(f"no seccomp syscall table for {os.uname().machine}")
    audit_arch, nr = _SYSCALLS[arch]
    eperm = RET_ERRNO | errno.EPERM
    prog = [_ins(_LD_W_ABS, 4), _ins(_JEQ, audit_arch, 1, 0), _ins(_RET, RET_KILL_PROCESS),
            _ins(_LD_W_ABS, 0)]
    if arch == "x86_64":
        prog += [_ins(_JGE, _X32_BIT, 0, 1), _ins(_RET, RET_KILL_PROCESS)]
    for name in DENIED:
        prog += [_ins(_JEQ, nr[name], 0, 1), _ins(_RET, eperm)]
    prog += [_ins(_JEQ, nr["clone3"], 0, 1), _ins(_RET, RET_ERRNO | errno.ENOSYS)]
    # fork and vfork (x86_64 has them; aarch64's libc forks with clone): no new process.
    for name in ("fork", "vfork"):
        if name in nr and not new_processes:
            prog += [_ins(_JEQ, nr[name], 0, 1), _ins(_RET, eperm)]
    # clone: refused (a process or a thread); where new_processes allows it, namespace flags still are
    # (arg0's low word holds them all).
    if new_processes:
        prog += [_ins(_JEQ, nr["clone"], 0, 4), _ins(_LD_W_ABS, _ARG0), _ins(_JSET, CLONE_NEW_FLAGS, 1, 0),
                 _ins(_RET, RET_ALLOW), _ins(_RET, eperm)]
    else:
        prog += [_ins(_JEQ, nr["clone"], 0, 1), _ins(_RET, eperm)]
    prog += _deny_arg(nr["ioctl"], _ARG1, [TIOCSTI, TIOCLINUX], eperm)
    # Signals: refuse when arg0 (pid, tgid or pidfd_open's pid) is protected. pid_t is 32 bits, so
    # the low word of arg0 is compared; -1 is there for kill(-1).
    targets = sorted({p & 0xFFFFFFFF for p in protected_pids if p} | {0xFFFFFFFF})
    for name in SIGNAL_TARGET_ARG0:
        prog += _deny_arg(nr[name], _ARG0, targets, eperm)
    prog.append(_ins(_RET, RET_ALLOW))
    if len(prog) > 4096:
        raise ValueError("seccomp program too long")
    return b"".join(prog)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class Installer:
    """Everything needed to install PROGRAM, prepared in the parent so the child only calls prctl."""

    def __init__(self, program: bytes):
        self._buf = ctypes.create_string_buffer(program, len(program))
        self._fprog = _SockFprog(len(program) // 8, ctypes.addressof(self._buf))
        self._prctl = ctypes.CDLL(None, use_errno=True).prctl
        self._prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]

    def install(self) -> None:
        """Set no_new_privs and load the filter into the calling process (and its future children)."""
        if self._prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if self._prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(self._fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def probe() -> str | None:
    """None when a filter can be installed here, else why not (checked in a throwaway child)."""
    if architecture() is None:
        return f"no syscall table for {os.uname().machine}"
    installer = Installer(build())
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: install, then prove that a denied call is refused
        os.close(r)
        code = 1
        try:
            installer.install()
            import socket
            try:
                socket.socket().close()
                code = 2
            except PermissionError:
                code = 0
        except BaseException:  # noqa: BLE001
            code = 1
        os.write(w, bytes([code]))
        os._exit(0)
    os.close(w)
    data = os.read(r, 1)
    os.close(r)
    os.waitpid(pid, 0)
    return {b"\x00": None, b"\x02": "the filter loaded but did not refuse socket()"}.get(
        data, "prctl(PR_SET_SECCOMP) was refused")
