import Dispatch
import Synchronization

/// Checks many transaction signatures at once, spread over all cores.
public enum SignatureBatch {
    /// The number of cores work is spread over.
    public static var defaultThreads: Int { max(1, System.activeProcessorCount) }

    /// The index of the first transaction whose signature is invalid, or nil
    /// when all are valid. The answer is the same whatever the thread count.
    public static func firstInvalid(_ transactions: [Transaction], threads: Int = defaultThreads) -> Int? {
        let n = transactions.count
        if n == 0 { return nil }
        let chunks = min(n, max(1, threads) * 16)
        if chunks == 1 {
            return transactions.firstIndex { !$0.hasValidSignature }
        }
        let firstBad = Mutex<Int>(Int.max)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
            for i in lo..<hi where !transactions[i].hasValidSignature {
                firstBad.withLock { $0 = min($0, i) }
                break
            }
        }
        let result = firstBad.withLock { $0 }
        return result == Int.max ? nil : result
    }
}

/// Facts about the machine that computations adapt to.
public enum System {
    /// Cores available to this process.
    public static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
