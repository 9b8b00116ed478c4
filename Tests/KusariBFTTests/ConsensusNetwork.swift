import Foundation
import KusariCore
@testable import KusariBFT

/// What a faulty validator of the simulation does.
enum FaultKind: String, CaseIterable, Sendable {
    /// Stops at some moment, restarts later with its consensus state lost (its chain and
    /// its signer's last-signed record survive).
    case crash
    /// Sends nothing, ever.
    case silent
    /// As proposer, sends one proposal to half its peers and another to the rest.
    case equivocator
    /// Sends each vote to half its peers and a conflicting vote to the rest (for another
    /// value proposed in the height when there is one).
    case doubleVoter
}

/// One run's faults and network conditions, all drawn from the seed.
struct Scenario: CustomStringConvertible {
    var powers: [UInt64]
    var faults: [(node: Int, kind: FaultKind)] = []
    var crashAt: [Int: (down: UInt64, up: UInt64)] = [:]
    /// A partition into two sides (`side[i]`) between `start` and `end`.
    var partition: (start: UInt64, end: UInt64, side: [Bool])?
    var lossPerMille: UInt64 = 0
    var duplicatePerMille: UInt64 = 0
    var maxDelayMs: UInt64 = 100
    /// When every fault stops: no more loss or partition, the crashed are back.
    var faultEnd: UInt64 = 0
    var followers = 0

    /// A scenario drawn from `seed`: up to f faulty validators (less than a third of the
    /// power) of random kinds, loss, duplication, delays, maybe a partition.
    static func random(seed: UInt64, powers: [UInt64]) -> Scenario {
        var rng = SplitMix64(seed: seed)
        var s = Scenario(powers: powers)
        let total = powers.reduce(0, +)
        s.faultEnd = 1_000 + rng.next() % 7_000
        s.lossPerMille = rng.next() % 250
        s.duplicatePerMille = rng.next() % 100
        s.maxDelayMs = 20 + rng.next() % 400
        var faultyPower: UInt64 = 0
        let wanted = Int(rng.next() % UInt64(powers.count / 3 + 1))
        var candidates = Array(powers.indices)
        while s.faults.count < wanted, !candidates.isEmpty {
            let node = candidates.remove(at: Int(rng.next() % UInt64(candidates.count)))
            guard (faultyPower + powers[node]) * 3 < total else { continue }
            faultyPower += powers[node]
            let kind = FaultKind.allCases[Int(rng.next() % UInt64(FaultKind.allCases.count))]
            s.faults.append((node, kind))
            if kind == .crash {
                let down = rng.next() % s.faultEnd
                s.crashAt[node] = (down, down + 1 + rng.next() % (s.faultEnd - down))
            }
        }
        if rng.next() % 2 == 0 {
            let start = rng.next() % s.faultEnd
            s.partition = (start, start + 1 + rng.next() % (s.faultEnd - start),
                           powers.indices.map { _ in rng.next() % 2 == 0 })
        }
        s.followers = seed % 4 == 0 ? 1 : 0
        return s
    }

    func kind(of node: Int) -> FaultKind? { faults.first { $0.node == node }?.kind }

    var description: String {
        let f = faults.map { "#\($0.node) \($0.kind.rawValue)" }.joined(separator: ", ")
        let p = partition.map { "partition \($0.start)-\($0.end) ms" } ?? "no partition"
        return "powers \(powers), faults [\(f)], loss \(lossPerMille)‰, dup \(duplicatePerMille)‰, "
            + "delay ≤ \(maxDelayMs) ms, \(p), faults end at \(faultEnd) ms, \(followers) follower(s)"
    }
}

/// A message on the simulated wire.
enum WireMessage: Hashable {
    case proposal(Proposal)
    case vote(Vote)
    /// "I am at this height": peers answer with what the sender may be missing.
    case status(from: Int, height: UInt64)
}

/// A min-heap of timed events, ties broken by insertion order: the same pushes give the
/// same pops.
struct EventQueue<Item> {
    private var heap: [(time: UInt64, seq: UInt64, item: Item)] = []
    private var seq: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ time: UInt64, _ item: Item) {
        heap.append((time, seq, item))
        seq += 1
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (time: UInt64, item: Item)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count, less(l, m) { m = l }
            if r < heap.count, less(r, m) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return (top.time, top.item)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        (heap[a].time, heap[a].seq) < (heap[b].time, heap[b].seq)
    }
}
