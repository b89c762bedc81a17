import ArgumentParser
import ExplainKit
import Foundation

/// The files a command reads and writes, checked before any work for an output that would overwrite an input or
/// another output (`--json same.json --out same.json`, `--out x.csv --input x.csv`).
///
/// Paths are compared as files (`FileIdentity`): `./a.json`, `a.json` and a link to it clash. Devices and FIFOs
/// are written in place, never replaced, so they clash with nothing: `--json /dev/null --out /dev/null` discards both.
struct OutputClashes {
    private struct Entry {
        var name: String
        var path: String
        var identity: FileIdentity
    }

    private var inputs: [Entry] = []
    private var outputs: [Entry] = []
    private var directories: [Entry] = []

    /// A file the command reads; `name` is the flag, or a phrase like `the training history of --model`.
    mutating func input(_ name: String, _ path: String?) {
        if let path { inputs.append(Entry(name: name, path: path, identity: FileIdentity(path: path))) }
    }

    /// A file the command writes.
    mutating func output(_ name: String, _ path: String?) {
        if let path { outputs.append(Entry(name: name, path: path, identity: FileIdentity(path: path))) }
    }

    /// A directory the command writes `page-NNN.png` files into.
    mutating func pageDirectory(_ name: String, _ path: String?) {
        if let path { directories.append(Entry(name: name, path: path, identity: FileIdentity(path: path))) }
    }

    /// - Throws: `ValidationError` (exit 64) naming the first clash, like `--json: same file as --out (a.json)`.
    func check() throws {
        var earlier = inputs
        for entry in outputs + directories where !entry.identity.isSpecial {
            if let other = earlier.first(where: { $0.identity.isSameFile(as: entry.identity) }) {
                throw ValidationError("\(entry.name): same file as \(other.name) (\(other.path))")
            }
            earlier.append(entry)
        }
        for directory in directories {
            for file in inputs + outputs where Self.isPage(file.path, in: directory.identity) {
                throw ValidationError("\(directory.name): its PNG pages would overwrite \(file.name) (\(file.path))")
            }
        }
    }

    /// Whether `path` is named like a PNG page (`page-001.png`) inside `directory`.
    private static func isPage(_ path: String, in directory: FileIdentity) -> Bool {
        let url = URL(fileURLWithPath: path)
        guard ReportWriter.isPageFileName(url.lastPathComponent) else { return false }
        return FileIdentity(path: url.deletingLastPathComponent().path).isSameFile(as: directory)
    }
}
