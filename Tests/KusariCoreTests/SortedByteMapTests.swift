@testable import KusariCore
import Testing

/// The ordered map under contract storage and a block's storage writes: it agrees with a
/// sorted array under random changes, copies never see each other's changes, and the
/// workspace's prefix walks see the block's writes (and their rollback) in key order.
@Suite struct SortedByteMapTests {
    /// A short random key (lengths 0-3 over 4 byte values, so prefixes and equal keys are common).
    static func key(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<Int(rng.next() % 4)).map { _ in UInt8(rng.next() % 4) }
    }

    @Test(arguments: 0..<8) func agreesWithASortedArrayAndCopiesStayApart(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var map = SortedByteMap<UInt64>()
        var reference: [[UInt8]: UInt64] = [:]
        var snapshots: [(SortedByteMap<UInt64>, [([UInt8], UInt64)])] = []
        for step in 0..<600 {
            let k = Self.key(&rng)
            if rng.next() % 3 == 0 {
                #expect(map.remove(k) == reference.removeValue(forKey: k))
            } else {
                map.set(k, UInt64(step))
                reference[k] = UInt64(step)
            }
            if step % 50 == 0 {
                snapshots.append((map, reference.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }))
            }
        }
        let sorted = reference.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        #expect(map.count == sorted.count)
        #expect(map.all.map(\.0) == sorted.map(\.key) && map.all.map(\.1) == sorted.map(\.value))
        for (k, v) in sorted { #expect(map.value(k) == v) }
        // Walks from any key, inclusive or not.
        for _ in 0..<50 {
            let from = Self.key(&rng)
            var walked: [[UInt8]] = []
            map.forEach(from: from, inclusive: false) { k, _ in walked.append(k); return true }
            #expect(walked == sorted.map(\.key).filter { from.lexicographicallyPrecedes($0) })
        }
        // Every earlier copy still holds what it held.
        for (copy, held) in snapshots {
            #expect(copy.all.map(\.0) == held.map(\.0) && copy.all.map(\.1) == held.map(\.1))
            #expect(copy.count == held.count)
        }
    }

    @Test func theWorkspaceWalksWritesInOrderAndForgetsRolledBackOnes() {
        let contract = AddressPayload(bytes: [UInt8](repeating: 7, count: 20)) ?? .zero
        let state = StateTree(accounts: [], storage: [(contract, [StorageEntry(key: [1, 1], value: [9]),
                                                                  StorageEntry(key: [1, 3], value: [9]),
                                                                  StorageEntry(key: [2, 0], value: [9])])])
        let ledger = LedgerWorkspace(state: state)
        ledger.storageSet(contract, key: [1, 2], value: [5])
        ledger.storageSet(contract, key: [1, 3], value: nil)
        let mark = ledger.checkpoint()
        ledger.storageSet(contract, key: [1, 0], value: [6])
        ledger.storageSet(contract, key: [1, 2], value: [7])
        #expect(ledger.storageScan(contract, prefix: [1]).map(\.key) == [[1, 0], [1, 1], [1, 2]])
        #expect(ledger.storageNextEntry(contract, prefix: [1], after: [1, 1]) == StorageEntry(key: [1, 2], value: [7]))
        ledger.rollback(to: mark)
        #expect(ledger.storageScan(contract, prefix: [1]) == [StorageEntry(key: [1, 1], value: [9]), StorageEntry(key: [1, 2], value: [5])])
        #expect(ledger.storageNext(contract, prefix: [1], after: nil) == [1, 1])
        #expect(ledger.storageNext(contract, prefix: [1], after: [1, 2]) == nil)
        #expect(ledger.storageNext(contract, prefix: [2], after: [0]) == [2, 0])
        #expect(ledger.storageChanges.map(\.1.count) == [2])
    }
}
