"""A query worker that cannot open network connections, so that no query can make it contact another host.

The endpoint refuses ``SERVICE`` by reading the query text, but only the engine's own parser knows
for sure what it parsed (``FILTER(1<2)SERVICE#>`` reads as an IRI to a lexer, as ``1 < 2`` then
``SERVICE`` to the engine). So the decision is the engine's: in the worker process a seccomp filter
makes ``socket()`` for IPv4 and IPv6 fail with EACCES, and a query whose engine tried to reach a
SERVICE fails with that error. Linux on x86-64 and AArch64; elsewhere only the text check holds.
"""

from __future__ import annotations

import ctypes
import platform
import socket
import struct
import sys

# audit architecture and the number of the socket() system call
ARCHITECTURES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
EACCES = 13
REFUSED = f"(os error {EACCES})"  # how the engine reports the refused connection


def available() -> bool:
    return sys.platform.startswith("linux") and platform.machine() in ARCHITECTURES


def forbid_network() -> bool:
    """Make every later IPv4/IPv6 ``socket()`` of this process fail; whether it could be done."""
    if not available():
        return False
    arch, socket_call = ARCHITECTURES[platform.machine()]
    load, jump_if_equal, ret = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    allow, refuse = 0x7FFF0000, 0x00050000 | EACCES  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO
    program = [
        (load, 0, 0, 4),  # the architecture
        (jump_if_equal, 0, 5, arch),
        (load, 0, 0, 0),  # the system call
        (jump_if_equal, 0, 3, socket_call),
        (load, 0, 0, 16),  # its first argument: the address family
        (jump_if_equal, 2, 0, socket.AF_INET),
        (jump_if_equal, 1, 0, socket.AF_INET6),
        (ret, 0, 0, allow),
        (ret, 0, 0, refuse),
    ]
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *op) for op in program))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    no_new_privs, set_seccomp, mode_filter = 38, 22, 2
    if libc.prctl(no_new_privs, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(set_seccomp, mode_filter, ctypes.byref(Program(len(program), ctypes.addressof(code))), 0, 0) == 0
