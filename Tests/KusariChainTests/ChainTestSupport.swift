import Foundation
import KusariChain
import KusariConsensus
import KusariCore
import KusariStorage

/// A temporary data directory, removed when the value's owner calls `remove`.
struct TempDir {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-chain-\(UUID().uuidString)").path
    }
    func sub(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Fixed keys, so failures reproduce.
func key(_ n: UInt8) -> KeyPair { (try? KeyPair(seed: [UInt8](repeating: n, count: 32))) ?? KeyPair() }
func payload(_ k: KeyPair) -> AddressPayload { AddressPayload(publicKey: k.publicKey) }

/// A devnet genesis funding `alice` (key 1) and `bob` (key 2).
func testGenesis() throws -> Genesis {
    try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: PowParameters.kusariDevnet.powLimitBits,
                allocations: [.init(address: key(1).address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR),
                              .init(address: key(2).address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)])
}

/// A transfer from `from` to `to`.
func transfer(_ from: KeyPair, to: KeyPair, amount: UInt64, nonce: UInt64, fee: UInt64 = 1_000) throws -> Transaction {
    try Transaction(chainId: 3, key: from, nonce: nonce, to: payload(to), amount: amount, fee: fee)
}

/// Seals a hand-made header on a chain (valid proof of work and bits), for
/// building blocks whose body breaks a rule.
func craft(on chain: Blockchain, parent: BlockHeader, transactions: [Transaction], stateRoot: Hash256? = nil,
           beneficiary: AddressPayload) throws -> Block {
    let draft = BlockHeader(height: parent.height + 1, previousId: parent.id,
                            merkleRoot: MerkleTree.root(leaves: transactions.map(\.id)),
                            stateRoot: stateRoot ?? Hash256.sha256([1]), timestamp: parent.timestamp + 2,
                            bits: parent.bits, beneficiary: beneficiary, nonce: 0)
    guard let sealed = chain.engine.seal(draft, shouldStop: { false }) else { throw ChainError.production("no nonce") }
    return Block(header: sealed, transactions: transactions)
}
