#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrictJSON

/// The entry names of a folder, those that are UTF-8 apart from those that are not.
///
/// Why apart: files are opened by `String` paths, and Swift turns a name that is not UTF-8
/// (`a\xff.safetensors`) into another one (`a\u{FFFD}.safetensors`), so such a file was
/// chosen as the checkpoint and then reported as "cannot open: No such file or directory".
/// Those names are left out of the choice, and said when nothing else is there to read.
struct FolderListing {
    /// UTF-8 names, sorted by code points, without `.` and `..`.
    let names: [String]
    /// The other names as shown in messages (invalid bytes as U+FFFD), sorted.
    let undecodable: [String]

    init(_ folder: String) throws(CheckpointError) {
        guard let stream = opendir(folder) else {
            throw .source(path: folder, kind: "io", message: "cannot list the folder: \(errnoDescription(errno))")
        }
        defer { closedir(stream) }
        var names: [String] = [], undecodable: [String] = []
        while true {
            // `readdir` returns nil at the end and on an error alike: errno tells them apart (an
            // error mid-listing would otherwise give a shorter list, and another checkpoint).
            errno = 0
            guard let entry = readdir(stream) else {
                guard errno == 0 else {
                    throw .source(path: folder, kind: "io", message: "cannot list the folder: \(errnoDescription(errno))")
                }
                break
            }
            let bytes = Self.name(of: entry)
            if bytes == [46] || bytes == [46, 46] { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                undecodable.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        // Code point order: `String <` leaves two names that are canonically equivalent (two
        // files on Linux) in readdir's order, which differs from one file system to another.
        self.names = names.sortedByCodePoints()
        self.undecodable = undecodable.sortedByCodePoints()
    }

    /// The bytes of an entry's name, up to its NUL: read through a pointer, not by copying
    /// `d_name`'s declared 256 bytes, which can pass the end of a short record.
    static func name(of entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return [] }
        let start = (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self)
        return Array(UnsafeRawBufferPointer(start: start, count: strlen(start)))
    }
}
