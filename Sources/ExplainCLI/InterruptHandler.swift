import Dispatch
import ExplainKit
import Foundation

/// Removes in-flight temporary files and exits with 128 + signal when the user presses Ctrl-C (or the run is
/// terminated), so an interrupted run leaves no temporary or partial files behind.
enum InterruptHandler {
    private static let sources = SignalSources()

    /// Installs the handlers once; later calls do nothing.
    static func install() {
        sources.installOnce {
            [SIGINT, SIGTERM].map { signalNumber in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    TemporaryFiles.shared.removeAll()
                    printError("interrupted")
                    // _exit, not exit: exit runs atexit handlers and library destructors (OpenBLAS frees its
                    // buffers) while worker threads may still be inside a model call, which crashed about one
                    // interrupt in twenty. Nothing is left to flush: stderr is written unbuffered.
                    _exit(128 + signalNumber)
                }
                source.resume()
                return source
            }
        }
    }
}

/// Keeps the signal sources alive for the life of the process.
private final class SignalSources: @unchecked Sendable {
    private let lock = NSLock()
    private var installed: [any DispatchSourceSignal] = []

    func installOnce(_ make: () -> [any DispatchSourceSignal]) {
        lock.lock(); defer { lock.unlock() }
        if installed.isEmpty { installed = make() }
    }
}
