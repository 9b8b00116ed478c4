import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `kusari node --exit-with-parent PID` (used by `kusari devnet`): the node
/// checks once a second that PID is still its parent, and stops itself cleanly
/// (SIGTERM to itself, the same path as Ctrl-C) once it is not, that is once the
/// devnet has exited, even by SIGKILL. A watch rather than Linux's
/// PR_SET_PDEATHSIG, which fires when the parent's spawning *thread* ends and
/// would stop nodes whenever a thread pool retires a thread.
enum ParentWatch {
    static func start(parent: Int32) -> Task<Void, Never> {
        Task.detached {
            while !Task.isCancelled {
                if getppid() != parent {
                    // A clean stop first; if the node has not stopped 30 s later (still starting,
                    // or stuck), it exits at once: an orphaned node must never run on.
                    kill(getpid(), SIGTERM)
                    try? await Task.sleep(for: .seconds(30))
                    _exit(1)
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
