#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the journal and snapshot store rely on: retrying on
/// EINTR, finishing partial writes, and turning failures into `JournalError.io`.
enum POSIXFile {
    /// Opens `path`, retrying on EINTR.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        while true {
            let fd = path.withCString { systemOpen($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw JournalError.io(operation: "open", path: path, errno: errno)
        }
    }

    /// Writes all of `bytes`, continuing after partial writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(operation: "write", path: path, errno: errno)
            }
            if written == 0 {
                throw JournalError.io(operation: "write", path: path, errno: EIO)
            }
            pointer += written
            remaining -= written
        }
    }

    /// Flushes file data (and the metadata needed to read it back, such as its size) to
    /// stable storage.
    static func syncData(_ fd: Int32, path: String) throws {
        #if canImport(Darwin)
        // On Darwin fsync does not flush the drive cache; F_FULLFSYNC does.
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        let result = fsync(fd)
        #else
        let result = fdatasync(fd)
        #endif
        if result != 0 {
            throw JournalError.io(operation: "fsync", path: path, errno: errno)
        }
    }

    /// Flushes a directory so that files created, renamed or removed in it survive a crash.
    static func syncDirectory(_ path: String) throws {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { closeQuietly(fd) }
        if fsync(fd) != 0 {
            throw JournalError.io(operation: "fsync directory", path: path, errno: errno)
        }
    }

    /// Shrinks the file at `path` to `length` bytes and flushes it.
    static func truncate(_ path: String, to length: UInt64) throws {
        let fd = try open(path, O_WRONLY)
        defer { closeQuietly(fd) }
        while ftruncate(fd, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw JournalError.io(operation: "ftruncate", path: path, errno: errno)
        }
        if fsync(fd) != 0 {
            throw JournalError.io(operation: "fsync", path: path, errno: errno)
        }
    }

    /// Closes `fd`, ignoring errors (nothing useful can be done about them here).
    static func closeQuietly(_ fd: Int32) {
        _ = systemClose(fd)
    }

    /// The size in bytes of the open file `fd`.
    static func size(_ fd: Int32, path: String) throws -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 {
            throw JournalError.io(operation: "fstat", path: path, errno: errno)
        }
        return Int(info.st_size)
    }
}

#if canImport(Glibc)
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    Glibc.open(path, flags, mode)
}

private func systemClose(_ fd: Int32) -> Int32 {
    Glibc.close(fd)
}
#elseif canImport(Darwin)
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    Darwin.open(path, flags, mode)
}

private func systemClose(_ fd: Int32) -> Int32 {
    Darwin.close(fd)
}
#endif
