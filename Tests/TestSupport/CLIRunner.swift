import Foundation

/// Runs the built `explain` binary and captures its exit code, stdout and stderr.
public enum CLIRunner {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var stdoutBytes: [UInt8]
    }

    /// The `explain` executable built next to the test bundle.
    public static var executable: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("explain"),
            Bundle.main.bundleURL.appendingPathComponent("explain"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("explain"),
            packageRoot.appendingPathComponent(".build/debug/explain"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[3]
    }

    /// The package root (two levels above this file's folder).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `explain` with `arguments` in `directory`, with `environment` added to this process's environment.
    public static func run(_ arguments: [String], in directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes concurrently so a large output cannot block the child.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData.value, as: UTF8.self), stdoutBytes: [UInt8](outData))
    }

    /// How an interrupted run ended: whether it was still running when interrupted, and its exit.
    public struct Interrupted: Sendable {
        public var wasRunning: Bool
        public var exitedNormally: Bool
        public var status: Int32
    }

    /// Starts `explain` once per argument list (output discarded), waits `delay` microseconds, then sends SIGINT to
    /// each in turn, `gap` microseconds apart, so each is caught at a different point of its run.
    public static func interrupt(_ runs: [[String]], delay: useconds_t, gap: useconds_t) throws -> [Interrupted] {
        var processes: [Process] = []
        for arguments in runs {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        usleep(delay)
        var running: [Bool] = []
        for process in processes {
            running.append(process.isRunning)
            process.interrupt()
            usleep(gap)
        }
        return zip(processes, running).map { process, wasRunning in
            process.waitUntilExit()
            return Interrupted(wasRunning: wasRunning, exitedNormally: process.terminationReason == .exit,
                               status: process.terminationStatus)
        }
    }

    /// Starts `explain` (output discarded), waits until `ready()` holds (polled every millisecond, for at most
    /// `timeout` seconds), sends `signal`, and returns how it ended; `wasRunning` is false when it finished first or
    /// `ready()` never held.
    public static func signal(_ arguments: [String], _ signal: Int32, timeout: Double = 120,
                              when ready: () -> Bool) throws -> Interrupted {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && !ready() && Date() < deadline { usleep(1000) }
        let wasRunning = process.isRunning && ready()
        if wasRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return Interrupted(wasRunning: wasRunning, exitedNormally: process.terminationReason == .exit,
                           status: process.terminationStatus)
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("explainkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every regular file under `directory`, relative paths, sorted.
    public static func files(in directory: URL) -> [String] {
        let e = FileManager.default.enumerator(atPath: directory.path)
        var out: [String] = []
        while let p = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(p).path, isDirectory: &isDir), !isDir.boolValue {
                out.append(p)
            }
        }
        return out.sorted()
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ d: Data) { lock.lock(); data = d; done = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
