import Foundation
import KusariConsensus
import KusariCore
@testable import KusariNode
import Logging
import Testing

/// A node whose chain does not run proof of stake refuses staking transactions at admission,
/// as it did when their kinds did not decode: one in the mempool would make every block
/// template invalid.
@Suite struct StakingAdmissionTests {
    @Test func aStakingTransactionIsRefusedAndMiningGoesOn() async throws {
        let alice = try KeyPair(seed: [UInt8](repeating: 1, count: 32))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kusari-staking-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let genesis = try Genesis(network: .devnet, chainId: 3, timestamp: 1_764_000_000, bits: PowParameters.kusariDevnet.powLimitBits,
                                  allocations: [.init(address: alice.address(on: .devnet).string, amount: 1_000 * Amount.unitsPerKSR)])
        let node = try Node(config: NodeConfig(dataDirectory: dir, genesis: genesis), logger: Logger(label: "test"))
        let bond = try Transaction(chainId: 3, key: alice, nonce: 0, staking: .createValidator(
            consensusKey: alice.publicKey, commissionBps: 0, selfBond: Amount.unitsPerKSR), fee: 1_000)
        await #expect(throws: NodeError.invalidEncoding(.invalid(field: "kind",
                      reason: "create-validator (kind 16): this chain does not run proof of stake"))) {
            _ = try await node.submit(transaction: bond.encoded)
        }
        #expect(await node.status().mempoolCount == 0)
        let (template, _, _) = try await node.miningTemplate(beneficiary: AddressPayload(publicKey: alice.publicKey))
        #expect(template.transactions.isEmpty)
        await node.shutdown()
    }
}
