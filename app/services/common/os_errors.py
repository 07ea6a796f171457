"""What went wrong with a file, in the words the person at the desk reads.

The operating system's own text is English on most machines (No such file or directory, Is a
directory) and says nothing to staff; the error number says the same thing in every language.
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "磁盘只读，不能写入",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EIO: "磁盘读写出错",
}


def os_reason(exc: OSError) -> str:
    """The reason of ``exc`` in Chinese (the path is left to the caller, which knows which file
    it meant)."""
    return _REASONS.get(exc.errno, "读写文件时出错") if exc.errno is not None else "读写文件时出错"
