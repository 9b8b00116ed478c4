import KusariConsensus
import KusariCore

/// The default devnet: a fixed genesis with one funded account whose key is
/// public (the "faucet"), so that a local network works out of the box, as
/// Bitcoin's regtest or a Hardhat node. Never send real value to it.
public enum DevnetGenesis {
    /// The faucet's seed: SHA-256 of the ASCII text "kusari devnet faucet".
    public static var faucetSeed: [UInt8] { Hash256.sha256(Array("kusari devnet faucet".utf8)).bytes }
    /// The faucet's key.
    public static var faucetKey: KeyPair { (try? KeyPair(seed: faucetSeed)) ?? KeyPair() }
    /// The faucet's balance at genesis: 1,000,000 KSR.
    public static let faucetBalance: UInt64 = 1_000_000 * Amount.unitsPerKSR
    /// The genesis timestamp (2025-11-24T16:00:00Z).
    public static let timestamp: UInt64 = 1_764_000_000

    /// The default devnet genesis.
    public static var genesis: Genesis {
        get throws(GenesisError) {
            try Genesis(network: .devnet, chainId: Network.devnet.defaultChainId, timestamp: timestamp,
                        bits: PowParameters.kusariDevnet.powLimitBits,
                        allocations: [.init(address: faucetKey.address(on: .devnet).string, amount: faucetBalance)])
        }
    }
}
