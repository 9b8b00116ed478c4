@testable import KusariCore
import Testing

/// What a block that writes a few keys of a large storage costs: the new version shares the
/// old one's entries (``SortedByteMap``) instead of copying them. The time is printed, not
/// asserted (machines differ); what is asserted is that every version keeps its own entries.
@Suite struct StorageTreeCostTests {
    @Test func aFewWritesToALargeStorageLeaveEveryVersionIntact() {
        let n = 100_000, blocks = 200, writesPerBlock = 4
        func key(_ i: Int) -> [UInt8] { [0x06] + withUnsafeBytes(of: UInt64(i).bigEndian) { Array($0) } }
        let large = StorageTree(entries: (0..<n).map { StorageEntry(key: key(2 * $0), value: [1]) })
        var versions = [large]
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            var current = large
            for b in 0..<blocks {
                var changes: [([UInt8], [UInt8]?)] = []
                for w in 0..<writesPerBlock {
                    let i = (b * 7_919 + w * 104_729) % n
                    changes.append((key(2 * i + 1), [2]))   // a new key between two old ones
                    changes.append((key(2 * i), nil))       // an old key removed
                }
                current = current.updating(changes)
                versions.append(current)
            }
        }
        let perBlock = elapsed / blocks
        print("StorageTree.updating of \(2 * writesPerBlock) keys in a storage of \(n): \(perBlock) per block (\(blocks) blocks)")
        // Each version holds what it was given; the first is untouched by the later ones.
        #expect(versions[0].count == n && versions[0].value(key(0)) == [1] && versions[0].value(key(1)) == nil)
        for (b, v) in versions.enumerated().dropFirst() {
            #expect(v.count == n, "block \(b)")
        }
        let last = versions[blocks]
        #expect(last.entries(prefix: [0x06]).count == n)
        #expect(last.entries.map(\.key) == last.entries.map(\.key).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(StorageTree(entries: last.entries).root == last.root)
    }
}
