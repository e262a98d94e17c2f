#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The entry names of a folder, those that are UTF-8 apart from those that are not.
///
/// Why apart: files are opened by `String` paths, and Swift turns a name that is not UTF-8
/// (`a\xff.safetensors`) into another one (`a\u{FFFD}.safetensors`), so such a file was
/// chosen as the checkpoint and then reported as "cannot open: No such file or directory".
/// Those names are left out of the choice, and said when nothing else is there to read.
struct FolderListing {
    /// UTF-8 names, sorted, without `.` and `..`.
    let names: [String]
    /// The other names as shown in messages (invalid bytes as U+FFFD), sorted.
    let undecodable: [String]

    init(_ folder: String) throws(CheckpointError) {
        guard let stream = opendir(folder) else {
            throw .source(path: folder, kind: "io", message: "cannot list the folder: \(errnoDescription(errno))")
        }
        defer { closedir(stream) }
        var names: [String] = [], undecodable: [String] = []
        while let entry = readdir(stream) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if bytes == [46] || bytes == [46, 46] { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                undecodable.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        self.names = names.sorted()
        self.undecodable = undecodable.sorted()
    }
}
