import Foundation
import Testing
import KusariChain
import KusariConsensus
import KusariCore
import KusariStorage

/// `Blockchain.tree`: the newest heights first when the limit cuts, side branches
/// that forked below the window included, and however many side blocks there are,
/// no more than `limit` entries.
@Suite struct BlockTreeTests {
    /// A best chain of 10 blocks on x, a side branch of 3 blocks forked at height 2,
    /// and `siblings` one-block side branches at height 1 (each mined on its own chain).
    func build(_ dir: TempDir, siblings: Int) throws -> (x: Blockchain, side: [Block], rivals: [Block]) {
        let genesis = try testGenesis()
        let x = try Blockchain.create(directory: dir.sub("x"), genesis: genesis)
        let y = try Blockchain.create(directory: dir.sub("y"), genesis: genesis)
        defer { y.close() }
        var main: [Block] = []
        for _ in 0..<10 { main.append(try x.produce(beneficiary: payload(key(10)))) }
        for b in main.prefix(2) { _ = try y.submit(b) }
        var side: [Block] = []
        for _ in 0..<3 { side.append(try y.produce(beneficiary: payload(key(11)))) }
        for b in side { #expect(try x.submit(b) == .sideBranch(height: b.header.height)) }
        var rivals: [Block] = []
        for i in 0..<siblings {
            let z = try Blockchain.create(directory: dir.sub("z\(i)"), genesis: genesis)
            rivals.append(try z.produce(beneficiary: payload(key(UInt8(20 + i)))))
            z.close()
        }
        for b in rivals { #expect(try x.submit(b) == .sideBranch(height: b.header.height)) }
        return (x, side, rivals)
    }

    @Test func sideBranchesForkedBelowTheWindowAppearAndTheNewestAreKept() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (x, side, _) = try build(dir, siblings: 0)
        defer { x.close() }
        // Heights 4...10: seven best-chain blocks, and the side blocks at 4 and 5 of the branch that forked at 2.
        let window = x.tree(fromHeight: 4, limit: 100)
        #expect(window.count == 9)
        #expect(window.map(\.header.height) == [4, 4, 5, 5, 6, 7, 8, 9, 10])
        #expect(window.filter { !$0.onBestChain }.map(\.id) == [side[1].id, side[2].id])
        #expect(window.first?.onBestChain == true)   // at each height the best chain's block comes first
        // The limit keeps the newest heights: 10, 9, 8.
        let newest = x.tree(fromHeight: 0, limit: 3)
        #expect(newest.map(\.header.height) == [8, 9, 10] && newest.allSatisfy(\.onBestChain))
        #expect(newest.last?.id == x.tipId)
        // A cut inside a height keeps that height's best-chain block: 10...5 is 6 + 1 side, then 4's best block.
        let cut = x.tree(fromHeight: 0, limit: 8)
        #expect(cut.count == 8 && cut.first?.header.height == 4 && cut.first?.onBestChain == true)
        #expect(x.tree(fromHeight: 11, limit: 10).isEmpty && x.tree(fromHeight: 0, limit: 0).isEmpty)
    }

    @Test func manySideBlocksAtOneHeightStayWithinTheLimit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (x, _, rivals) = try build(dir, siblings: 12)
        defer { x.close() }
        // Everything from height 1: 10 best-chain blocks, 3 on the branch from 2, 12 rivals at height 1.
        let all = x.tree(fromHeight: 1, limit: 1_000)
        #expect(all.count == 25)
        #expect(all.filter { $0.header.height == 1 && !$0.onBestChain }.map(\.id) == rivals.map(\.id))   // arrival order
        // With room for 15: heights 10...2 (9 best + 3 side = 12), then height 1's best block and the first two rivals.
        let bounded = x.tree(fromHeight: 0, limit: 15)
        #expect(bounded.count == 15)
        #expect(bounded.filter { $0.header.height == 1 }.map(\.id) == [x.best[1], rivals[0].id, rivals[1].id])
        #expect(!bounded.contains { $0.header.height == 0 })
        // The tree survives a reopen: the index by height is rebuilt from the stored headers.
        x.close()
        let reopened = try Blockchain.open(directory: dir.sub("x"))
        defer { reopened.close() }
        #expect(reopened.tree(fromHeight: 1, limit: 1_000) == all)
    }
}
