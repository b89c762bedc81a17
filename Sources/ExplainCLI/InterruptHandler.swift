import Dispatch
import ExplainKit
import Foundation

/// Removes in-flight temporary files and exits with 128 + signal when the user presses Ctrl-C, the run is
/// terminated, its terminal hangs up, its output pipe closes, or it gets SIGUSR1/SIGUSR2 (whose default action is
/// also to end the process), so an interrupted run leaves no temporary or partial files behind.
enum InterruptHandler {
    private static let sources = SignalSources()

    /// The signals handled: every one whose default action ends the process and that a user or a pipeline sends.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2]

    /// The handlers' own serial queue. A private serial queue is an overcommitting one: it gets a thread even while
    /// the workers of `DispatchQueue.concurrentPerform` hold every thread of the global pool, which a handler on
    /// `.global()` could wait behind for as long as the run lasts (seen as a Ctrl-C ignored for minutes under load).
    private static let queue = DispatchQueue(label: "explain.signals", qos: .userInteractive)

    /// Installs the handlers once; later calls do nothing.
    static func install() {
        sources.installOnce {
            signals.map { signalNumber in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
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
